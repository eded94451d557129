"""The foundation's commands: list, init (compare lives in cli/compare.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import linksamling
from .main import CodebookOpt, CsvOpt, WorkspaceOpt, app, make_console, styled, workspace

console = make_console()


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
    out.add_column("Kommune", no_wrap=True)
    for column in ("Form", "Periode", "Status", "Dokument"):  # Dokument: ja/-, the file is in the exports
        out.add_column(column)
    for row, row_status, document in zip(table.rows, table.statuses, table.documents, strict=True):
        out.add_row(row.kommune, row.form, row.period_text or "-", row_status, "ja" if document else "-")
    console.print(out)
    console.print(table.summary_line())
    for path in (csv, xlsx, json_):
        if path is not None:
            console.print(f"Wrote {path}", highlight=False)


@app.command()
def init(directory: Annotated[Path, typer.Argument(help="New or empty folder for the workspace.")]) -> None:
    """Create a workspace with a copy of the bundled link collection, codebook and corpus.

    Example: strategikompas init ~/kortlaegning && cd ~/kortlaegning && strategikompas list
    """
    from ..workspace import init_workspace

    ws = init_workspace(directory)
    console.print(f"Created workspace {ws.root}")


@app.command()
def add(
    kommune: Annotated[str, typer.Argument(help="The kommune the document belongs to (any of the 98; 'Hjørring', 'hjoerring' and 'hjorring' all work).")],
    path: Annotated[Path, typer.Argument(help="The document: a PDF, a Word document (.docx), a saved web page or a text file.", metavar="FILE")],
    title: Annotated[str | None, typer.Option(help="Title for the manifest. Default: the document's own title.")] = None,
    period: Annotated[str | None, typer.Option(help="Period, e.g. '2024-2027' or 'Fra 2023'. Default: the period the document names.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Add it even when its name and bytes disagree or it has no Danish sentences.")] = False,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Add a document you have (downloaded or received) to the workspace's corpus, so that
    compare, classify, report and export use it like a fetched one.

    The file is read first; one that cannot be read is refused and nothing is written.
    Example: strategikompas add odder ~/Downloads/digitaliseringsstrategi.pdf --period 2024-2027
    """
    from ..corpus import add_document
    from ..names import slugify

    added = add_document(workspace(ws_path), kommune, path, title=title, period=period, force=force)
    doc = added.document
    pages = f", {added.pages} pages" if added.pages else ""
    console.print(f"Added to the corpus: {doc.kommune}: {doc.title} ({doc.period_text or 'no period'}), {added.kind}{pages} -> corpus/{doc.file}", highlight=False)
    for warning in added.warnings:
        console.print(styled(warning, "yellow"), highlight=False)
    if added.used != doc:
        console.print(
            f"{doc.kommune} has a newer document, which compare and classify use: {added.used.title} ({added.used.period_text or 'no period'}). "
            "Give --period if this one is newer.",
            highlight=False,
        )
    console.print(f"Next: strategikompas compare {slugify(doc.kommune)} ANDEN-KOMMUNE", highlight=False)


@app.command()
def remove(
    file: Annotated[str, typer.Argument(help="The document, as corpus/manifest.csv names it (odder/strategi.pdf) or its path in corpus/.", metavar="FILE")],
    ws_path: WorkspaceOpt = None,
) -> None:
    """Take a document out of the workspace's corpus: its row in corpus/manifest.csv, its
    stored results and its file.

    Example: strategikompas remove odder/digitaliseringsstrategi.pdf
    """
    from ..corpus import remove_document

    doc = remove_document(workspace(ws_path), file)
    console.print(f"Removed from the corpus: {doc.kommune}: {doc.title} (corpus/{doc.file})", highlight=False)
    if doc.extra.get("url"):
        console.print(f"It came from the link collection's URL; 'strategikompas fetch {doc.slug}' would download it again.", highlight=False)


@app.command()
def doctor(codebook: CodebookOpt = None, ws_path: WorkspaceOpt = None) -> None:
    """Show which spaCy pipeline, OCR, codebook, workspace and results store are in use.

    Example: strategikompas doctor
    """
    from ..diagnostics import facts

    for key, value in facts(workspace(ws_path), codebook):
        console.print(styled((key, "bold"), f": {value}"), highlight=False)
