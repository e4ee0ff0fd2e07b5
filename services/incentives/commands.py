"""``anjian events replay``: rebuild the incentives read model from the registry's event history."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer


def register(cli) -> None:
    """Add the incentives commands to the ``anjian`` CLI."""

    @cli.events_app.command("replay")
    def replay(
        data_dir: Annotated[Path, typer.Option("--data-dir", help="folder of the SQLite files")] = Path("data"),
        from_file: Annotated[
            Path | None, typer.Option("--from-file", help="JSON Lines of structured CloudEvents (an export)")
        ] = None,
        from_outbox: Annotated[
            str | None,
            typer.Option(
                "--from-outbox",
                help="database URL of the registry (its outbox holds every event it committed); "
                "default: the registry's database of --data-dir or ANJIAN_REGISTRY_DATABASE_URL",
            ),
        ] = None,
        reset: Annotated[
            bool, typer.Option("--reset", help="fold from nothing instead of onto the stored standings")
        ] = False,
    ) -> None:
        """Rebuild the incentives standings (and push or lift what changed) from the registry's history."""
        from services.incentives.service import replay as replay_mod
        from services.suite import service_settings

        if from_file is not None and from_outbox is not None:
            raise typer.BadParameter("give --from-file or --from-outbox, not both")
        if from_file is not None:
            events = replay_mod.events_from_file(from_file)
            source = str(from_file)
        else:
            url = from_outbox or service_settings("registry", data_dir).database_url
            events = replay_mod.events_from_outbox(url)
            source = "registry outbox"

        async def go():
            ctx = cli.context("incentives", data_dir)
            try:
                return await replay_mod.replay(ctx=ctx, events=events, reset=reset)
            finally:
                await ctx.db.dispose()

        cli.suite_mod.migrate_all(data_dir, ("incentives",))
        report = asyncio.run(go())
        typer.echo(
            f"incentives: replayed {report.events} events from {source} for {report.enterprises} enterprises; "
            f"{report.changed} changed, {len(report.refused)} refused"
        )
        for line in report.refused[:20]:
            typer.echo(f"  refused {line}", err=True)
