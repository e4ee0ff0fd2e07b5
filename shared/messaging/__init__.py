"""Events between services: CloudEvents envelope, transactional outbox, inbox, consumers, transports."""
