"""classify, evaluate and train: focus-area tags per sentence, and how often they are right."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import RunError
from .main import (
    CodebookOpt,
    CsvOpt,
    WorkspaceOpt,
    app,
    load_codebook,
    make_console,
    reading_progress,
    styled,
    workspace,
)

console = make_console(stderr=True)
DialectOpt = Annotated[str, typer.Option("--dialect", help="CSV dialect: excel-dk (UTF-8 with BOM, semicolon, decimal comma) or standard.")]


def _announce(message: str) -> None:
    console.print(styled(message, "dim"), highlight=False)


@app.command()
def classify(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Kommuner of the corpus (all by default) and/or paths to PDF, Word (.docx), web page or text files outside it.", show_default=False),
    ] = None,
    jsonl: Annotated[str | None, typer.Option("--jsonl", help="Write the sentence rows as JSON lines to this file ('-' for standard output).", show_default=False)] = None,
    csv: CsvOpt = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write the sentence rows to this Excel file.", show_default=False)] = None,
    json_: Annotated[Path | None, typer.Option("--json", help="Also write the sentence rows to this JSON file.", show_default=False)] = None,
    dialect: DialectOpt = "excel-dk",
    kommune: Annotated[str | None, typer.Option(help="The kommune that files given by path belong to.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Classify documents that extraction found not to be Danish.")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start the results store over (for a corrupt store).")] = False,
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Tag every sentence with focus areas (fokusområder): labels, a score per label, the codebook terms.

    Results go to the results store; unchanged documents are not analysed again.

    Example: strategikompas classify hjoerring horsens --csv saetninger.csv
    """
    from .. import classify as cl
    from .compare import _check_exports

    ws = workspace(ws_path)
    _check_exports(dialect, csv, xlsx, json_, None if jsonl in (None, "-") else Path(jsonl))
    book = load_codebook(ws, codebook)
    with reading_progress(console) as (plan, step):
        result = cl.run(ws, targets or [], book, kommune=kommune, force=force, rebuild=rebuild, on_document=step, on_plan=plan, announce=_announce)
    if jsonl is not None:
        lines = "".join(json.dumps({k: r[k] for k in cl.RECORD_KEYS}, ensure_ascii=False) + "\n" for r in result.records)
        if jsonl == "-":
            sys.stdout.write(lines)
        else:
            from ..fileio import atomic_write_text

            atomic_write_text(Path(jsonl), lines)
            _announce(f"Wrote {jsonl} ({len(result.records)} sentences)")
    for path, fmt in ((csv, "csv"), (xlsx, "xlsx"), (json_, "json")):
        if path is not None:
            from ..export import write_table

            columns, rows = cl.csv_rows(result.records, book.ids)
            write_table(path, columns, rows, fmt, dialect, name="saetninger")
            _announce(f"Wrote {path} ({len(rows)} sentences)")
    _summary(result, book)
    for problem in result.skipped.values():
        console.print(styled(("skipped:", "yellow"), " ", problem), highlight=False)
    for problem in result.failed.values():
        console.print(styled(("failed:", "red"), " ", problem), highlight=False)
    if result.failed:
        raise RunError(f"{len(result.failed)} document(s) could not be classified (see above).")


def _summary(result, book) -> None:
    by_doc: dict[tuple[str, str], list[dict]] = {}
    for r in result.records:
        by_doc.setdefault((r["kommune"] or "-", r["document"]), []).append(r)
    if not by_doc:
        return
    table = Table(title="Fokusområder: andel af sætninger")
    table.add_column("Fokusområde")
    for kommune, document in by_doc:
        table.add_column(kommune if kommune != "-" else Path(document).name, justify="right", overflow="fold")
    for lid in book.ids:
        table.add_row(book.name(lid), *(f"{sum(lid in r['labels'] for r in rows) / len(rows):.0%}" for rows in by_doc.values()))
    table.add_row(styled("sætninger", "dim"), *(styled(str(len(rows)), "dim") for rows in by_doc.values()))
    console.print(table)
    rep = result.report
    console.print(
        f"{len(rep.classified)} classified, {len(rep.unchanged)} unchanged, {len(result.paths)} file(s) by path, "
        f"{len(result.skipped)} skipped, {len(result.failed)} failed.",
        highlight=False,
    )


@app.command()
def evaluate(
    csv: CsvOpt = None,
    dialect: DialectOpt = "excel-dk",
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Measure the tags against the annotated set: precision, recall and F1 per focus area,
    for the codebook alone and for the classifier, in cross-validation grouped by document.

    Example: strategikompas evaluate --csv evaluering.csv
    """
    from ..evaluate import (
        COLUMNS,
        TARGET_MACRO_F1,
        TARGET_MICRO_F1,
        devset_figure,
        evaluate_workspace,
    )
    from .compare import _check_exports

    ws = workspace(ws_path)
    _check_exports(dialect, csv)
    book = load_codebook(ws, codebook)
    _announce(f"Cross-validating on {ws.annotations_dir} (one fold per seed document, one per written genre) ...")
    result = evaluate_workspace(ws, book)
    out = make_console()
    table = Table(title=f"Evaluering 1: {result.n_sentences} sætninger fra {len(result.documents)} dokumenter, en fold pr. dokument")
    table.add_column("Fokusområde")
    table.add_column("Antal", justify="right")
    for head in ("Kodebog P", "R", "F1", "Klassifikator P", "R", "F1"):
        table.add_column(head, justify="right")
    for row in result.rows():
        name = row[1] or row[0]
        table.add_row(name, str(row[2]), *(f"{x:.2f}" for x in row[3:]), end_section=row[0] == result.labels[-1])
    out.print(table)
    micro, macro = result.classifier_micro.f1, result.classifier_macro.f1
    verdict = "met" if micro >= TARGET_MICRO_F1 and macro >= TARGET_MACRO_F1 else "NOT met"
    out.print(f"1. By seed document: classifier micro-F1 {micro:.3f}, macro-F1 {macro:.3f} (targets {TARGET_MICRO_F1} and {TARGET_MACRO_F1}: {verdict}); "
              f"codebook alone micro-F1 {result.codebook_micro.f1:.3f}, macro-F1 {result.codebook_macro.f1:.3f}.", highlight=False)
    genre = result.by_genre
    if genre is not None:
        out.print(f"2. By genre on the written set ({genre.n_sentences} sentences, {len(genre.documents)} genres held out in turn): "
                  f"classifier micro-F1 {genre.classifier_micro.f1:.3f}, macro-F1 {genre.classifier_macro.f1:.3f}; "
                  f"codebook alone micro-F1 {genre.codebook_micro.f1:.3f}, macro-F1 {genre.codebook_macro.f1:.3f}.", highlight=False)
    out.print(f"3. On real documents nobody tuned the tool on: {devset_figure(ws.annotations_dir)}", highlight=False)
    if result.reliability:
        bands = "; ".join(f"{band}: {n} ({share:.0%})" for band, n, share in result.reliability if n)
        out.print(f"Calibration (held-out score band: pairs scored there, and the share that carry the label): {bands}", highlight=False)
    if csv is not None:
        from ..export import write_table

        write_table(csv, COLUMNS, result.rows(), "csv", dialect, name="evaluering")
        out.print(f"Wrote {csv}")


@app.command()
def train(
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Train the classifier from the annotated set (data/annotations/) and save it, versioned.

    classify does this by itself when the model is missing or stale; this command does it now.

    Example: strategikompas train
    """
    from ..classifier import load_or_train

    ws = workspace(ws_path)
    book = load_codebook(ws, codebook)
    trained = load_or_train(ws.annotations_dir, book, ws.models_dir, _announce, force=True)
    out = make_console()
    out.print(f"Model {trained.id}: {trained.n_sentences} annotated sentences, saved to {trained.path}", highlight=False)
    out.print("Thresholds: " + ", ".join(f"{k} {v:.2f}" for k, v in trained.model.thresholds.items()), highlight=False)
