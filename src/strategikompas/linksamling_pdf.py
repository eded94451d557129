"""Rebuild ``data/linksamling.csv`` from the Linksamling table in KL's PDF.

The visible cells give kommune, form, link text and period; the URL is the hyperlink
annotation (``page.hyperlinks``) lying over the "Link til hjemmeside" cell. pdfplumber is
imported inside ``read_pdf`` so that importing this module stays cheap."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import linksamling
from .errors import DataFileError, InputError
from .linksamling import LinkRow, row_from_table

# A header cell names its column when it contains one of these words (lower case).
HEADER_WORDS = {
    "kommune": ("kommune",),
    "form": ("form", "strategi", "princip", "politik"),
    "link": ("link", "hjemmeside"),
    "period": ("period",),
}


@dataclass
class ImportResult:
    rows: list[LinkRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def clean(cell: str | None) -> str:
    return " ".join((cell or "").split())


def header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column index by role when ``cells`` is the table's header row, else None."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = cell.lower()
        for role, words in HEADER_WORDS.items():
            if role not in found and any(w in text for w in words):
                found[role] = index
                break
    return found if {"kommune", "link"} <= set(found) and len(found) >= 3 else None


def _inside(link: dict, bbox: tuple[float, float, float, float]) -> bool:
    x = (float(link["x0"]) + float(link["x1"])) / 2
    y = (float(link["top"]) + float(link["bottom"])) / 2
    x0, top, x1, bottom = bbox
    return x0 <= x <= x1 and top <= y <= bottom


def _decode(value: object) -> str:
    if not isinstance(value, bytes):
        return str(value)
    if value.startswith((b"\xfe\xff", b"\xff\xfe")):
        return value.decode("utf-16", "replace")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")  # PDFDocEncoding, near enough for a URL


def page_links(page) -> list[dict]:
    """The page's link annotations with an address: ``page.hyperlinks``, or, when
    pdfplumber cannot decode a URI (non-ASCII bytes that are not UTF-8, as reportlab and
    some office programs write them), the annotations read directly."""
    try:
        return [h for h in page.hyperlinks if h.get("uri")]
    except UnicodeDecodeError:
        pass
    from pdfminer.pdftypes import resolve1

    links = []
    for ref in resolve1(page.page_obj.annots) or []:
        annot = resolve1(ref) or {}
        action = resolve1(annot.get("A")) or {}
        uri, rect = resolve1(action.get("URI")), resolve1(annot.get("Rect"))
        if not uri or not rect or len(rect) != 4:
            continue
        x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
        height = float(page.height)
        links.append({"uri": _decode(uri), "x0": min(x0, x1), "x1": max(x0, x1), "top": height - max(y0, y1), "bottom": height - min(y0, y1)})
    return links


def read_pdf(path: Path) -> ImportResult:
    """The Linksamling rows of a PDF and the rows that could not be parsed."""
    import pdfplumber

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: filen findes ikke.")
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        raise InputError(f"{path}: ikke en læsbar PDF ({exc}).") from exc
    result = ImportResult()
    seen: set[str] = set()
    columns: dict[str, int] | None = None
    with pdf:
        for page_no, page in enumerate(pdf.pages, start=1):
            links = page_links(page)
            for table in page.find_tables():
                for cells_text, row in zip(table.extract(), table.rows, strict=False):
                    cells = [clean(c) for c in cells_text]
                    header = header_columns(cells)
                    if header is not None:
                        columns = header
                        continue
                    if columns is None or not any(cells):
                        continue
                    parsed = _row(cells, row.cells, columns, links, f"{path.name}, side {page_no}", result.problems)
                    if parsed is None:
                        continue
                    try:  # the same checks as loading data/linksamling.csv
                        raw = {c: "" if getattr(parsed, c) is None else str(getattr(parsed, c)) for c in linksamling.COLUMNS}
                        parsed = linksamling._validate(raw, f"{path.name}, side {page_no}", len(result.rows) + 2, seen)
                    except DataFileError as exc:
                        result.problems.append(f"{path.name}, side {page_no}: {parsed.kommune}: {exc.problem}; rækken er udeladt")
                        continue
                    result.rows.append(parsed)
    if columns is None:
        raise InputError(f"{path}: ingen linksamlingstabel fundet (en tabel, hvis overskriftsrække har 'Kommune' og 'Link til hjemmeside').")
    return result


def _row(cells: list[str], boxes: list, columns: dict[str, int], links: list[dict], where: str, problems: list[str]) -> LinkRow | None:
    if max(columns.values()) >= len(cells):
        problems.append(f"{where}: en række med {len(cells)} celler: {' | '.join(cells)}")
        return None
    kommune = cells[columns["kommune"]]
    if not kommune or not re.search(r"[A-Za-zÆØÅæøå]", kommune):
        problems.append(f"{where}: en række uden kommune: {' | '.join(c for c in cells if c)}")
        return None
    get = lambda role: cells[columns[role]] if role in columns else ""  # noqa: E731
    row = row_from_table(kommune, get("form"), get("link"), get("period"))
    box = boxes[columns["link"]] if columns["link"] < len(boxes) else None
    uris = [str(h["uri"]).strip() for h in links if box is not None and _inside(h, box)]
    web = [u for u in uris if re.match(r"https?://", u)]
    if uris and not web:
        problems.append(f"{where}: {kommune}: linket '{uris[0]}' er ikke en http(s)-adresse; url er efterladt tom")
    if web:
        row = dataclasses.replace(row, url=web[0])
    return row


def import_pdf(pdf: Path, target: Path) -> ImportResult:
    """Read the table from ``pdf`` and write it to ``target`` atomically (``linksamling.save``)."""
    result = read_pdf(pdf)
    if not result.rows:
        raise InputError(f"{pdf}: linksamlingstabellen har ingen rækker, der kunne læses.")
    linksamling.save(target, result.rows)
    return result
