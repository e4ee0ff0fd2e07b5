"""JWT verification in every service: expired, wrong signature, wrong audience -> 401; wrong role -> 403."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi import APIRouter

from shared.api.app import create_service_app
from shared.api.deps import CurrentUser, Roles
from shared.security.apikeys import generate_api_key, parse_prefix, verify_api_key
from shared.security.passwords import hash_password, verify_password
from shared.testing.fixtures import TEST_SIGNING_KEY, running, settings_for, token_for

from .conftest import PlatformSettings, make_spec

router = APIRouter(prefix="/platformtest/v1")
Officer = Roles("admin", "officer")


@router.get("/me")
async def me(user: CurrentUser) -> dict:
    return {"sub": user.sub, "role": user.role, "division_code": user.division_code}


@router.get("/officers-only")
async def officers_only(user: Officer) -> dict:
    return {"ok": True}


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
        c.settings = settings
        yield c


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def forged(claims: dict, key: str = TEST_SIGNING_KEY) -> str:
    now = datetime.now(UTC)
    base = {
        "sub": "x",
        "role": "officer",
        "aud": "anjian",
        "iss": "anjian",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    return jwt.encode(base | claims, key, algorithm="HS256")


async def test_valid_token_carries_role_and_scope(client):
    r = await client.get(
        "/platformtest/v1/me", headers=bearer(token_for(client.settings, "officer", division_code="330503"))
    )
    assert r.status_code == 200
    assert r.json() == {"sub": "test-officer", "role": "officer", "division_code": "330503"}


@pytest.mark.parametrize(
    "make_token, code",
    [
        (lambda: forged({"exp": int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())}), "token_expired"),
        (lambda: forged({}, key="another-key-another-key-another-key-0000"), "invalid_token"),
        (lambda: forged({"aud": "someone-else"}), "invalid_token"),
        (lambda: forged({"iss": "evil"}), "invalid_token"),
        (lambda: forged({"role": "superuser"}), "invalid_token"),
        (lambda: "not.a.jwt", "invalid_token"),
    ],
    ids=["expired", "wrong-signature", "wrong-audience", "wrong-issuer", "unknown-role", "garbage"],
)
async def test_bad_tokens_are_401_problems(client, make_token, code):
    # Tokens are made when the test runs: made at collection, the good ones would expire first.
    r = await client.get("/platformtest/v1/me", headers=bearer(make_token()))
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == code


async def test_missing_credentials_are_401_with_www_authenticate(client):
    r = await client.get("/platformtest/v1/me")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


async def test_none_algorithm_is_refused(client):
    token = jwt.encode(
        {"sub": "x", "role": "admin", "aud": "anjian", "iss": "anjian", "exp": 4102444800}, None, algorithm="none"
    )
    assert (await client.get("/platformtest/v1/me", headers=bearer(token))).status_code == 401


async def test_role_outside_the_routes_roles_is_403(client):
    ok = await client.get(
        "/platformtest/v1/officers-only", headers=bearer(token_for(client.settings, "officer", division_code="330500"))
    )
    assert ok.status_code == 200
    r = await client.get(
        "/platformtest/v1/officers-only",
        headers=bearer(token_for(client.settings, "enterprise", uscc="914403001922038216")),
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden_role"


def test_passwords_are_argon2_hashed_and_verified():
    h = hash_password("Correct-horse-1")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "Correct-horse-1")
    assert not verify_password(h, "wrong")
    assert not verify_password(None, "anything")


def test_api_keys_are_shown_once_and_stored_as_a_digest():
    k = generate_api_key()
    assert k.key.startswith(f"ajk_{k.prefix}_") and k.digest != k.key and len(k.digest) == 64
    assert parse_prefix(k.key) == k.prefix
    assert verify_api_key(k.key, k.digest)
    assert not verify_api_key(k.key + "x", k.digest)
    assert parse_prefix("Bearer something") is None


def test_production_refuses_default_secrets(tmp_path):
    from shared.settings import SettingsError

    s = PlatformSettings(
        env="production",
        database_url="postgresql+asyncpg://u@h/db",
        transport="kafka",
        kafka_bootstrap_servers="kafka:9092",
    )
    with pytest.raises(SettingsError, match="ANJIAN_JWT_SIGNING_KEY"):
        s.check_production()
    ok = PlatformSettings(
        env="production",
        database_url="postgresql+asyncpg://u@h/db",
        transport="kafka",
        kafka_bootstrap_servers="kafka:9092",
        jwt_signing_key="k" * 40,
    )
    ok.check_production()
    with pytest.raises(SettingsError, match="PostgreSQL"):
        PlatformSettings(
            env="production",
            jwt_signing_key="k" * 40,
            transport="kafka",
            kafka_bootstrap_servers="kafka:9092",
            data_dir=tmp_path,
        ).check_production()


def test_service_prefix_overrides_the_suite_wide_one(monkeypatch):
    monkeypatch.setenv("ANJIAN_DATABASE_URL", "sqlite+aiosqlite:///common.db")
    monkeypatch.setenv("ANJIAN_PLATFORMTEST_DATABASE_URL", "sqlite+aiosqlite:///own.db")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "broker:9092")

    class S(PlatformSettings):
        model_config = {**PlatformSettings.model_config, "env_prefix": "ANJIAN_PLATFORMTEST_"}

    s = S()
    assert s.database_url == "sqlite+aiosqlite:///own.db"
    assert s.kafka_bootstrap_servers == "broker:9092"
