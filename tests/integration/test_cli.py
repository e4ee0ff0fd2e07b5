"""The `anjian` command acts on the same data folder as `anjian run`."""

import asyncio

import httpx
from typer.testing import CliRunner

from services import cli
from services.suite import create_suite, migrate_all

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(cli.app, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_users_create_makes_an_account_the_suite_signs_in(tmp_path, monkeypatch):
    monkeypatch.delenv("ANJIAN_JWT_SIGNING_KEY", raising=False)
    data = tmp_path / "data"
    out = invoke(
        "users",
        "create",
        "--data-dir",
        str(data),
        "--username",
        "li.wei",
        "--password",
        "Li-wei-pass-1",
        "--role",
        "officer",
        "--division-code",
        "330503",
    )
    assert "created officer 'li.wei'" in out
    bad = runner.invoke(
        cli.app,
        [
            "users",
            "create",
            "--data-dir",
            str(data),
            "--username",
            "x1",
            "--password",
            "Long-enough-1",
            "--role",
            "officer",
        ],
    )
    assert bad.exit_code != 0 and "division_code" in bad.output
    dup = runner.invoke(
        cli.app,
        [
            "users",
            "create",
            "--data-dir",
            str(data),
            "--username",
            "li.wei",
            "--password",
            "Li-wei-pass-1",
            "--role",
            "admin",
        ],
    )
    assert dup.exit_code == 1 and "exists" in dup.output

    migrate_all(data)  # `anjian run` does this before it starts

    async def sign_in():
        suite = create_suite(data, demo=False, console=False)
        async with suite:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=suite), base_url="http://s") as c:
                r = await c.post("/auth/v1/token", data={"username": "li.wei", "password": "Li-wei-pass-1"})
                assert r.status_code == 200, r.text
                me = await c.get("/registry/v1/users", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
                assert me.status_code == 403  # an officer is not an admin

    asyncio.run(sign_in())


def test_migrate_and_outbox_commands(tmp_path, monkeypatch):
    monkeypatch.delenv("ANJIAN_JWT_SIGNING_KEY", raising=False)
    data = tmp_path / "data"
    assert "registry: upgraded to head" in invoke("migrate", "--data-dir", str(data))
    out = invoke("outbox", "status", "--data-dir", str(data))
    for name in ("registry", "grid", "hazard", "incentives"):
        assert f"{name}: pending=0 dead=0" in out
    assert "registry: 0 rows redriven" in invoke("outbox", "redrive", "--data-dir", str(data), "--service", "registry")
    bad = runner.invoke(cli.app, ["outbox", "status", "--data-dir", str(data), "--service", "nope"])
    assert bad.exit_code != 0
    assert "hazard: downgraded to base" in invoke(
        "migrate", "--data-dir", str(data), "--service", "hazard", "--down", "--revision", "base"
    )


def test_announce_placements_publishes_every_placed_enterprise_once_per_run(tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from services.grid.models import Cell, Enterprise
    from services.grid.models.platform import outbox

    monkeypatch.delenv("ANJIAN_JWT_SIGNING_KEY", raising=False)
    data = tmp_path / "data"
    migrate_all(data, ("grid",))
    now = datetime(2026, 11, 30, tzinfo=UTC)

    async def seed():
        ctx = cli.context("grid", data)
        try:
            async with ctx.uow() as uow:
                town = Cell(
                    id="c-town", code="JG", name="旧馆镇", level=1, path="/c-town/", created_at=now, created_by="t"
                )
                village = Cell(
                    id="c-vil", code="JG-SQ", name="三桥村", level=2, parent_id="c-town", path="/c-town/c-vil/",
                    created_at=now, created_by="t",
                )  # fmt: skip
                uow.session.add_all([town, village])
                await uow.session.flush()
                for i in range(1203):  # more than two batches
                    uow.session.add(
                        Enterprise(
                            uscc=f"91330503MA{i:08d}",
                            name=f"企业{i}",
                            division_code="330503",
                            township="旧馆镇",
                            cell_id="c-vil" if i % 3 else None,
                            placement="auto" if i % 3 else None,
                            as_of=now,
                            updated_at=now,
                            blacklist_entries={},
                        )  # fmt: skip
                    )
                await uow.commit()
        finally:
            await ctx.db.dispose()

    async def announced() -> tuple[int, int]:
        ctx = cli.context("grid", data)
        try:
            async with ctx.db.read() as s:
                rows = (
                    await s.execute(select(outbox.c.payload).where(outbox.c.type == "grid.enterprise.placed.v1"))
                ).all()
                keys = (await s.execute(select(func.count(func.distinct(outbox.c.key))))).scalar_one()
                return len(rows), keys
        finally:
            await ctx.db.dispose()

    asyncio.run(seed())
    assert "announced the placement of 802 enterprises" in invoke(
        "events", "announce-placements", "--data-dir", str(data)
    )
    assert asyncio.run(announced()) == (802, 802)
    invoke("events", "announce-placements", "--data-dir", str(data))
    assert asyncio.run(announced())[0] == 1604
