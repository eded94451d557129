"""The foundation's commands: list, init, add, remove, doctor (compare lives in cli/compare.py)."""

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
    form: Annotated[str | None, typer.Option(help=f"Kun denne formtype: {', '.join(linksamling.FORM_TYPES)}.", show_default=False)] = None,
    status: Annotated[str | None, typer.Option(help="Kun denne status: gældende, udløbet eller ukendt.", show_default=False)] = None,
    csv: CsvOpt = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Skriv også tabellen til denne Excel-fil.", show_default=False)] = None,
    json_: Annotated[Path | None, typer.Option("--json", help="Skriv også tabellen til denne JSON-fil.", show_default=False)] = None,
    dialect: Annotated[str, typer.Option("--dialect", help="CSV-dialekt: excel-dk (UTF-8 med BOM, semikolon, decimalkomma) eller standard.")] = "excel-dk",
    ws_path: WorkspaceOpt = None,
) -> None:
    """Vis KL's linksamling med hver strategis status i dag.

    Eksempel: strategikompas list --status udløbet --csv udloebne.csv
    """
    from ..listing import link_table

    table = link_table(workspace(ws_path), form=form, status=status, today=dt.date.today(), csv_path=csv, xlsx_path=xlsx, json_path=json_, dialect=dialect)
    out = Table(title=f"Linksamling ({len(table.rows)} kommuner)")
    out.add_column("Kommune", no_wrap=True)
    # KL's row, then the document compare uses: its own period and status (the file is in the exports)
    for column in ("Form (KL)", "Periode (KL)", "Status (KL)", "Dokument i korpus"):
        out.add_column(column)
    for row, row_status, document, period, doc_status in zip(table.rows, table.statuses, table.documents, table.document_periods,
                                                             table.document_statuses, strict=True):
        out.add_row(row.kommune, row.form, row.period_text or "-", row_status, f"{period}, {doc_status}" if document else "-")
    console.print(out)
    console.print(table.summary_line())
    for path in (csv, xlsx, json_):
        if path is not None:
            console.print(f"Skrev {path}", highlight=False)


@app.command()
def init(directory: Annotated[Path, typer.Argument(help="Ny eller tom mappe til arbejdsmappen.")]) -> None:
    """Opret en arbejdsmappe med en kopi af den medfølgende linksamling, kodebog og korpus.

    Eksempel: strategikompas init ~/kortlaegning && cd ~/kortlaegning && strategikompas list
    """
    from ..workspace import init_workspace

    ws = init_workspace(directory)
    console.print(f"Oprettede arbejdsmappen {ws.root}", highlight=False)


@app.command()
def add(
    kommune: Annotated[str, typer.Argument(help="Den kommune, dokumentet hører til (en af de 98; 'Hjørring', 'hjoerring' og 'hjorring' virker alle).")],
    path: Annotated[Path, typer.Argument(help="Dokumentet: en PDF, et Word-dokument (.docx), en gemt webside eller en tekstfil.", metavar="FILE")],
    title: Annotated[str | None, typer.Option(help="Titel i manifestet. Standard: dokumentets egen titel.")] = None,
    period: Annotated[str | None, typer.Option(help="Periode, fx '2024-2027' eller 'Fra 2023'. Standard: den periode, dokumentet selv nævner.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Tilføj det, også når filnavn og indhold ikke passer sammen, eller det ikke har danske sætninger.")] = False,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Tilføj et dokument, du har (hentet eller modtaget), til arbejdsmappens korpus, så
    compare, classify, report og export bruger det som et hentet dokument.

    Filen læses først; en fil, der ikke kan læses, afvises, og intet skrives.
    Eksempel: strategikompas add odder ~/Downloads/digitaliseringsstrategi.pdf --period 2024-2027
    """
    from ..corpus import KIND_LABELS, add_document
    from ..names import slugify

    added = add_document(workspace(ws_path), kommune, path, title=title, period=period, force=force)
    doc = added.document
    pages = f", {added.pages} {'side' if added.pages == 1 else 'sider'}" if added.pages else ""
    console.print(f"Tilføjet til korpus: {doc.kommune}: {doc.title} ({doc.period_text or 'ingen periode'}), {KIND_LABELS.get(added.kind, added.kind)}{pages} -> corpus/{doc.file}", highlight=False)
    for warning in added.warnings:
        console.print(styled(warning, "yellow"), highlight=False)
    if added.used != doc:
        console.print(
            f"{doc.kommune} har et nyere dokument, som compare og classify bruger: {added.used.title} ({added.used.period_text or 'ingen periode'}). "
            "Angiv --period, hvis dette er det nyeste.",
            highlight=False,
        )
    console.print(f"Næste skridt: strategikompas compare {slugify(doc.kommune)} ANDEN-KOMMUNE", highlight=False)


@app.command()
def remove(
    file: Annotated[str, typer.Argument(help="Dokumentet, som corpus/manifest.csv angiver det (odder/strategi.pdf), eller dets sti i corpus/.", metavar="FILE")],
    ws_path: WorkspaceOpt = None,
) -> None:
    """Fjern et dokument fra arbejdsmappens korpus: dets række i corpus/manifest.csv, dets
    gemte resultater og selve filen.

    Eksempel: strategikompas remove odder/digitaliseringsstrategi.pdf
    """
    from ..corpus import remove_document

    doc = remove_document(workspace(ws_path), file)
    console.print(f"Fjernet fra korpus: {doc.kommune}: {doc.title} (corpus/{doc.file})", highlight=False)
    if doc.extra.get("url"):
        console.print(f"Det kom fra linksamlingens URL; 'strategikompas fetch {doc.slug}' vil hente det igen.", highlight=False)


@app.command()
def doctor(codebook: CodebookOpt = None, ws_path: WorkspaceOpt = None) -> None:
    """Vis, hvilken spaCy-pipeline, OCR, kodebog, arbejdsmappe og resultatdatabase der er i brug.

    Eksempel: strategikompas doctor
    """
    from ..diagnostics import facts

    for key, value in facts(workspace(ws_path), codebook):
        console.print(styled((key, "bold"), f": {value}"), highlight=False)
