"""HTTP plumbing: problem+json everywhere, pagination caps, ETags and If-Match, Idempotency-Key,
rate limits and request ids."""

import pytest
from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import func, insert, select

from shared.api.app import create_service_app
from shared.api.deps import UowDep
from shared.api.etag import IdempotencyKey, IfMatch, check_version, parse_if_match, required_version, set_etag
from shared.api.idempotency import run_idempotent
from shared.api.pagination import Page, PageDep
from shared.api.ratelimit import RateLimiter
from shared.errors import Conflict, Invalid, PreconditionFailed, PreconditionRequired, TooManyRequests
from shared.testing.fixtures import running, settings_for

from .conftest import PingV1, PlatformSettings, make_spec, totals

router = APIRouter(prefix="/platformtest/v1")


class Body(BaseModel):
    name: str = Field(min_length=2)
    count: int = Field(ge=0)


class Out(BaseModel):
    key: str
    count: int


@router.post("/things", status_code=201)
async def create_thing(body: Body) -> Body:
    if body.name == "taken":
        raise Conflict("that name is taken", code="name_taken")
    return body


@router.get("/pages")
async def pages(page: PageDep) -> Page[int]:
    return Page(
        items=list(range(page.offset, page.offset + min(page.limit, 3))),
        total=1000,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/versioned")
async def versioned(response: __import__("fastapi").Response, if_match: IfMatch = None) -> dict:
    check_version(4, parse_if_match(if_match))
    set_etag(response, 4)
    return {"version": 4}


@router.post("/counters", status_code=201)
async def add_counter(body: Body, uow: UowDep, key: IdempotencyKey = None):
    async def effect(u):
        await u.session.execute(insert(totals).values(key=body.name, count=body.count))
        u.publish(PingV1(uscc=body.name, n=body.count))
        await u.commit()
        return Out(key=body.name, count=body.count)

    return await run_idempotent(uow, key=key, scope="test:counters", payload=body, fn=effect)


@router.get("/boom")
async def boom():
    raise ZeroDivisionError("a bug")


@pytest.fixture
async def client(platform_db, inprocess):
    settings = settings_for(PlatformSettings, platform_db)
    app = create_service_app(
        spec=make_spec(consume=False),
        settings=settings,
        routers=[router],
        title="t",
        transport=inprocess,
        background=False,
    )
    async with running(app) as c:
        c.ctx = app.state.ctx
        yield c


async def test_malformed_json_is_a_400_problem(client):
    r = await client.post("/platformtest/v1/things", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "malformed_json"


async def test_invalid_fields_are_a_422_problem_naming_each_field(client):
    r = await client.post("/platformtest/v1/things", json={"name": "x", "count": -1})
    body = r.json()
    assert r.status_code == 422 and body["code"] == "validation_error"
    assert {e["field"] for e in body["errors"]} == {"name", "count"}
    assert body["status"] == 422 and body["title"] and body["type"].startswith("https://")


async def test_domain_errors_keep_their_status_and_code(client):
    r = await client.post("/platformtest/v1/things", json={"name": "taken", "count": 1})
    assert r.status_code == 409 and r.json()["code"] == "name_taken"


async def test_unknown_paths_and_methods_are_problems(client):
    r = await client.get("/platformtest/v1/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = await client.delete("/platformtest/v1/things")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


async def test_an_unexpected_error_is_a_500_problem_without_internals(platform_db, inprocess):
    settings = settings_for(PlatformSettings, platform_db)
    app = create_service_app(
        spec=make_spec(consume=False),
        settings=settings,
        routers=[router],
        title="t",
        transport=inprocess,
        background=False,
    )
    async with running(app, raise_app_exceptions=False) as client:
        r = await client.get("/platformtest/v1/boom")
    assert r.status_code == 500 and r.json()["code"] == "internal_error"
    assert "ZeroDivision" not in r.text


async def test_limit_is_capped_at_200(client):
    r = await client.get("/platformtest/v1/pages", params={"limit": 5000, "offset": 10})
    assert r.json()["limit"] == 200 and r.json()["offset"] == 10
    assert (await client.get("/platformtest/v1/pages", params={"limit": 0})).status_code == 422


async def test_etag_and_if_match(client):
    r = await client.get("/platformtest/v1/versioned")
    assert r.headers["etag"] == '"4"'
    assert (await client.get("/platformtest/v1/versioned", headers={"If-Match": '"4"'})).status_code == 200
    stale = await client.get("/platformtest/v1/versioned", headers={"If-Match": 'W/"3"'})
    assert stale.status_code == 412 and stale.json()["code"] == "version_mismatch"
    bad = await client.get("/platformtest/v1/versioned", headers={"If-Match": "garbage"})
    assert bad.status_code == 422


def test_if_match_rules():
    assert parse_if_match('"7"') == 7 and parse_if_match('W/"7"') == 7 and parse_if_match("*") is None
    with pytest.raises(PreconditionRequired):
        required_version(None)
    with pytest.raises(PreconditionFailed):
        check_version(2, 1)
    with pytest.raises(Invalid):
        parse_if_match('"v2"')


async def test_idempotency_key_returns_the_first_answer_and_applies_once(client):
    h = {"Idempotency-Key": "retry-1"}
    first = await client.post("/platformtest/v1/counters", json={"name": "idem", "count": 3}, headers=h)
    again = await client.post("/platformtest/v1/counters", json={"name": "idem", "count": 3}, headers=h)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {"key": "idem", "count": 3}
    assert again.headers.get("idempotent-replayed") == "true"
    async with client.ctx.db.read() as s:
        assert (await s.execute(select(func.count()).select_from(totals))).scalar() == 1
    b = await client.ctx.relay.backlog()
    assert b.pending == 1  # one event, not two
    reused = await client.post("/platformtest/v1/counters", json={"name": "other", "count": 1}, headers=h)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


async def test_request_id_is_echoed_or_made(client):
    r = await client.get("/platformtest/v1/pages", headers={"X-Request-ID": "req-123"})
    assert r.headers["x-request-id"] == "req-123"
    r = await client.get("/platformtest/v1/pages", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces" and len(r.headers["x-request-id"]) == 36


async def test_request_id_travels_in_event_headers(client):
    await client.post(
        "/platformtest/v1/counters", json={"name": "traced", "count": 1}, headers={"X-Request-ID": "trace-42"}
    )
    await client.ctx.relay.drain()
    msgs = client.ctx.transport.messages("test.platform.v1")
    assert msgs[-1].header("ce_requestid") == "trace-42"


def test_rate_limiter_refuses_over_the_limit_per_key_and_refills():
    now = [0.0]
    rl = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    rl.check("a")
    rl.check("a")
    with pytest.raises(TooManyRequests) as e:
        rl.check("a")
    assert e.value.headers["Retry-After"] == "1"
    rl.check("b")  # another caller is unaffected
    now[0] += 1.0
    rl.check("a")
