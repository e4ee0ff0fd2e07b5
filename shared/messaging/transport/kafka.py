"""Kafka transport (aiokafka): acks=all, manual offset commits, topics created at start-up.

Idempotence is a setting: on for Apache Kafka, off for the Tansu test broker, which does not
implement ``InitProducerId``. Ordering per key holds either way because aiokafka keeps one
in-flight batch per partition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CommitFailedError,
    IllegalStateError,
    KafkaError,
    MessageSizeTooLargeError,
    TopicAlreadyExistsError,
)
from aiokafka.partitioner import murmur2

from shared.logging import get_logger
from shared.messaging.transport.base import Delivery, Message, PublishRejected, TransportError

log = get_logger("anjian.kafka")

#: Errors that no retry will fix; the relay dead-letters the row.
_PERMANENT = (MessageSizeTooLargeError,)


class KafkaTransport:
    name = "kafka"

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str = "anjian",
        enable_idempotence: bool = True,
        partitions: int = 4,
        replication_factor: int = 1,
        linger_ms: int = 5,
        fetch_max_wait_ms: int = 20,
        session_timeout_ms: int = 10000,
        heartbeat_interval_ms: int = 1000,
        request_timeout_ms: int = 30000,
        commit_timeout_s: float = 10.0,
    ) -> None:
        if not bootstrap_servers:
            raise ValueError("KafkaTransport needs bootstrap servers (KAFKA_BOOTSTRAP_SERVERS)")
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.enable_idempotence = enable_idempotence
        self.partitions = partitions
        self.replication_factor = replication_factor
        self.linger_ms = linger_ms
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.session_timeout_ms = session_timeout_ms
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.request_timeout_ms = request_timeout_ms
        self.commit_timeout_s = commit_timeout_s
        self._producer: AIOKafkaProducer | None = None
        self._known_topics: set[str] = set()
        self._recreate_topics = False
        self._subscriptions: list[KafkaSubscription] = []
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, s) -> KafkaTransport:
        return cls(
            s.kafka_bootstrap_servers,
            client_id=f"anjian-{s.service_name}",
            enable_idempotence=s.kafka_enable_idempotence,
            partitions=s.kafka_partitions,
            replication_factor=s.kafka_replication_factor,
            linger_ms=s.kafka_linger_ms,
            fetch_max_wait_ms=s.kafka_fetch_max_wait_ms,
            session_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=s.kafka_heartbeat_interval_ms,
            request_timeout_ms=s.kafka_request_timeout_ms,
        )

    async def start(self) -> None:
        await self._producer_started()

    async def _producer_started(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap_servers,
                    client_id=self.client_id,
                    acks="all",
                    enable_idempotence=self.enable_idempotence,
                    linger_ms=self.linger_ms,
                    request_timeout_ms=self.request_timeout_ms,
                    max_batch_size=256 * 1024,
                )
                try:
                    await producer.start()
                except (KafkaError, OSError) as exc:
                    await producer.stop()
                    raise TransportError(f"cannot reach Kafka at {self.bootstrap_servers}: {exc}") from exc
                self._producer = producer
            return self._producer

    async def stop(self) -> None:
        for sub in list(self._subscriptions):
            await sub.close()
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()

    async def create_topics(self, topics: Iterable[str]) -> None:
        topics = list(topics)
        self._known_topics.update(topics)
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap_servers,
            client_id=f"{self.client_id}-admin",
            request_timeout_ms=self.request_timeout_ms,
        )
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if missing:
                try:
                    await admin.create_topics([NewTopic(t, self.partitions, self.replication_factor) for t in missing])
                except TopicAlreadyExistsError:
                    pass
        except (KafkaError, OSError) as exc:
            raise TransportError(f"cannot create topics {topics}: {exc}") from exc
        finally:
            await admin.close()

    async def publish(self, messages: Sequence[Message]) -> None:
        """Publish in record batches per partition (the default partitioner's choice for each key).

        Building the batches here instead of one ``send()`` per message saves a future and an
        accumulator round per message; order per partition is the order of ``messages``.
        """
        if self._recreate_topics and self._known_topics:
            # A broker that lost its state (the in-memory test broker restarted) has no topics.
            await self.create_topics(self._known_topics)
            self._recreate_topics = False
        try:
            producer = await self._producer_started()
            sent: list[tuple[asyncio.Future, list[int]]] = []
            open_batches: dict[tuple[str, int], tuple[object, list[int]]] = {}
            partitions: dict[str, list[int]] = {}
            for i, m in enumerate(messages):
                headers = m.headers if isinstance(m.headers, list) else list(m.headers)
                parts = partitions.get(m.topic)
                if parts is None:
                    parts = partitions[m.topic] = sorted(await producer.partitions_for(m.topic))
                p = parts[(murmur2(m.key) & 0x7FFFFFFF) % len(parts)] if m.key is not None else parts[i % len(parts)]
                tp = (m.topic, p)
                batch, members = open_batches.get(tp) or (None, None)
                if batch is None or batch.append(key=m.key, value=m.value, timestamp=None, headers=headers) is None:
                    if batch is not None:
                        sent.append((await producer.send_batch(batch, m.topic, partition=p), members))
                    batch, members = producer.create_batch(), []
                    if batch.append(key=m.key, value=m.value, timestamp=None, headers=headers) is None:
                        await self._settle(sent)
                        raise PublishRejected(i, "message larger than a whole record batch")
                    open_batches[tp] = (batch, members)
                members.append(i)
            for (topic, p), (batch, members) in open_batches.items():
                sent.append((await producer.send_batch(batch, topic, partition=p), members))
        except PublishRejected:
            raise
        except (KafkaError, OSError) as exc:
            self._recreate_topics = True
            raise TransportError(f"publish failed: {exc!r}") from exc
        await self._settle(sent)

    async def _settle(self, sent: list[tuple[asyncio.Future, list[int]]]) -> None:
        """Wait for the batches handed over; raise with the indices that did get through."""
        results = await asyncio.gather(*(f for f, _ in sent), return_exceptions=True)
        failed = [(r, members) for r, (_, members) in zip(results, sent, strict=True) if isinstance(r, BaseException)]
        if not failed:
            return
        for r, members in failed:
            if isinstance(r, _PERMANENT):
                raise PublishRejected(min(members), str(r))
        self._recreate_topics = True
        err = TransportError(f"publish failed: {failed[0][0]!r}")
        err.succeeded = sorted(
            i
            for r, (_, members) in zip(results, sent, strict=True)
            if not isinstance(r, BaseException)
            for i in members
        )
        raise err

    async def subscribe(self, topics: Sequence[str], group: str) -> KafkaSubscription:
        sub = KafkaSubscription(self, list(topics), group)
        await sub.start()
        self._subscriptions.append(sub)
        return sub


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, sub: KafkaSubscription) -> None:
        self.sub = sub

    async def on_partitions_revoked(self, revoked):
        # The dispatcher commits after every batch, so nothing processed is left uncommitted here;
        # whatever a new owner re-reads is skipped by its inbox.
        if revoked:
            log.info("partitions revoked", group=self.sub.group, partitions=[str(tp) for tp in revoked])

    async def on_partitions_assigned(self, assigned):
        if assigned:
            log.info("partitions assigned", group=self.sub.group, partitions=[str(tp) for tp in assigned])


class KafkaSubscription:
    def __init__(self, transport: KafkaTransport, topics: list[str], group: str) -> None:
        self.t = transport
        self.topics = topics
        self.group = group
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        c = AIOKafkaConsumer(
            bootstrap_servers=self.t.bootstrap_servers,
            client_id=f"{self.t.client_id}-{self.group}",
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=self.t.fetch_max_wait_ms,
            session_timeout_ms=self.t.session_timeout_ms,
            heartbeat_interval_ms=self.t.heartbeat_interval_ms,
            # JoinGroup blocks for up to the rebalance timeout (the session timeout): a shorter request
            # timeout would abort every join and the consumer would never get partitions.
            request_timeout_ms=max(self.t.request_timeout_ms, self.t.session_timeout_ms + 5000),
            max_poll_interval_ms=300_000,
            metadata_max_age_ms=5_000,
        )
        try:
            await c.start()
        except (KafkaError, OSError) as exc:
            await c.stop()
            raise TransportError(f"cannot start consumer {self.group}: {exc}") from exc
        c.subscribe(self.topics, listener=_Rebalance(self))
        self._consumer = c

    def assignment(self) -> set[tuple[str, int]]:
        """The (topic, partition) pairs this member owns now; empty before it joins its group."""
        if self._consumer is None:
            return set()
        return {(tp.topic, tp.partition) for tp in self._consumer.assignment()}

    async def fetch(self, max_records: int = 100, timeout: float = 1.0) -> list[Delivery]:
        if self._consumer is None:
            return []
        try:
            batches = await self._consumer.getmany(timeout_ms=int(timeout * 1000), max_records=max_records)
        except (KafkaError, OSError) as exc:
            raise TransportError(f"fetch failed: {exc!r}") from exc
        out: list[Delivery] = []
        for tp, records in batches.items():
            for r in records:
                msg = Message(r.topic, r.key, r.value or b"", tuple((k, v) for k, v in (r.headers or ())))
                out.append(Delivery(msg, tp.partition, r.offset))
        return out

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if self._consumer is None or not deliveries:
            return
        offsets: dict[TopicPartition, int] = {}
        for d in deliveries:
            tp = TopicPartition(d.message.topic, d.partition)
            offsets[tp] = max(offsets.get(tp, 0), d.offset + 1)
        try:
            # commit() can hang after a broker loss; the inbox makes a lost commit harmless.
            await asyncio.wait_for(self._consumer.commit(offsets), self.t.commit_timeout_s)
        except (CommitFailedError, IllegalStateError, TimeoutError, KafkaError) as exc:
            log.warning("offset commit failed; messages may be redelivered", group=self.group, error=repr(exc))

    async def close(self) -> None:
        if self._consumer is not None:
            c, self._consumer = self._consumer, None
            try:
                await asyncio.wait_for(c.stop(), 15)
            except (TimeoutError, KafkaError):
                log.warning("consumer stop timed out", group=self.group)
        if self in self.t._subscriptions:
            self.t._subscriptions.remove(self)
