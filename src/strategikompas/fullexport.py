"""``strategikompas export``: every table at once (the link collection, shares, matrix,
facts, evidence, sentences, distinctive words, similarity) in one workbook, JSON file or
set of CSV files."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import codebook as cb
from . import compare as cmp
from . import corpus, xlsx
from .export import Table, Targets, export_format, write_tables, xlsx_part
from .fileio import alongside, usable_cores
from .listing import link_table
from .workspace import Workspace
from .xlsx import Part


@dataclass(frozen=True)
class Exported:
    files: list[Path]
    tables: int
    kommuner: int


def export_all(
    ws: Workspace,
    book: cb.Codebook,
    target: Path,
    dialect: str = "excel-dk",
    on_document: Callable[[corpus.Document], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> Exported:
    """Classify what is not current (each kommune's newest document), then write every
    table to ``target``; the format by its suffix, checked before any work.

    A workbook's sentence sheet (every sentence of every compared document) is read and
    written on both cores: a forked process reads the later documents' sentences and writes
    their rows as XML while this one makes the other tables and does the same with the
    earlier documents."""
    fmt = export_format(target)
    Targets(dialect=dialect, also=(target,))
    result = cmp.compare_all(ws, book, on_document=on_document, on_plan=on_plan)
    sheet = Table("saetninger", cmp.sentence_columns(result), [], wrap={"saetning"})
    if fmt != "xlsx" or usable_cores() < 2 or sum(c.n_sentences for c in result.columns) <= xlsx.SPLIT_ROWS:
        tables = [*_tables(ws, result, cmp.details(ws, result)), cmp.sentence_table(result, cmp.sentence_rows(ws, result, result.columns))]
        return Exported(write_tables(target, tables, None, dialect), len(tables), len(result.columns))
    first, later = _halves(result.columns)
    start = 2 + sum(c.n_sentences for c in first)  # the header is row 1
    def here() -> tuple[cmp.Detail, list[list], tuple[Part, list[int]]]:
        detail = cmp.details(ws, result)
        rows = cmp.sentence_rows(ws, result, first)
        return detail, rows, xlsx_part(sheet, rows, 2)

    (detail, rows, own), sent = alongside(lambda: _encode(*xlsx_part(sheet, cmp.sentence_rows(ws, result, later), start)), here)
    done = _decode(sent)
    if done is None or len(rows) != start - 2:
        # no second process, or the stored sentences changed since they were counted (its
        # rows' numbers would be wrong): the later documents' rows are written here
        done = xlsx_part(sheet, cmp.sentence_rows(ws, result, later), 2 + len(rows))
    tables = [*_tables(ws, result, detail), sheet]
    return Exported(write_tables(target, tables, None, dialect, {"saetninger": [own, done]}), len(tables), len(result.columns))


def _tables(ws: Workspace, result: cmp.Comparison, detail: cmp.Detail) -> list[Table]:
    """Every table but the sentence sheet."""
    return [link_table(ws).export_table(), cmp.shares_table(result)[1], *cmp.tables(result, detail)]


OWN_SHARE = 0.4  # of the sentence sheet's rows, written by this process: it makes the other tables too


def _halves(columns: list[cmp.Column], share: float = OWN_SHARE) -> tuple[list[cmp.Column], list[cmp.Column]]:
    """The columns split where ``share`` of their sentences come before."""
    total, seen = sum(c.n_sentences for c in columns), 0
    for i, c in enumerate(columns):
        if seen >= total * share:
            return columns[:i], columns[i:]
        seen += c.n_sentences
    return columns, []


def _encode(part: Part, widths: list[int]) -> bytes:
    """A part and its widths as the forked process sends them: a JSON line, the XML, the XML deflated."""
    return json.dumps({"rows": part.rows, "widths": widths, "xml": len(part.xml)}).encode() + b"\n" + part.xml + part.packed


def _decode(data: bytes | None) -> tuple[Part, list[int]] | None:
    if data is None:
        return None
    line, _, rest = data.partition(b"\n")
    facts = json.loads(line)
    return Part(rest[: facts["xml"]], int(facts["rows"]), rest[facts["xml"] :]), [int(w) for w in facts["widths"]]
