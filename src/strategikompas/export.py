"""Tables to CSV (Danish Excel or standard), xlsx and JSON, written atomically.

``Targets`` (the --csv/--xlsx/--json files and the dialect, checked before any work) and
``write_tables`` serve every command (compare, list, classify, evaluate, export).
Text cells that a spreadsheet would read as a formula are neutralised; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import is_not
from pathlib import Path
from typing import TypeGuard

from .errors import InputError
from .fileio import atomic_open, atomic_write_bytes, usable_cores
from .xlsx import Part, Sheet, render_part, workbook_bytes

DIALECTS = ("excel-dk", "standard")
FORMATS = ("csv", "xlsx", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A named table: Danish column names, rows of str/int/float/None.

    ``percent`` names the columns holding shares (0..1), shown as percentages in xlsx;
    ``wrap`` the columns of long text (sentences), wrapped in a wide column in xlsx."""

    name: str
    columns: list[str]
    rows: Sequence[Sequence[object]]
    percent: set[str] = field(default_factory=set)
    wrap: set[str] = field(default_factory=set)


def _is_formula_like(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def neutralise(value: object) -> object:
    """Prefix a text cell that starts like a formula with an apostrophe; numbers pass."""
    return "'" + value if _is_formula_like(value) else value


def _csv_cell(value: object, dialect: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = repr(round(value, 6))
        return text.replace(".", ",") if dialect == "excel-dk" else text
    if isinstance(value, int):
        return str(value)
    return str(neutralise(str(value)))


def check_target(path: Path) -> None:
    """Fail before any work (classification can take minutes) when the export cannot be
    written: a missing folder, a folder without write permission, a folder as the target."""
    folder = Path(path).parent if str(Path(path).parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"Kan ikke skrive {path}: mappen {folder} findes ikke.")
    if Path(path).is_dir():
        raise InputError(f"Kan ikke skrive {path}: det er en mappe; giv et filnavn.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"Kan ikke skrive {path}: ingen tilladelse til at skrive i {folder}.")


def check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise InputError(f"Ukendt CSV-dialekt '{dialect}'; brug en af {', '.join(DIALECTS)}.")


@dataclass(frozen=True)
class Targets:
    """The files a command writes its tables to (--csv, --xlsx, --json) and the CSV
    dialect, checked when made: before any work, which can take minutes. ``also`` names
    other files the command writes (classify's --jsonl, export's target), checked too."""

    csv: Path | None = None
    xlsx: Path | None = None
    json: Path | None = None
    dialect: str = "excel-dk"
    also: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        check_dialect(self.dialect)
        for path in (self.csv, self.xlsx, self.json, *self.also):
            if path is not None:
                check_target(path)

    def __bool__(self) -> bool:
        return any(p is not None for p in (self.csv, self.xlsx, self.json))

    def write(self, tables: Sequence[Table], csv_tables: Sequence[Table] | None = None) -> list[list[Path]]:
        """Every table to the xlsx and JSON targets; ``csv_tables`` (else the same tables)
        to the CSV target. The files written, per target."""
        out = []
        for path, fmt in ((self.csv, "csv"), (self.xlsx, "xlsx"), (self.json, "json")):
            if path is not None:
                out.append(write_tables(path, csv_tables if fmt == "csv" and csv_tables is not None else tables, fmt, self.dialect))
        return out


def csv_bytes(table: Table, dialect: str = "excel-dk") -> str:
    check_dialect(dialect)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if dialect == "excel-dk" else ",", lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_csv_cell(v, dialect) for v in row] for row in table.rows)
    return buffer.getvalue()


def write_csv(path: Path, table: Table, dialect: str = "excel-dk") -> None:
    text = csv_bytes(table, dialect)
    with atomic_open(path, "w", encoding="utf-8-sig" if dialect == "excel-dk" else "utf-8", newline="") as handle:
        handle.write(text)


XLSX_WRAP_WIDTH = 80  # characters: a wrapped sentence column
XLSX_MAX_WIDTH = 50  # characters: any other column
WIDTH_SAMPLE = 5000  # rows: a column's width is read from at most this many (evenly spread)


def text_widths(table: Table, rows: Sequence[Sequence[object]]) -> list[int]:
    """Each column's longest text, its header's or a row's as the sheet shows it (shares as
    percentages); a long table's from a sample of its rows (evenly spread)."""
    percent = [c in table.percent for c in table.columns]
    widths = [len(str(c)) for c in table.columns]
    # column by column, in C where it can be
    sample = rows if len(rows) <= WIDTH_SAMPLE else rows[:: len(rows) // WIDTH_SAMPLE]
    for i, values in enumerate(zip(*sample, strict=False)):
        if i >= len(widths):
            break
        present = filter(partial(is_not, None), values)
        shown = (f"{v:.1%}" if isinstance(v, float) else v for v in present) if percent[i] else present
        widths[i] = max(widths[i], max(map(len, map(str, shown)), default=0))
    return widths


def write_xlsx(path: Path, tables: Sequence[Table], parts: dict[str, list[tuple[Part, list[int]]]] | None = None) -> None:
    """One sheet per table: header frozen, bold and filtered, columns as wide as their
    text (up to a limit), long text wrapped, shares as percentages. A text cell that
    starts like a formula is stored as text with Excel's quote prefix (no visible "'").
    ``parts``: by table name, rows written already (``xlsx_part``, in another process, say)
    that follow the table's own rows, with their ``text_widths``."""

    used: set[str] = set()
    sheets = []
    for table in tables:
        done = (parts or {}).get(table.name, [])
        widths = [max([own, *(w[i] for _, w in done if i < len(w))]) for i, own in enumerate(text_widths(table, table.rows))]
        wrap = {i for i, c in enumerate(table.columns) if c in table.wrap}
        sized = [(XLSX_WRAP_WIDTH if i in wrap and w > XLSX_WRAP_WIDTH else min(w, XLSX_MAX_WIDTH)) + 2 for i, w in enumerate(widths)]
        sheets.append(Sheet(_sheet_title(table.name, used), [table.columns, *table.rows], sized, frozenset(wrap),
                            frozenset(i for i, c in enumerate(table.columns) if c in table.percent), tuple(part for part, _ in done)))
    atomic_write_bytes(path, workbook_bytes(sheets, _FORMULA_START, split=usable_cores() >= 2))


def xlsx_part(table: Table, rows: Sequence[Sequence[object]], first_number: int) -> tuple[Part, list[int]]:
    """Rows that follow ``table``'s own in its sheet, the first numbered ``first_number``,
    written as XML (with their ``text_widths``): for ``write_xlsx``'s ``parts``."""
    wrap = frozenset(i for i, c in enumerate(table.columns) if c in table.wrap)
    percent = frozenset(i for i, c in enumerate(table.columns) if c in table.percent)
    return render_part(rows, first_number, len(table.columns), _FORMULA_START, wrap, percent), text_widths(table, rows)


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "tabel"
    title, n = base, 2
    while title in used:
        title = f"{base[:28]}_{n}"
        n += 1
    used.add(title)
    return title


def write_json(path: Path, tables: Sequence[Table]) -> None:
    data = {t.name: [dict(zip(t.columns, row, strict=True)) for row in t.rows] for t in tables}
    with atomic_open(path, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)


def export_format(path: Path, fmt: str | None = None) -> str:
    """The format named by ``fmt`` or else by the path's suffix; an unknown one is an input error."""
    fmt = fmt or Path(path).suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        named = f"formatet '{fmt}'" if fmt else "intet format"
        raise InputError(f"Kan ikke skrive {path}: {named}; lad filnavnet ende på {', '.join('.' + f for f in FORMATS)}.")
    return fmt


def write_tables(path: Path, tables: Sequence[Table], fmt: str | None = None, dialect: str = "excel-dk",
                 parts: dict[str, list[tuple[Part, list[int]]]] | None = None) -> list[Path]:
    """Write tables in the format named by ``fmt`` or the path's suffix; return the files written.

    CSV holds one table; several tables in CSV go to ``<stem>_<name>.csv`` siblings.
    ``parts`` (xlsx only): rows of a sheet written already (``write_xlsx``)."""
    path = Path(path)
    fmt = export_format(path, fmt)
    check_target(path)
    if parts and fmt != "xlsx":
        raise ValueError("parts written as XML are for xlsx alone")
    if fmt == "xlsx":
        write_xlsx(path, tables, parts)
    elif fmt == "json":
        write_json(path, tables)
    elif len(tables) == 1:
        write_csv(path, tables[0], dialect)
    else:
        texts = [(path.with_name(f"{path.stem}_{t.name}{path.suffix}"), csv_bytes(t, dialect)) for t in tables]
        for target, _ in texts:
            check_target(target)
        for target, text in texts:
            with atomic_open(target, "w", encoding="utf-8-sig" if dialect == "excel-dk" else "utf-8", newline="") as handle:
                handle.write(text)
        return [target for target, _ in texts]
    return [path]


def written(paths: Sequence[Path]) -> str:
    """'Skrev X' for one file; for a CSV export split over several files, all of them."""
    if len(paths) == 1:
        return f"Skrev {paths[0]}"
    return f"Skrev {len(paths)} filer: " + ", ".join(str(p) for p in paths)
