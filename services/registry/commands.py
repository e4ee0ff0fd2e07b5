"""``anjian import enterprises FILE``: an officer's spreadsheet through the import job, with a progress bar."""

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer

#: The CLI acts as an administrator of the local installation.
_CLI_USER = ("cli", "admin")


def register(cli) -> None:
    """Add the registry's commands to ``anjian``."""
    # Typer reads these annotations at registration, so this module does not postpone them.
    DataDir = cli.DataDir  # noqa: N806

    @cli.import_app.command("enterprises")
    def import_enterprises(
        file: Annotated[
            Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV (UTF-8 or GB18030) or XLSX")
        ],
        data_dir: DataDir = Path("data"),
    ) -> None:
        """Import enterprises (upsert by credit code); prints the rows refused and why.

        Exits 0 when every row was imported, 1 when some were refused or the job failed, 2 when the
        file itself cannot be read. The registry's relay publishes the events when the suite runs.
        """
        from shared.errors import DomainError

        cli.suite_mod.migrate_all(data_dir, ("registry",))
        try:
            job = asyncio.run(_run(cli, file, data_dir))
        except DomainError as exc:
            typer.echo(f"error: {exc.detail}", err=True)
            for e in exc.errors or []:
                typer.echo(f"  {e['field']}: {e['message']}", err=True)
            raise typer.Exit(2) from None
        _report(job)
        raise typer.Exit(0 if job["status"] == "done" and not job["failed_rows"] else 1)


async def _run(cli, file: Path, data_dir: Path) -> dict[str, Any]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from services.registry.service import imports
    from shared.security.principal import Principal

    user = Principal(*_CLI_USER)
    data = await asyncio.to_thread(file.read_bytes)
    ctx = cli.context("registry", data_dir)
    try:
        async with ctx.uow() as uow:
            queued = await imports.submit(uow=uow, user=user, filename=file.name, data=data, start=False)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task(f"importing {file.name}", total=None)
            await imports.importer_for(ctx).run_pending(
                ctx, queued["id"], progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
        async with ctx.uow(write=False) as uow:
            return await imports.get(uow=uow, user=user, job_id=queued["id"])
    finally:
        await ctx.db.dispose()


def _report(job: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"import {job['id']}: {job['status']}; {job['total_rows'] or 0} rows, "
        f"{job['succeeded_rows']} imported, {job['failed_rows']} refused"
    )
    if job["error"]:
        console.print(f"[red]the job failed:[/red] {job['error']}")
    if job["errors"]:
        table = Table("row", "field", "reason", title="rows refused")
        for item in job["errors"]:
            for e in item["errors"]:
                table.add_row(str(item["row"]), e["field"], e["message"])
        console.print(table)
        if job["failed_rows"] > len(job["errors"]):
            console.print(f"... and {job['failed_rows'] - len(job['errors'])} more rows")
