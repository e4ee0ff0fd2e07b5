"""In-process transport: a Kafka-like log in memory (topics, partitions, consumer groups, offsets).

It behaves like the broker where it matters to the code above it: messages are keyed into
partitions (per-key order), every consumer group sees every message, a group resumes from its
last committed offset (so an uncommitted message is delivered again), and ``drain()`` lets tests
wait until every group has committed everything instead of sleeping.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shared.messaging.transport.base import Delivery, Message, TransportError

#: A partition keeps at least this many consumed messages before trimming (for late groups).
_RETAIN = 10_000


@dataclass
class _Partition:
    base: int = 0
    messages: list[Message] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.base + len(self.messages)


@dataclass
class _Group:
    name: str
    committed: dict[tuple[str, int], int] = field(default_factory=dict)
    topics: set[str] = field(default_factory=set)
    member: InProcessSubscription | None = None


class InProcessTransport:
    """The embedded transport: asyncio only, no threads, no I/O."""

    name = "inprocess"

    def __init__(self, partitions: int = 4) -> None:
        self.partitions = partitions
        self._topics: dict[str, list[_Partition]] = {}
        self._groups: dict[str, _Group] = {}
        self._wakeups: set[asyncio.Event] = set()
        #: Tests set this to make the transport fail like a broker that is down.
        self.down = False

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        for group in self._groups.values():
            if group.member:
                group.member.closed = True
        self._notify()

    async def create_topics(self, topics: Iterable[str]) -> None:
        for t in topics:
            self._topic(t)

    def _topic(self, name: str) -> list[_Partition]:
        parts = self._topics.get(name)
        if parts is None:
            parts = self._topics[name] = [_Partition() for _ in range(self.partitions)]
        return parts

    def partition_for(self, key: bytes | None, topic: str) -> int:
        if key is None:
            return 0
        return zlib.crc32(key) % len(self._topic(topic))

    async def publish(self, messages: Sequence[Message]) -> None:
        if self.down:
            raise TransportError("in-process transport is down")
        for m in messages:
            self._topic(m.topic)[self.partition_for(m.key, m.topic)].messages.append(m)
        self._trim()
        self._notify()

    def _notify(self) -> None:
        for ev in self._wakeups:
            ev.set()

    async def subscribe(self, topics: Sequence[str], group: str) -> InProcessSubscription:
        g = self._groups.get(group)
        if g is None:
            g = self._groups[group] = _Group(group)
        g.topics.update(topics)
        if g.member is not None:
            # A new member takes the partitions over, as after a rebalance: the old one gets nothing more.
            g.member.closed = True
        sub = InProcessSubscription(self, g, list(topics))
        g.member = sub
        return sub

    def _trim(self) -> None:
        for topic, parts in self._topics.items():
            groups = [g for g in self._groups.values() if topic in g.topics]
            if not groups:
                continue
            for i, p in enumerate(parts):
                if len(p.messages) <= 2 * _RETAIN:
                    continue
                low = min(g.committed.get((topic, i), p.base) for g in groups)
                cut = min(low, p.end - _RETAIN) - p.base
                if cut > 0:
                    del p.messages[:cut]
                    p.base += cut

    def lag(self, group: str) -> int:
        """Messages published on the group's topics that it has not committed."""
        g = self._groups.get(group)
        if g is None:
            return 0
        total = 0
        for topic in g.topics:
            for i, p in enumerate(self._topic(topic)):
                total += p.end - max(g.committed.get((topic, i), p.base), p.base)
        return total

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until every consumer group with a live member has committed every message."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            pending = {g.name: self.lag(g.name) for g in self._groups.values() if g.member and not g.member.closed}
            if not any(pending.values()):
                return
            if loop.time() > deadline:
                raise TimeoutError(f"transport not drained: lag per group {pending}")
            await asyncio.sleep(0.002)

    def messages(self, topic: str) -> list[Message]:
        """Every retained message of a topic, partition by partition (for assertions)."""
        return [m for p in self._topic(topic) for m in p.messages]


class InProcessSubscription:
    """One member of a consumer group; positions start at the group's committed offsets."""

    def __init__(self, transport: InProcessTransport, group: _Group, topics: list[str]) -> None:
        self.t = transport
        self.group = group
        self.topics = topics
        self.closed = False
        self._wakeup = asyncio.Event()
        transport._wakeups.add(self._wakeup)
        self._position: dict[tuple[str, int], int] = {}
        for topic in topics:
            for i, p in enumerate(transport._topic(topic)):
                self._position[(topic, i)] = max(group.committed.get((topic, i), p.base), p.base)

    def _take(self, max_records: int) -> list[Delivery]:
        out: list[Delivery] = []
        for (topic, i), pos in self._position.items():
            p = self.t._topic(topic)[i]
            pos = max(pos, p.base)
            while pos < p.end and len(out) < max_records:
                out.append(Delivery(p.messages[pos - p.base], i, pos))
                pos += 1
            self._position[(topic, i)] = pos
            if len(out) >= max_records:
                break
        return out

    async def fetch(self, max_records: int = 100, timeout: float = 1.0) -> list[Delivery]:
        if self.closed:
            return []
        if self.t.down:
            raise TransportError("in-process transport is down")
        self._wakeup.clear()
        got = self._take(max_records)
        if got or timeout <= 0:
            return got
        try:
            await asyncio.wait_for(self._wakeup.wait(), timeout)
        except TimeoutError:
            return []
        return [] if self.closed else self._take(max_records)

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if self.closed:
            return  # like a commit after a rebalance: ignored, the new member re-reads
        for d in deliveries:
            k = (d.message.topic, d.partition)
            if d.offset + 1 > self.group.committed.get(k, 0):
                self.group.committed[k] = d.offset + 1

    async def close(self) -> None:
        self.closed = True
        self.t._wakeups.discard(self._wakeup)
        if self.group.member is self:
            self.group.member = None
