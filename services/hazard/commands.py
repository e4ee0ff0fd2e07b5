"""``anjian import hazards FILE``: load a historical hazard ledger (隐患台账) from the command line."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

#: Row errors printed in full; the rest are counted (GET /hazard/v1/imports/{id} has them all).
SHOWN_ERRORS = 50


def register(cli) -> None:
    """Add the hazard service's commands to the ``anjian`` CLI."""

    @cli.import_app.command("hazards")
    def import_hazards(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or XLSX ledger")],
        data_dir: cli.DataDir = Path("data"),
    ) -> None:
        """Load a hazard ledger with its own times (found, notice, deadline, closed).

        Columns: uscc, description, level, found_at (required); source, found_by, major_standard,
        major_clause, notice_number, notice_issued_at, deadline, measures, closed_at (optional);
        Chinese headers such as 统一社会信用代码, 隐患描述, 隐患等级, 发现时间 are accepted. Exits 1 when a
        row was refused or the job failed.
        """
        cli.suite_mod.migrate_all(data_dir, ("hazard",))
        console = Console(stderr=True)
        ok = asyncio.run(_import(cli, file.name, file.read_bytes(), data_dir, console))
        raise typer.Exit(0 if ok else 1)


async def _import(cli, filename: str, data: bytes, data_dir: Path, console: Console) -> bool:
    from services.hazard.service.imports import importer, submit_ledger
    from shared.errors import DomainError
    from shared.security.principal import Principal

    ctx = cli.context("hazard", data_dir)
    try:
        try:
            async with ctx.uow() as uow:
                accepted = await submit_ledger(
                    uow=uow, user=Principal(sub="cli", role="admin"), filename=filename, data=data
                )
        except DomainError as exc:
            console.print(f"[red]error:[/red] {exc.detail}")
            for e in exc.errors or []:
                console.print(f"  {e['field']}: {e['message']}")
            return False
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task(f"importing {filename}", total=None)
            await importer.run_pending(
                ctx, accepted.id, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
        async with ctx.uow(write=False) as uow:
            job = await importer.get(uow, accepted.id, errors_limit=SHOWN_ERRORS)
        _report(console, job)
        return job.status == "done" and job.failed_rows == 0
    finally:
        await ctx.db.dispose()


def _report(console: Console, job) -> None:
    if job.errors:
        table = Table(title="rows refused", show_lines=False)
        for column in ("row", "field", "message"):
            table.add_column(column)
        for row in job.errors:
            for e in row["errors"]:
                table.add_row(str(row["row"]), e["field"], e["message"])
        console.print(table)
        if job.failed_rows > len(job.errors):
            console.print(f"... and {job.failed_rows - len(job.errors)} more rows refused")
    if job.status != "done":
        console.print(f"[red]import {job.id} {job.status}[/red]: {job.error or ''}")
        return
    console.print(f"import {job.id}: {job.succeeded_rows} of {job.total_rows} rows imported, {job.failed_rows} refused")
