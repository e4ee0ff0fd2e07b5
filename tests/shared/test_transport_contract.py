"""One contract, both adapters: every group gets every message, per-key order, redelivery of what
was not committed."""

import asyncio

from shared.messaging.transport import Message


def msg(topic: str, key: str, n: int) -> Message:
    return Message(topic, key.encode(), f"{key}:{n}".encode(), (("ce_id", f"{key}-{n}".encode()),))


async def fetch_all(sub, count: int, timeout: float = 20.0) -> list:
    got = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(got) < count:
        assert loop.time() < deadline, f"only {len(got)} of {count} messages arrived"
        got.extend(await sub.fetch(500, 0.5))
    return got


async def test_every_consumer_group_receives_every_message(transport):
    await transport.create_topics(["t.fanout"])
    a = await transport.subscribe(["t.fanout"], "group-a")
    b = await transport.subscribe(["t.fanout"], "group-b")
    await transport.publish([msg("t.fanout", f"k{i % 7}", i) for i in range(50)])
    got_a = await fetch_all(a, 50)
    got_b = await fetch_all(b, 50)
    assert sorted(d.message.value for d in got_a) == sorted(d.message.value for d in got_b)
    assert len({d.message.value for d in got_a}) == 50


async def test_messages_of_one_key_arrive_in_publish_order(transport):
    await transport.create_topics(["t.order"])
    sub = await transport.subscribe(["t.order"], "group-order")
    sent = [msg("t.order", f"uscc{i % 5}", i) for i in range(200)]
    for chunk in range(0, 200, 40):
        await transport.publish(sent[chunk : chunk + 40])
    got = await fetch_all(sub, 200)
    by_key: dict[bytes, list[int]] = {}
    for d in got:
        by_key.setdefault(d.message.key, []).append(int(d.message.value.split(b":")[1]))
    for key, ns in by_key.items():
        assert ns == sorted(ns), f"key {key!r} out of order"
    assert headers_survive(got[0])


def headers_survive(d) -> bool:
    return d.message.header("ce_id") is not None


async def test_uncommitted_message_is_delivered_again_to_the_next_member(transport):
    await transport.create_topics(["t.redeliver"])
    first = await transport.subscribe(["t.redeliver"], "group-r")
    await transport.publish([msg("t.redeliver", "k", i) for i in range(3)])
    got = await fetch_all(first, 3)
    await first.commit(got[:1])  # only the first is acknowledged
    await first.close()
    second = await transport.subscribe(["t.redeliver"], "group-r")
    again = await fetch_all(second, 2)
    assert [d.message.value for d in again] == [b"k:1", b"k:2"]
    await second.commit(again)
    await second.close()
