"""JSON logs (structlog) carrying the request id, which also travels in event headers."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

import orjson
import structlog

#: The id of the HTTP request (or the incoming event) being handled; empty outside one.
request_id_var: ContextVar[str] = ContextVar("request_id", default="")

_configured = False


def _add_request_id(_logger, _method, event_dict):
    rid = request_id_var.get()
    if rid:
        event_dict.setdefault("request_id", rid)
    return event_dict


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    """Configure structlog and the standard library once per process."""
    global _configured
    if _configured:
        return
    _configured = True
    renderer = (
        structlog.processors.JSONRenderer(serializer=lambda o, **kw: orjson.dumps(o, default=str).decode())
        if json
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _add_request_id,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    for noisy in ("aiokafka", "kafka", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
