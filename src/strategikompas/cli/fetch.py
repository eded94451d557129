"""``strategikompas fetch`` and ``strategikompas linksamling import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .main import WorkspaceOpt, app, make_console, styled, workspace

console = make_console()
err_console = make_console(stderr=True)

_STYLE = {"downloaded": "green", "not modified": "green", "moved": "cyan", "archived": "cyan", "dead": "yellow", "not a document": "yellow", "too large": "yellow", "error": "red"}


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "kB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return "-"


@app.command()
def fetch(
    kommuner: Annotated[list[str] | None, typer.Argument(help="Only these kommuner (Danish name, slug or plain ASCII). Default: every row with a URL.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be fetched; download nothing.")] = False,
    archive: Annotated[bool, typer.Option("--archive", help="For a dead link or a page without the document, download the Wayback Machine's capture closest to the strategy's period.")] = False,
    archive_url: Annotated[str | None, typer.Option("--archive-url", envvar="STRATEGIKOMPAS_ARCHIVE_URL", help="Base address of the Wayback Machine (availability API, CDX API and captures).", show_default=False)] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Your e-mail address, sent in the User-Agent so site owners can reach you.", show_default=False)] = None,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Largest document accepted, in bytes (enforced while downloading).")] = 50 * 1024 * 1024,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Downloads at once in total (never more than 2 per host).")] = 8,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait to connect and between bytes of an answer.")] = 30.0,
    retries: Annotated[int, typer.Option("--retries", help="Retries after a connection error, 429 or 5xx (exponential backoff with jitter).")] = 3,
    delay: Annotated[float, typer.Option("--delay", help="Seconds between two requests to the same host.")] = 0.5,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Download the link collection's documents into corpus/<slug>/ and record each in corpus/manifest.csv.

    Statuses: downloaded, not modified, moved, archived, dead, not a document, too large, error.
    Exit status 0 when every document ended in a known state, 1 when some failed (error).

    Example: strategikompas fetch odder ishoej --contact analytiker@kl.dk --archive
    """
    from .. import fetch as lib

    ws = workspace(ws_path)
    settings = lib.Settings(
        concurrency=concurrency,
        timeout=timeout,
        connect_timeout=timeout,
        retries=retries,
        delay=delay,
        max_bytes=max_bytes,
        contact=contact,
        archive=archive,
        archive_url=archive_url or lib.DEFAULT_ARCHIVE_URL,
    )
    if dry_run:
        planned, without = lib.plan(ws, kommuner)
        table = Table(title=f"Would fetch {len(planned)} document(s) into {ws.corpus}")
        for column in ("Kommune", "URL", "Action"):
            table.add_column(column, overflow="fold")
        for row, note in planned:
            table.add_row(row.kommune, row.url, note)
        console.print(table)
        if without:
            console.print(f"{len(without)} row(s) without a URL: {', '.join(r.kommune for r in without)}", highlight=False)
        return
    report = _run(lib, ws, kommuner, settings)
    table = Table(title=f"fetch: {ws.corpus}")
    for column in ("Kommune", "Status", "HTTP", "Size", "File", "Note"):
        table.add_column(column, overflow="fold")
    for o in report.outcomes:
        style = _STYLE.get(o.status, "")
        note = o.error or (f"from {o.final_url}" if o.status == "moved" else f"capture of {o.archived_at}" if o.archived_at else "")
        table.add_row(o.row.kommune, styled(o.status, style), str(o.http_status or "-"), _size(o.bytes), o.file or "-", note)
    console.print(table)
    if report.without_url:  # an account of every row, not only those with a URL
        console.print(styled(f"No URL: {', '.join(r.kommune for r in report.without_url)}", "dim"), highlight=False)
    console.print(report.summary_line(), highlight=False)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _run(lib, ws, kommuner, settings):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("fetch"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(), console=err_console, transient=False) as progress:
        task = progress.add_task("", total=None)

        def start(total: int) -> None:
            progress.update(task, total=total)

        def done(outcome) -> None:
            progress.update(task, advance=1, description=f"{outcome.row.kommune}: {outcome.status}")

        return lib.fetch(ws, kommuner, settings, on_result=done, on_start=start)


linksamling_app = typer.Typer(help="KL's link collection (data/linksamling.csv).\n\nExample: strategikompas linksamling import Linksamling.pdf", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(linksamling_app, name="linksamling")


@linksamling_app.command("import")
def import_cmd(
    pdf: Annotated[Path, typer.Argument(help="KL's PDF with the Linksamling table.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="CSV to write. Default: the workspace's data/linksamling.csv.", show_default=False)] = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Rebuild the link collection from KL's PDF, with the URLs behind the "Link til hjemmeside" cells.

    Example: strategikompas linksamling import kortlaegning.pdf --output data/linksamling.csv
    """
    from ..linksamling_pdf import import_pdf

    target = output or workspace(ws_path).linksamling_path
    result = import_pdf(pdf, target)
    with_url = sum(1 for r in result.rows if r.url)
    console.print(f"Wrote {target}: {len(result.rows)} kommuner, {with_url} with a URL", highlight=False)
    for problem in result.problems:
        err_console.print(styled(("Could not parse:", "yellow"), " ", problem), highlight=False)
