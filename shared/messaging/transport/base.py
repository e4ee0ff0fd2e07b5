"""What every transport offers: keyed publish, consumer-group subscriptions, manual commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, runtime_checkable


class TransportError(Exception):
    """The broker could not take or give messages now; retry later."""


class PublishRejected(TransportError):
    """The broker refused one message for good (e.g. too large); retrying will not help."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"message {index} rejected: {reason}")
        self.index = index
        self.reason = reason


class Message(NamedTuple):
    """One message: a tuple, because the relay builds tens of thousands a second."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Sequence[tuple[str, bytes]] = ()

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k == name:
                return v.decode()
        return None


@dataclass(frozen=True, slots=True)
class Delivery:
    """A message as a consumer received it, with where it sits in its topic partition."""

    message: Message
    partition: int
    offset: int
    extra: dict = field(default_factory=dict, compare=False)


@runtime_checkable
class Subscription(Protocol):
    async def fetch(self, max_records: int = 100, timeout: float = 1.0) -> list[Delivery]:
        """Up to ``max_records`` deliveries, waiting at most ``timeout`` seconds for the first."""

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        """Mark these deliveries (and everything before them in their partitions) consumed."""

    async def close(self) -> None: ...


@runtime_checkable
class Transport(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def create_topics(self, topics: Iterable[str]) -> None: ...

    async def publish(self, messages: Sequence[Message]) -> None:
        """Publish in order; per key, order is kept. Raises ``TransportError`` or ``PublishRejected``."""

    async def subscribe(self, topics: Sequence[str], group: str) -> Subscription: ...
