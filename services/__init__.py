"""The anjian services: one package per service, and the suite and CLI that compose them."""
