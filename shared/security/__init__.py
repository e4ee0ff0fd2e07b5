"""Identity primitives: JWT verification and issuing, password hashing, partner API keys."""
