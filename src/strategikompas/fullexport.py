"""``strategikompas export``: every table at once (the link collection, shares, matrix,
facts, evidence, sentences, distinctive words, similarity) in one workbook, JSON file or
set of CSV files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import codebook as cb
from . import compare as cmp
from . import corpus
from .export import Targets, export_format, write_tables
from .listing import link_table
from .workspace import Workspace


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
    table to ``target``; the format by its suffix, checked before any work."""
    export_format(target)
    Targets(dialect=dialect, also=(target,))
    result = cmp.compare_all(ws, book, on_document=on_document, on_plan=on_plan)
    detail = cmp.details(ws, result, sentences=True)
    tables = [link_table(ws).export_table(), cmp.shares_table(result)[1], *cmp.tables(result, detail), cmp.sentence_table(result, detail)]
    return Exported(write_tables(target, tables, None, dialect), len(tables), len(result.columns))
