"""The foundation's commands: list, init (compare lives in cli/compare.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .. import linksamling
from .main import CodebookOpt, CsvOpt, WorkspaceOpt, app, workspace

console = Console()


@app.command("list")
def list_cmd(
    form: Annotated[str | None, typer.Option(help=f"Only this form type: {', '.join(linksamling.FORM_TYPES)}.", show_default=False)] = None,
    status: Annotated[str | None, typer.Option(help="Only this status: gældende, udløbet or ukendt.", show_default=False)] = None,
    csv: CsvOpt = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the table to this Excel file.", show_default=False)] = None,
    json_: Annotated[Path | None, typer.Option("--json", help="Also write the table to this JSON file.", show_default=False)] = None,
    dialect: Annotated[str, typer.Option("--dialect", help="CSV dialect: excel-dk (UTF-8 with BOM, semicolon, decimal comma) or standard.")] = "excel-dk",
    ws_path: WorkspaceOpt = None,
) -> None:
    """Show KL's link collection with each strategy's status as of today.

    Example: strategikompas list --status udløbet --csv udloebne.csv
    """
    from ..listing import link_table

    table = link_table(workspace(ws_path), form=form, status=status, today=dt.date.today(), csv_path=csv, xlsx_path=xlsx, json_path=json_, dialect=dialect)
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
def doctor(codebook: CodebookOpt = None, ws_path: WorkspaceOpt = None) -> None:
    """Show which spaCy pipeline, OCR, codebook, workspace and results store are in use.

    Example: strategikompas doctor
    """
    from ..diagnostics import facts

    for key, value in facts(workspace(ws_path), codebook):
        console.print(f"[bold]{key}[/bold]: {value}", highlight=False)
