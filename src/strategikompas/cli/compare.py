"""compare and export: municipalities side by side, and every table to CSV/xlsx/JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..danish import number, percent, points, shorten
from ..errors import InputError
from .main import (
    CodebookOpt,
    CsvOpt,
    DialectOpt,
    JsonOpt,
    WorkspaceOpt,
    XlsxOpt,
    app,
    load_codebook,
    make_console,
    reading_progress,
    styled,
    workspace,
)

console = make_console()



def bar(share: float, width: int = 10) -> str:
    full = round(share * width)
    return "█" * full + "·" * (width - full)


@app.command()
def compare(
    kommuner: Annotated[list[str] | None, typer.Argument(
        help="To eller flere kommuner (Hjørring, hjoerring, hjorring), versioner (horsens@2011-2015, horsens@2021) eller filer i korpus.",
        show_default=False)] = None,
    over_time: Annotated[bool, typer.Option("--over-time", help="Alle versioner af én kommune i korpus, ældste først, med ændringen mellem dem.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Matricen over alle klassificerede kommuner og fokusområder.")] = False,
    sort: Annotated[str | None, typer.Option("--sort", help="Med --all: sorter efter dette fokusområde (id eller navn, fx data).", show_default=False)] = None,
    csv: CsvOpt = None,
    xlsx: XlsxOpt = None,
    json_: JsonOpt = None,
    dialect: DialectOpt = "excel-dk",
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Sæt kommuner (eller en kommunes versioner) side om side: fakta, andele pr. fokusområde med belæg, særlige ord.

    Eksempler: strategikompas compare hjoerring horsens --csv sammenligning.csv;
    strategikompas compare horsens@2011-2015 horsens@2021-2025; strategikompas compare horsens --over-time
    """
    from .. import compare as cmp
    from ..export import Targets, written

    ws = workspace(ws_path)
    targets = Targets(csv, xlsx, json_, dialect)
    book = load_codebook(ws, codebook)
    if all_ and (kommuner or over_time):
        raise InputError("compare --all tager ingen kommuner; giv enten kommuner, en kommune med --over-time, eller --all.")
    if sort is not None and not all_:
        raise InputError("--sort virker med --all: strategikompas compare --all --sort data")
    if sort is not None:
        wanted = sort.strip().lower()
        match = next((lid for lid in book.ids if wanted in (lid, book.name(lid).lower())), None)
        if match is None:
            raise InputError(f"Ukendt fokusområde '{sort}'; brug et af {', '.join(book.ids)} (eller dets navn).")
        sort = match
    if all_:
        with reading_progress() as (plan, step):
            result = cmp.compare_all(ws, book, on_document=step, on_plan=plan)
        long_t, wide_t = cmp.shares_table(result, sort)
        _print_matrix(result, wide_t)
        tables = [wide_t, long_t]
    else:
        with reading_progress() as (plan, step):
            result = cmp.compare(ws, kommuner or [], book, on_document=step, on_plan=plan, over_time=over_time)
        detail = cmp.details(ws, result, book=book)
        tables = _render(result, detail)
    # one CSV for two or more kommuner: the wide table (a column per kommune or version)
    for files in targets.write(tables, None if all_ else [cmp.wide_table(result)]):
        console.print(written(files), highlight=False)


_VOWELS = set("aeiouyæøå")


def two_lines(word: str, limit: int = 7) -> str:
    """A long id broken over two header lines at a syllable-like point ("sammen-\nhaeng"):
    between two consonants before a vowel, or before a single consonant between vowels,
    nearest the middle."""
    if len(word) <= limit:
        return word
    w = word.lower()
    cuts = [i for i in range(2, len(w) - 2)
            if w[i] not in _VOWELS and w[i + 1] in _VOWELS]
    cut = min(cuts, key=lambda i: (abs(i - len(w) / 2), i)) if cuts else len(w) // 2
    return f"{word[:cut]}-\n{word[cut:]}"


def _print_matrix(result, wide_t) -> None:
    """The --all matrix with the focus-area ids as headers, broken over two lines when
    one line does not fit the terminal; numbered with a legend only when neither fits
    (cut ids would be ambiguous: sammenhaeng, samarbejde). Every row has its base."""
    kommune_width = max(len("Kommune"), *(len(c.label) for c in result.columns))
    ids = [lid for lid, _ in result.labels]

    def width(headers: list[str], base: str) -> int:  # one space between columns
        return kommune_width + len(base) + sum(max(max(len(x) for x in h.split("\n")), 5) + 1 for h in headers) + 1

    base = "Sætninger"
    if width(ids, base) <= console.width:
        headers = ids
    elif width([two_lines(lid) for lid in ids], base) <= console.width:
        headers = [two_lines(lid) for lid in ids]
    else:
        headers, base = [str(n) for n in range(1, len(ids) + 1)], "Sætn."
    numbered = headers[0] == "1"
    title = f"Fokusområder: andel af sætninger ({len(result.columns)} kommuner)"
    out = Table(title=title, box=None, header_style="bold", pad_edge=False, padding=(0, 0, 0, 1))
    out.add_column("Kommune", no_wrap=True, min_width=kommune_width)
    out.add_column(base, justify="right", no_wrap=True)
    for header in headers:
        out.add_column(header, justify="right", no_wrap=True, min_width=5)
    for row in wide_t.rows:
        out.add_row(str(row[0]), str(row[2]), *(percent(s) for s in row[3:3 + len(ids)]))
    console.print(out)
    if numbered:
        console.print("  ".join([*(f"{n}={lid}" for n, lid in enumerate(ids, 1)), "Sætn.=sætninger"]), highlight=False, soft_wrap=False)  # a legend wraps between its entries
    console.print(styled("Andel = sætninger med fokusområdet / dokumentets sætninger.", "dim"))


def _render_by_kind(result, detail) -> None:
    """The three strongest focus areas within each section kind, when a document has kinds."""
    from ..compare import KIND_ORDER, kind_name

    kinds = sorted({k for d in detail.by_kind for k in d if k != "other"}, key=lambda k: KIND_ORDER.get(k, 9))
    if not kinds:
        return
    names = dict(result.labels)
    table = Table(title="Fokusområder pr. afsnitstype (de tre største andele)")
    table.add_column("Afsnit")
    for col in result.columns:
        table.add_column(col.label)
    for kind in kinds:
        cells = []
        for d in detail.by_kind:
            if kind not in d:
                cells.append("-")
                continue
            n, shares = d[kind]
            top = sorted(shares.items(), key=lambda kv: -kv[1])[:3]
            cells.append(styled("\n".join(f"{names[lid]} {percent(share)} ({round(share * n)})" for lid, share in top if share > 0) + "\n",
                                (f"{n} sætninger", "dim")))
        table.add_row(kind_name(kind), *cells)
    console.print(table)


def _share_cell(col, lid: str) -> str:
    """"████······ 42 % (12)": the share, and how many sentences it is."""
    return f"{bar(col.shares[lid])} {percent(col.shares[lid]):>5} ({col.count(lid)})"


def _render(result, detail) -> list:
    from ..compare import tables as cmp_tables

    facts = Table(title="Dokumenter")
    facts.add_column("")
    for col in result.columns:
        facts.add_column(col.label)
    fields = [("Titel", "title"), ("Dokumenttype", "form"), ("Periode", "period"), ("Status", "status"),
              ("Sider", "pages"), ("Sprog", "language"), ("Udtræk", "extractor"), ("Model", "pipeline")]
    for label, attr in fields:
        facts.add_row(label, *(str(getattr(f, attr) if getattr(f, attr) is not None else "-") for f in detail.facts))
    # KL's mapping is about the kommune, and may name another version than the one compared.
    facts.add_row(styled("KL's kortlægning", "dim"), *(styled(_kl_cell(f), "dim") for f in detail.facts))
    console.print(facts)

    if detail.structure:
        structure = Table(title="Struktur")
        structure.add_column("")
        for col in result.columns:
            structure.add_column(col.label)
        for name, *cells in detail.structure:
            structure.add_row(name, *(str(c) for c in cells))
        console.print(structure)

    out = Table(title="Fokusområder: andel af sætninger (antal sætninger)")
    out.add_column("Fokusområde")
    for col in result.columns:
        out.add_column(f"{col.label}\n{col.title}\n{col.period}", justify="right")
    # versions of one kommune: the last minus the first; two kommuner: the first minus the second
    first, last = result.columns[0], result.columns[-1]
    over_time = len({c.kommune for c in result.columns}) == 1
    if over_time:
        out.add_column("Ændring", justify="right")
    elif len(result.columns) == 2:
        out.add_column("Forskel", justify="right")
    if detail.accuracy is not None:
        out.add_column("F1\n(målt)", justify="right")
    for label_id, name in result.labels:
        cells = [_share_cell(c, label_id) for c in result.columns]
        if over_time:
            cells.append(points(last.shares[label_id] - first.shares[label_id]))
        elif len(result.columns) == 2:
            cells.append(points(first.shares[label_id] - last.shares[label_id]))
        if detail.accuracy is not None:
            cells.append(number(detail.accuracy[label_id]))
        out.add_row(name, *cells)
    out.add_row(styled("sætninger i alt", "dim"), *(styled(str(c.n_sentences), "dim") for c in result.columns))
    console.print(out)
    console.print(styled(accuracy_line(detail.accuracy), "dim"))
    if detail.changes:
        _render_changes(result, detail)
    _render_by_kind(result, detail)

    console.print(styled("Stærkeste belæg pr. fokusområde", "bold"))
    for lid, name in result.labels:
        items = detail.evidence[lid]
        if not any(items):
            continue
        console.print(styled(name, "bold"))
        for col, ev in zip(result.columns, items, strict=True):
            if ev is None:
                console.print(f"  {col.label}: -", markup=False)
                continue
            console.print(f"  {col.label}: {ev.lead()}»{shorten(ev.sentence, 160)}«{ev.where()}", markup=False, highlight=False)

    terms = Table(title="Særlige ord (log-likelihood, lemmaer uden stopord og kommunenavne)")
    for col in result.columns:
        terms.add_column(col.label)
    depth = max((len(t) for t in detail.terms), default=0)
    for i in range(min(depth, 8)):
        terms.add_row(*(f"{t[i][0]} ({number(t[i][1], 1)})" if i < len(t) else "" for t in detail.terms))
    console.print(terms)

    sim = Table(title="Lighed (cosinus over TF-IDF)")
    sim.add_column("")
    for col in result.columns:
        sim.add_column(col.label, justify="right")
    for col, row in zip(result.columns, detail.similarity, strict=True):
        sim.add_row(col.label, *(number(v) for v in row))
    console.print(sim)

    return cmp_tables(result, detail)


def accuracy_line(accuracy) -> str:
    """The line under the shares: what F1 means, or how to get it measured."""
    if accuracy is None:
        return ("Forbehold: hvor ofte mærkerne er rigtige, er ikke målt i denne arbejdsmappe; "
                "kør 'strategikompas evaluate', så vises F1 pr. fokusområde her.")
    return "F1 (målt): hvor ofte fokusområdets mærker er rigtige, målt af 'strategikompas evaluate' på det annoterede sæt."


def _kl_cell(f) -> str:
    if f.kl_form == "-" and f.kl_period == "-":
        return "ikke i linksamlingen"
    same = "samme periode" if f.kl_same else "en anden periode end dokumentet"
    return f"{f.kl_form}, {f.kl_period} ({f.kl_status}; {same})"


def _render_changes(result, detail) -> None:
    """Over time: what changed from each version to the next."""
    names = dict(result.labels)
    for ch in detail.changes:
        a, b = result.columns[ch.before], result.columns[ch.after]
        console.print(styled(f"Fra {a.label} til {b.label}", "bold"))
        moved = sorted(ch.points.items(), key=lambda kv: -abs(kv[1]))
        console.print("  Største ændringer: " + "; ".join(f"{names[lid]} {points(v)}" for lid, v in moved[:4] if round(v * 100)) if any(round(v * 100) for v in ch.points.values())
                      else "  Ingen ændring på et helt procentpoint.", markup=False, highlight=False)
        console.print("  Nye titler: " + ("; ".join(ch.appeared) or "ingen"), markup=False, highlight=False)
        console.print("  Udgåede titler: " + ("; ".join(ch.disappeared) or "ingen"), markup=False, highlight=False)
        if ch.new_evidence:
            console.print("  Nye belæg (sætninger, som den tidligere version ikke har):", markup=False)
            for lid, evs in ch.new_evidence.items():
                for ev in evs[:1]:
                    console.print(f"    {names[lid]}: {ev.lead()}»{shorten(ev.sentence, 160)}«{ev.where()}", markup=False, highlight=False)




@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="Mappe til strategikompas.html; laves, når mappen over den findes.")] = Path("."),
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Skriv én selvstændig HTML-rapport: heatmap, en profil pr. kommune, linksamlingens status.

    Eksempel: strategikompas report --out rapport
    """
    from ..report import report as write_report

    ws = workspace(ws_path)
    book = load_codebook(ws, codebook)
    with reading_progress() as (plan, step):
        path = write_report(ws, book, out, on_document=step, on_plan=plan)
    console.print(f"Skrev {path}", highlight=False)


@app.command("export")
def export_cmd(
    target: Annotated[Path, typer.Argument(help="Filen, der skrives: .xlsx (et ark pr. tabel), .json eller .csv (en fil pr. tabel: <navn>_<tabel>.csv).")],
    dialect: DialectOpt = "excel-dk",
    codebook: CodebookOpt = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Eksportér alt på én gang: linksamling, andele, matrix, fakta, belæg, sætninger, særlige ord, lighed.

    Eksempel: strategikompas export kortlaegning.xlsx
    """
    from ..export import written
    from ..fullexport import export_all

    ws = workspace(ws_path)
    book = load_codebook(ws, codebook)
    with reading_progress() as (plan, step):
        done = export_all(ws, book, target, dialect, on_document=step, on_plan=plan)
    console.print(f"{written(done.files)} ({done.tables} tabeller, {done.kommuner} kommuner)", highlight=False)
