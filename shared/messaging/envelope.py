"""CloudEvents 1.0 envelope: binary mode on Kafka (``ce_*`` headers, JSON value), structured JSON for webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
_REQUIRED = ("id", "source", "type", "specversion")


class EnvelopeError(ValueError):
    """A message that is not a valid CloudEvent (missing attribute, bad JSON)."""


@dataclass(frozen=True, slots=True)
class CloudEvent:
    """One event: its CloudEvents attributes and JSON ``data``."""

    id: str
    source: str
    type: str
    data: dict[str, Any]
    time: datetime
    subject: str | None = None
    extensions: dict[str, str] = field(default_factory=dict)
    specversion: str = SPEC_VERSION
    datacontenttype: str = CONTENT_TYPE

    def binary_headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers for binary content mode (the CloudEvents Kafka protocol binding)."""
        headers = [
            ("ce_specversion", self.specversion.encode()),
            ("ce_id", self.id.encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_time", format_time(self.time).encode()),
            ("content-type", self.datacontenttype.encode()),
        ]
        if self.subject:
            headers.append(("ce_subject", self.subject.encode()))
        headers.extend((f"ce_{k}", v.encode()) for k, v in self.extensions.items())
        return headers

    def to_structured(self) -> bytes:
        """The event as one JSON document (structured mode), as webhooks carry it."""
        doc: dict[str, Any] = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": format_time(self.time),
            "datacontenttype": self.datacontenttype,
        }
        if self.subject:
            doc["subject"] = self.subject
        doc.update(self.extensions)
        doc["data"] = self.data
        return orjson.dumps(doc)


def format_time(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(s: str) -> datetime:
    t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def from_binary(headers: list[tuple[str, bytes]] | tuple[tuple[str, bytes], ...], value: bytes | None) -> CloudEvent:
    """Decode a binary-mode message; raises ``EnvelopeError`` for anything malformed."""
    attrs: dict[str, str] = {}
    for k, v in headers or ():
        if k.startswith("ce_"):
            try:
                attrs[k[3:]] = v.decode() if isinstance(v, bytes | bytearray) else str(v)
            except UnicodeDecodeError as exc:
                raise EnvelopeError(f"header {k} is not UTF-8") from exc
    missing = [a for a in _REQUIRED if not attrs.get(a)]
    if missing:
        raise EnvelopeError(f"missing CloudEvents attributes: {', '.join(missing)}")
    try:
        data = orjson.loads(value) if value else {}
    except orjson.JSONDecodeError as exc:
        raise EnvelopeError(f"data is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise EnvelopeError("data must be a JSON object")
    try:
        time = parse_time(attrs["time"]) if attrs.get("time") else datetime.now(UTC)
    except ValueError as exc:
        raise EnvelopeError(f"bad time {attrs.get('time')!r}") from exc
    known = {"id", "source", "type", "specversion", "time", "subject"}
    return CloudEvent(
        id=attrs["id"],
        source=attrs["source"],
        type=attrs["type"],
        specversion=attrs["specversion"],
        time=time,
        subject=attrs.get("subject"),
        data=data,
        extensions={k: v for k, v in attrs.items() if k not in known},
    )


def from_structured(body: bytes) -> CloudEvent:
    """Decode a structured-mode JSON CloudEvent (the webhook body)."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise EnvelopeError(f"not JSON: {exc}") from exc
    missing = [a for a in _REQUIRED if not doc.get(a)]
    if missing:
        raise EnvelopeError(f"missing CloudEvents attributes: {', '.join(missing)}")
    known = {"id", "source", "type", "specversion", "time", "subject", "data", "datacontenttype"}
    return CloudEvent(
        id=doc["id"],
        source=doc["source"],
        type=doc["type"],
        data=doc.get("data") or {},
        time=parse_time(doc["time"]) if doc.get("time") else datetime.now(UTC),
        subject=doc.get("subject"),
        extensions={k: str(v) for k, v in doc.items() if k not in known},
    )
