"""compare and export: municipalities side by side, and every table to CSV/xlsx/JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError
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

console = make_console()

XlsxOpt = Annotated[Path | None, typer.Option("--xlsx", help="Also write the tables to this Excel file (one sheet per table).", show_default=False)]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Also write the tables to this JSON file.", show_default=False)]
DialectOpt = Annotated[str, typer.Option("--dialect", help="CSV dialect: excel-dk (UTF-8 with BOM, semicolon, decimal comma) or standard (comma, no BOM, decimal point).")]


def bar(share: float, width: int = 10) -> str:
    full = round(share * width)
    return "█" * full + "·" * (width - full)


def _check_exports(dialect: str, *paths: Path | None) -> None:
    from ..export import DIALECTS, check_target

    if dialect not in DIALECTS:
        raise InputError(f"Unknown CSV dialect '{dialect}'; use one of {', '.join(DIALECTS)}.")
    for path in paths:
        if path is not None:
            check_target(path)


@app.command()
def compare(
    kommuner: Annotated[list[str] | None, typer.Argument(help="Two or more kommuner: Danish name, slug or plain ASCII (Hjørring, hjoerring, hjorring).", show_default=False)] = None,
    all_: Annotated[bool, typer.Option("--all", help="The matrix of all classified kommuner by focus area.")] = False,
    sort: Annotated[str | None, typer.Option("--sort", help="With --all: sort by this focus area (label id, e.g. data).", show_default=False)] = None,
    csv: CsvOpt = None,
    xlsx: XlsxOpt = None,
    json_: JsonOpt = None,
    dialect: DialectOpt = "excel-dk",
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Put municipalities side by side: facts, focus-area shares with evidence, distinctive terms.

    Example: strategikompas compare hjoerring horsens --csv sammenligning.csv
    """
    from .. import compare as cmp
    from ..export import Table as XTable
    from ..export import write_tables, written

    ws = workspace(ws_path)
    _check_exports(dialect, csv, xlsx, json_)
    book = load_codebook(ws, codebook)
    if all_ and kommuner:
        raise InputError("compare --all takes no kommuner; give either kommuner or --all.")
    if sort is not None and not all_:
        raise InputError("--sort works with --all: strategikompas compare --all --sort data")
    if sort is not None:
        wanted = sort.strip().lower()
        match = next((lid for lid in book.ids if wanted in (lid, book.name(lid).lower())), None)
        if match is None:
            raise InputError(f"Unknown focus area '{sort}'; use one of {', '.join(book.ids)} (or its name).")
        sort = match
    if all_:
        with reading_progress(console) as (plan, step):
            result = cmp.compare_all(ws, book, on_document=step, on_plan=plan)
        long_t, wide_t = cmp.shares_table(result, sort)
        _print_matrix(result, wide_t)
        tables = [wide_t, long_t]
    else:
        with reading_progress(console) as (plan, step):
            result = cmp.compare(ws, kommuner or [], book, on_document=step, on_plan=plan)
        detail = cmp.details(ws, result, book=book)
        tables = _render(result, detail)
    for path, fmt in ((csv, "csv"), (xlsx, "xlsx"), (json_, "json")):
        if path is not None:
            if fmt == "csv" and not all_:
                # One CSV: the foundation's wide table (fokusomraade, navn, one column per kommune).
                header = ["fokusomraade", "navn", *(c.slug for c in result.columns)]
                wide = XTable("fokusomraader", header, [list(r) for r in result.rows()], {c.slug for c in result.columns})
                files = write_tables(path, [wide], fmt, dialect)
            else:
                files = write_tables(path, tables, fmt, dialect)
            console.print(written(files), highlight=False)


def _print_matrix(result, wide_t) -> None:
    """The --all matrix. Where the focus-area ids do not fit the terminal, the columns are
    numbered and a legend follows (cut ids would be ambiguous: sammenhaeng, samarbejde)."""
    kommune_width = max(len("Kommune"), *(len(c.kommune) for c in result.columns))
    ids = [lid for lid, _ in result.labels]
    fits = kommune_width + sum(max(len(lid), 4) + 3 for lid in ids) + 4 <= console.width
    title = f"Fokusområder: andel af sætninger ({len(result.columns)} kommuner)"
    out = Table(title=title) if fits else Table(title=title, box=None, header_style="bold")
    out.add_column("Kommune", no_wrap=True, min_width=kommune_width)
    for n, lid in enumerate(ids, 1):
        out.add_column(lid if fits else str(n), justify="right", no_wrap=True, min_width=4)
    for row in wide_t.rows:
        out.add_row(row[0], *(f"{s:.0%}" for s in row[1:]))
    console.print(out)
    if not fits:
        console.print("  ".join(f"{n}={lid}" for n, lid in enumerate(ids, 1)), highlight=False, soft_wrap=False)  # a legend wraps between its entries


KIND_NAMES = {"vision": "vision", "principles": "principper", "themes": "temaer", "other": "øvrige"}


def _render_by_kind(result, detail) -> None:
    """The three strongest focus areas within each section kind, when a document has kinds."""
    from ..compare import KIND_ORDER

    kinds = sorted({k for d in detail.by_kind for k in d if k != "other"}, key=lambda k: KIND_ORDER.get(k, 9))
    if not kinds:
        return
    names = dict(result.labels)
    table = Table(title="Fokusområder pr. afsnitstype (de tre største andele)")
    table.add_column("Afsnit")
    for col in result.columns:
        table.add_column(col.kommune)
    for kind in kinds:
        cells = []
        for d in detail.by_kind:
            if kind not in d:
                cells.append("-")
                continue
            n, shares = d[kind]
            top = sorted(shares.items(), key=lambda kv: -kv[1])[:3]
            cells.append(styled("\n".join(f"{names[lid]} {share:.0%}" for lid, share in top if share > 0) + "\n", (f"{n} sætninger", "dim")))
        table.add_row(KIND_NAMES.get(kind, kind), *cells)
    console.print(table)


def _render(result, detail) -> list:
    from ..compare import tables as cmp_tables

    facts = Table(title="Dokumenter")
    facts.add_column("")
    for f in detail.facts:
        facts.add_column(f.kommune)
    fields = [("Titel", "title"), ("Form", "form"), ("Dokumenttype", "document_type"), ("Periode", "period"), ("Status", "status"),
              ("Sider", "pages"), ("Sprog", "language"), ("Udtræk", "extractor"), ("Model", "pipeline")]
    for label, attr in fields:
        facts.add_row(label, *(str(getattr(f, attr) if getattr(f, attr) is not None else "-") for f in detail.facts))
    console.print(facts)

    if detail.structure:
        structure = Table(title="Struktur")
        structure.add_column("")
        for f in detail.facts:
            structure.add_column(f.kommune)
        for name, *cells in detail.structure:
            structure.add_row(name, *(str(c) for c in cells))
        console.print(structure)

    out = Table(title="Fokusområder: andel af sætninger")
    out.add_column("Fokusområde")
    for col in result.columns:
        out.add_column(f"{col.kommune}\n{col.title}\n{col.period}", justify="right")
    if len(result.columns) == 2:
        out.add_column("Forskel", justify="right")
    if detail.accuracy is not None:
        out.add_column("F1\n(målt)", justify="right")
    for label_id, name, *shares in result.rows():
        cells = [f"{bar(s)} {s:4.0%}" for s in shares]
        if len(shares) == 2:
            cells.append(f"{(shares[0] - shares[1]) * 100:+.0f} pp")
        if detail.accuracy is not None:
            cells.append(f"{detail.accuracy[label_id]:.2f}")
        out.add_row(name, *cells)
    out.add_row(styled("sætninger", "dim"), *(styled(str(c.n_sentences), "dim") for c in result.columns))
    console.print(out)
    if detail.accuracy is None:
        console.print(styled("How often each focus area's tags are right: run 'strategikompas evaluate' (F1 then shows here).", "dim"))
    else:
        console.print(styled("F1 (målt): how often the focus area's tags are right, measured by 'strategikompas evaluate' on the annotated set.", "dim"))
    _render_by_kind(result, detail)

    console.print(styled("Stærkeste belæg pr. fokusområde", "bold"))
    for lid, name in result.labels:
        items = detail.evidence[lid]
        if not any(items):
            continue
        console.print(styled(name, "bold"))
        for col, ev in zip(result.columns, items, strict=True):
            if ev is None:
                console.print(f"  {col.kommune}: -", markup=False)
                continue
            console.print(f"  {col.kommune}: {ev.lead()}»{_short(ev.sentence)}«{ev.where()}", markup=False, highlight=False)

    terms = Table(title="Særlige ord (log-likelihood, lemmaer uden stopord og kommunenavne)")
    for col in result.columns:
        terms.add_column(col.kommune)
    depth = max((len(t) for t in detail.terms), default=0)
    for i in range(min(depth, 8)):
        terms.add_row(*(f"{t[i][0]} ({t[i][1]:.1f})" if i < len(t) else "" for t in detail.terms))
    console.print(terms)

    sim = Table(title="Lighed (cosinus over TF-IDF)")
    sim.add_column("")
    for col in result.columns:
        sim.add_column(col.kommune, justify="right")
    for col, row in zip(result.columns, detail.similarity, strict=True):
        sim.add_row(col.kommune, *(f"{v:.2f}" for v in row))
    console.print(sim)

    return cmp_tables(result, detail)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="Folder for strategikompas.html; made when its parent folder exists.")] = Path("."),
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Write one self-contained HTML report: heatmap, a profile per kommune, link-collection status.

    Example: strategikompas report --out rapport
    """
    from ..report import report as write_report

    ws = workspace(ws_path)
    book = load_codebook(ws, codebook)
    with reading_progress(console) as (plan, step):
        path = write_report(ws, book, out, on_document=step, on_plan=plan)
    console.print(f"Wrote {path}")


@app.command("export")
def export_cmd(
    target: Annotated[Path, typer.Argument(help="File to write: .xlsx (one sheet per table), .json, or .csv (one file per table: <name>_<table>.csv).")],
    dialect: DialectOpt = "excel-dk",
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Export everything at once: link collection, shares, matrix, facts, evidence, terms, similarity.

    Example: strategikompas export kortlaegning.xlsx
    """
    from .. import compare as cmp
    from ..export import export_format, write_tables, written
    from ..listing import link_table

    ws = workspace(ws_path)
    export_format(target)
    _check_exports(dialect, target)
    book = load_codebook(ws, codebook)
    with reading_progress(console) as (plan, step):
        result = cmp.compare_all(ws, book, on_document=step, on_plan=plan)
    tables = [link_table(ws).export_table(), cmp.shares_table(result)[1], *cmp.tables(result, cmp.details(ws, result))]
    files = write_tables(target, tables, None, dialect)
    console.print(f"{written(files)} ({len(tables)} tables, {len(result.columns)} kommuner)", highlight=False)
