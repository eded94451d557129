"""classify, evaluate and train: focus-area tags per sentence, and how often they are right."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.table import Table

from ..danish import number, percent
from ..errors import RunError
from .main import (
    CodebookOpt,
    CsvOpt,
    DialectOpt,
    WorkspaceOpt,
    app,
    load_codebook,
    make_console,
    reading_progress,
    styled,
    workspace,
)

console = make_console(stderr=True)


def _announce(message: str) -> None:
    console.print(styled(message, "dim"), highlight=False)


@app.command()
def classify(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Kommuner i korpus (som standard alle) og/eller stier til PDF-, Word- (.docx), webside- eller tekstfiler uden for det.", show_default=False),
    ] = None,
    jsonl: Annotated[str | None, typer.Option("--jsonl", help="Skriv sætningsrækkerne som JSON-linjer til denne fil ('-' for standardoutput).", show_default=False)] = None,
    csv: CsvOpt = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Skriv også sætningsrækkerne til denne Excel-fil.", show_default=False)] = None,
    json_: Annotated[Path | None, typer.Option("--json", help="Skriv også sætningsrækkerne til denne JSON-fil.", show_default=False)] = None,
    dialect: DialectOpt = "excel-dk",
    kommune: Annotated[str | None, typer.Option(help="Den kommune, filer angivet med sti hører til.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Klassificer også dokumenter, som udtrækket fandt ikke er på dansk.")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start resultatdatabasen forfra (ved en ødelagt database).")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", help="Dokumenter, der behandles ad gangen (som standard én pr. kerne; også STRATEGIKOMPAS_JOBS).", show_default=False)] = None,
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Mærk hver sætning med fokusområder: hvilke, en score pr. fokusområde og de termer fra kodebogen, der blev fundet.

    Resultaterne gemmes i resultatdatabasen; uændrede dokumenter analyseres ikke igen.

    Eksempel: strategikompas classify hjoerring horsens --csv saetninger.csv
    """
    from .. import classify as cl
    from ..export import Table as XTable
    from ..export import Targets

    ws = workspace(ws_path)
    exports = Targets(csv, xlsx, json_, dialect, also=() if jsonl in (None, "-") else (Path(jsonl),))
    book = load_codebook(ws, codebook)
    with reading_progress(console) as (plan, step):
        result = cl.run(ws, targets or [], book, kommune=kommune, force=force, rebuild=rebuild, on_document=step, on_plan=plan,
                        announce=_announce, records=jsonl is not None or bool(exports), jobs=jobs)
    if jsonl is not None:
        lines = cl.jsonl(result.records)
        if jsonl == "-":
            sys.stdout.write(lines)
        else:
            from ..fileio import atomic_write_text

            atomic_write_text(Path(jsonl), lines)
            _announce(f"Skrev {jsonl} ({len(result.records)} sætninger)")
    if exports:
        columns, rows = cl.csv_rows(result.records, book.ids)
        for files in exports.write([XTable("saetninger", columns, rows)]):
            _announce(f"Skrev {files[0]} ({len(rows)} sætninger)")
    _summary(result, book)
    for problem in result.skipped.values():
        console.print(styled(("sprunget over:", "yellow"), " ", problem), highlight=False)
    for problem in result.failed.values():
        console.print(styled(("fejlede:", "red"), " ", problem), highlight=False)
    if result.failed:
        raise RunError(f"{len(result.failed)} {'dokument' if len(result.failed) == 1 else 'dokumenter'} kunne ikke klassificeres (se ovenfor).")


# Up to this many kommuner the summary has a column each; more, a row each.
SUMMARY_COLUMNS = 6
TOP_LABELS = 3


def _summary(result, book) -> None:
    tallies = result.tallies
    if tallies and len(tallies) <= SUMMARY_COLUMNS:
        table = Table(title="Fokusområder: andel af sætninger")
        table.add_column("Fokusområde")
        for tally in tallies:
            table.add_column(tally.name, justify="right", overflow="fold")
        for lid in book.ids:
            table.add_row(book.name(lid), *(percent(t.share(lid)) for t in tallies))
        table.add_row(styled("sætninger", "dim"), *(styled(str(t.sentences), "dim") for t in tallies))
        if any(t.documents > 1 for t in tallies):
            table.add_row(styled("dokumenter", "dim"), *(styled(str(t.documents), "dim") for t in tallies))
        console.print(table)
    elif tallies:
        table = Table(title=f"Fokusområder pr. kommune: de {TOP_LABELS} største andele af sætningerne")
        for head in ("Kommune", "Dokumenter", "Sætninger", "Største fokusområder"):
            table.add_column(head, justify="right" if head in ("Dokumenter", "Sætninger") else "left", overflow="fold")
        for tally in tallies:
            top = sorted(book.ids, key=lambda lid: (-tally.share(lid), book.ids.index(lid)))[:TOP_LABELS]
            table.add_row(tally.name, str(tally.documents), str(tally.sentences), ", ".join(f"{book.name(lid)} {percent(tally.share(lid))}" for lid in top))
        console.print(table)
    rep = result.report
    console.print(
        f"{len(rep.classified)} klassificeret, {len(rep.unchanged)} uændret, {len(result.paths)} {'fil' if len(result.paths) == 1 else 'filer'} angivet med sti, "
        f"{len(result.skipped)} sprunget over, {len(result.failed)} fejlede.",
        highlight=False,
    )


@app.command()
def evaluate(
    csv: CsvOpt = None,
    dialect: DialectOpt = "excel-dk",
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Mål mærkerne mod det annoterede sæt: præcision, genkald og F1 pr. fokusområde,
    for kodebogen alene og for klassifikatoren, i krydsvalidering grupperet efter dokument.

    Eksempel: strategikompas evaluate --csv evaluering.csv
    """
    from ..evaluate import (
        COLUMNS,
        TARGET_MACRO_F1,
        TARGET_MICRO_F1,
        devset_figure,
        evaluate_workspace,
    )
    from ..export import Table as XTable
    from ..export import Targets

    ws = workspace(ws_path)
    exports = Targets(csv=csv, dialect=dialect)
    book = load_codebook(ws, codebook)
    _announce(f"Krydsvaliderer på {ws.annotations_dir} (en fold pr. kildedokument, en pr. skrevet genre) ...")
    result = evaluate_workspace(ws, book)
    out = make_console()
    table = Table(title=f"Evaluering 1: {result.n_sentences} sætninger fra {len(result.documents)} dokumenter, en fold pr. dokument")
    table.add_column("Fokusområde")
    table.add_column("Antal", justify="right")
    for head in ("Kodebog P", "R", "F1", "Klassifikator P", "R", "F1"):
        table.add_column(head, justify="right")
    for label, label_name, support, *figures in result.rows():
        name = str(label_name or {"micro": "mikro", "macro": "makro"}.get(str(label), str(label)))
        table.add_row(name, str(support), *(number(cast(float, x), 2) for x in figures), end_section=label == result.labels[-1])
    out.print(table)
    micro, macro = result.classifier_micro.f1, result.classifier_macro.f1
    verdict = "nået" if micro >= TARGET_MICRO_F1 and macro >= TARGET_MACRO_F1 else "IKKE nået"
    out.print(f"1. Pr. kildedokument: klassifikatoren mikro-F1 {number(micro, 3)}, makro-F1 {number(macro, 3)} "
              f"(mål {number(TARGET_MICRO_F1)} og {number(TARGET_MACRO_F1)}: {verdict}); "
              f"kodebogen alene mikro-F1 {number(result.codebook_micro.f1, 3)}, makro-F1 {number(result.codebook_macro.f1, 3)}.", highlight=False)
    genre = result.by_genre
    if genre is not None:
        out.print(f"2. Pr. genre på det skrevne sæt ({genre.n_sentences} sætninger, {len(genre.documents)} genrer holdt ude på skift): "
                  f"klassifikatoren mikro-F1 {number(genre.classifier_micro.f1, 3)}, makro-F1 {number(genre.classifier_macro.f1, 3)}; "
                  f"kodebogen alene mikro-F1 {number(genre.codebook_micro.f1, 3)}, makro-F1 {number(genre.codebook_macro.f1, 3)}.", highlight=False)
    out.print(f"3. På rigtige dokumenter, som værktøjet ikke er tilpasset efter: {devset_figure(ws.annotations_dir)}", highlight=False)
    if result.reliability:
        bands = "; ".join(f"{band}: {n} ({percent(share)})" for band, n, share in result.reliability if n)
        out.print(f"Kalibrering (scoreinterval på tilbageholdte data: par med en score der, og andelen, der har labelen): {bands}", highlight=False)
    if csv is not None:
        exports.write([XTable("evaluering", COLUMNS, result.rows())])
        out.print(f"Skrev {csv}", highlight=False)


@app.command()
def train(
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Træn klassifikatoren på det annoterede sæt (data/annotations/), og gem den med version.

    classify gør det selv, når modellen mangler eller er forældet; denne kommando gør det nu.

    Eksempel: strategikompas train
    """
    from ..classifier import load_or_train

    ws = workspace(ws_path)
    book = load_codebook(ws, codebook)
    trained = load_or_train(ws.annotations_dir, book, ws.models_dir, _announce, force=True)
    out = make_console()
    out.print(f"Model {trained.id}: {trained.n_sentences} annoterede sætninger, gemt i {trained.path}", highlight=False)
    out.print("Tærskler: " + ", ".join(f"{k} {number(v, 2)}" for k, v in trained.model.thresholds.items()), highlight=False)
