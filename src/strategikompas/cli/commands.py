"""The foundation's commands: list, init, compare."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import linksamling
from ..errors import InputError
from .main import CodebookOpt, CsvOpt, WorkspaceOpt, app, load_codebook, workspace

console = Console()


@app.command("list")
def list_cmd(
    form: Annotated[str | None, typer.Option(help=f"Only this form type: {', '.join(linksamling.FORM_TYPES)}.", show_default=False)] = None,
    status: Annotated[str | None, typer.Option(help="Only this status: gældende, udløbet or ukendt.", show_default=False)] = None,
    csv: CsvOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Show KL's link collection with each strategy's status as of today.

    Example: strategikompas list --status udløbet --csv udloebne.csv
    """
    from ..listing import link_table

    table = link_table(workspace(ws_path), form=form, status=status, today=dt.date.today(), csv_path=csv)
    out = Table(title=f"Linksamling ({len(table.rows)} kommuner)")
    for column in ("Kommune", "Form", "Periode", "Status"):
        out.add_column(column)
    for row, row_status in zip(table.rows, table.statuses, strict=True):
        out.add_row(row.kommune, row.form, row.period_text or "-", row_status)
    console.print(out)
    console.print(table.summary_line())


@app.command()
def init(directory: Annotated[Path, typer.Argument(help="New or empty folder for the workspace.")]) -> None:
    """Create a workspace with a copy of the bundled link collection, codebook and corpus.

    Example: strategikompas init ~/kortlaegning && cd ~/kortlaegning && strategikompas list
    """
    from ..workspace import init_workspace

    ws = init_workspace(directory)
    console.print(f"Created workspace {ws.root}")


@app.command()
def compare(
    kommuner: Annotated[list[str], typer.Argument(help="Two or more kommuner: Danish name, slug or plain ASCII (Hjørring, hjoerring, hjorring).")],
    csv: CsvOpt = None,
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Put municipalities side by side: the share of sentences per focus area.

    Example: strategikompas compare hjoerring horsens --csv sammenligning.csv
    """
    from ..compare import compare as run_compare

    ws = workspace(ws_path)
    if csv is not None and not csv.parent.resolve().is_dir():
        raise InputError(f"Cannot write {csv}: the folder {csv.parent} does not exist.")
    result = run_compare(ws, kommuner, load_codebook(ws, codebook), on_document=lambda d: console.print(f"[dim]Reading {d.kommune}: {d.title}[/dim]"))
    out = Table(title="Fokusområder: andel af sætninger")
    out.add_column("Fokusområde")
    for col in result.columns:
        out.add_column(f"{col.kommune}\n{col.title}\n{col.period}", justify="right")
    for _label_id, name, *shares in result.rows():
        out.add_row(name, *(f"{s:.0%}" for s in shares))
    out.add_row("[dim]sætninger[/dim]", *(f"[dim]{c.n_sentences}[/dim]" for c in result.columns))
    console.print(out)
    if csv is not None:
        from ..fileio import write_csv

        header = ["fokusomraade", "navn", *(c.slug for c in result.columns)]
        write_csv(csv, header, ([lid, name, *(round(s, 4) for s in shares)] for lid, name, *shares in result.rows()))
        console.print(f"Wrote {csv}")
