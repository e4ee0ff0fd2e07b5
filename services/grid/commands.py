"""``anjian events announce-placements``: tell other services again where every enterprise sits."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer


def register(cli) -> None:
    """Add the grid's commands to the ``anjian`` CLI."""

    @cli.events_app.command("announce-placements")
    def announce_placements(
        data_dir: Annotated[Path, typer.Option("--data-dir", help="folder of the SQLite files")] = Path("data"),
    ) -> None:
        """Publish grid.enterprise.placed.v1 for every placed enterprise (its outbox delivers them).

        For a service that starts consuming the grid's placements late or rebuilds its copy of
        them (e.g. the hazard service's grid-worker scope); consumers keep the newest placement,
        so running it twice is harmless. The database URL comes from ANJIAN_GRID_DATABASE_URL or
        the SQLite file in --data-dir.
        """
        from services.grid.service.enterprises import announce_all

        async def go() -> int:
            ctx = cli.context("grid", data_dir)
            try:
                return await announce_all(ctx)
            finally:
                await ctx.db.dispose()

        cli.suite_mod.migrate_all(data_dir, ("grid",))
        typer.echo(f"grid: announced the placement of {asyncio.run(go())} enterprises")
