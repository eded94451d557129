"""``strategikompas fetch`` and ``strategikompas linksamling import``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..danish import number
from ..fetchconfig import ARCHIVE_ENV, Settings
from ..workspace import Workspace
from .main import WorkspaceOpt, app, make_console, styled, workspace

if TYPE_CHECKING:
    from ..fetch import FetchReport

DEFAULTS = Settings()  # the options' defaults are fetch's Settings, stated once there

console = make_console()
err_console = make_console(stderr=True)

_STYLE = {"downloaded": "green", "not modified": "green", "moved": "cyan", "archived": "cyan", "dead": "yellow", "unreachable": "yellow", "not a document": "yellow", "too large": "yellow", "error": "red"}


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "kB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{number(n, 1)} {unit}"
        n /= 1024  # type: ignore[assignment]
    return "-"


@app.command()
def fetch(
    kommuner: Annotated[list[str] | None, typer.Argument(help="Kun disse kommuner (dansk navn, slug eller ren ASCII). Standard: alle rækker med en URL.", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Vis, hvad der ville blive hentet; hent intet.")] = False,
    archive: Annotated[bool, typer.Option("--archive", help="Ved et dødt link eller en side uden dokumentet: hent Wayback Machines kopi tættest på strategiens periode.")] = False,
    archive_url: Annotated[str | None, typer.Option("--archive-url", envvar=ARCHIVE_ENV, help="Grundadressen for Wayback Machine (availability-API, CDX-API og kopier).", show_default=False)] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Din e-mailadresse, sendt i User-Agent, så ejerne af webstederne kan kontakte dig.", show_default=False)] = None,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Største dokument, der accepteres, i bytes (håndhæves under hentningen).")] = DEFAULTS.max_bytes,
    concurrency: Annotated[int, typer.Option("--concurrency", help=f"Samtidige hentninger i alt (aldrig mere end {DEFAULTS.per_host} pr. vært).")] = DEFAULTS.concurrency,
    timeout: Annotated[float, typer.Option("--timeout", help="Sekunder, der ventes mellem bytes i et svar.")] = DEFAULTS.timeout,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", help="Sekunder, der ventes på en forbindelse.")] = DEFAULTS.connect_timeout,
    retries: Annotated[int, typer.Option("--retries", help="Nye forsøg efter en forbindelsesfejl, 429 eller 5xx (eksponentielt stigende ventetid med tilfældig spredning).")] = DEFAULTS.retries,
    delay: Annotated[float, typer.Option("--delay", help="Sekunder mellem to forespørgsler til den samme vært.")] = DEFAULTS.delay,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Hent linksamlingens dokumenter til corpus/<slug>/, og registrer hvert i corpus/manifest.csv.

    Status: hentet, uændret, flyttet, fra arkivet, død, utilgængelig, intet dokument, for stor, fejl.
    Afslutningskode 0, når alle dokumenter endte i en kendt tilstand, 1, når nogle fejlede (fejl, utilgængelig).

    Eksempel: strategikompas fetch odder ishoej --contact analytiker@kl.dk --archive
    """
    from .. import fetch as lib

    ws = workspace(ws_path)
    settings = Settings(
        concurrency=concurrency,
        timeout=timeout,
        connect_timeout=connect_timeout,
        retries=retries,
        delay=delay,
        max_bytes=max_bytes,
        contact=contact,
        archive=archive,
        archive_url=archive_url or DEFAULTS.archive_url,
    )
    if dry_run:
        planned, without = lib.plan(ws, kommuner)
        table = Table(title=f"Ville hente {len(planned)} {'dokument' if len(planned) == 1 else 'dokumenter'} til {ws.corpus}")
        for column in ("Kommune", "URL", "Handling"):
            table.add_column(column, overflow="fold")
        for row, note in planned:
            table.add_row(row.kommune, row.url, note)
        console.print(table)
        if without:
            console.print(f"{len(without)} {'række' if len(without) == 1 else 'rækker'} uden URL: {', '.join(r.kommune for r in without)}", highlight=False)
        return
    report = _run(ws, kommuner, settings)
    table = Table(title=f"Hentning: {ws.corpus}")
    for column in ("Kommune", "Status", "HTTP", "Størrelse", "Fil", "Bemærkning"):
        table.add_column(column, overflow="fold")
    for o in report.outcomes:
        style = _STYLE.get(o.status, "")
        note = o.error or (f"fra {o.final_url}" if o.status == "moved" else f"kopi fra {o.archived_at}" if o.archived_at else "")
        table.add_row(o.row.kommune, styled(lib.STATUS_NAMES.get(o.status, o.status), style), str(o.http_status or "-"), _size(o.bytes), o.file or "-", note)
    console.print(table)
    if report.without_url:  # an account of every row, not only those with a URL
        console.print(styled(f"Ingen URL: {', '.join(r.kommune for r in report.without_url)}", "dim"), highlight=False)
    console.print(report.summary_line(), highlight=False)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _run(ws: Workspace, kommuner: list[str] | None, settings: Settings) -> FetchReport:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .. import fetch as lib

    with Progress(TextColumn("Henter"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(), console=err_console, transient=False) as progress:
        task = progress.add_task("", total=None)

        def start(total: int) -> None:
            progress.update(task, total=total)

        def done(outcome) -> None:
            progress.update(task, advance=1, description=f"{outcome.row.kommune}: {lib.STATUS_NAMES.get(outcome.status, outcome.status)}")

        return lib.fetch(ws, kommuner, settings, on_result=done, on_start=start)


linksamling_app = typer.Typer(help="KL's linksamling (data/linksamling.csv).\n\nEksempel: strategikompas linksamling import Linksamling.pdf", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(linksamling_app, name="linksamling")


@linksamling_app.command("import")
def import_cmd(
    pdf: Annotated[Path, typer.Argument(help="KL's PDF med linksamlingstabellen.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="CSV-filen, der skrives. Standard: arbejdsmappens data/linksamling.csv.", show_default=False)] = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Genopbyg linksamlingen fra KL's PDF med URL'erne bag cellerne "Link til hjemmeside".

    Eksempel: strategikompas linksamling import kortlaegning.pdf --output data/linksamling.csv
    """
    from ..linksamling_pdf import import_pdf

    target = output or workspace(ws_path).linksamling_path
    result = import_pdf(pdf, target)
    with_url = sum(1 for r in result.rows if r.url)
    console.print(f"Skrev {target}: {len(result.rows)} kommuner, {with_url} med URL", highlight=False)
    for problem in result.problems:
        err_console.print(styled(("Kunne ikke læses:", "yellow"), " ", problem), highlight=False)
