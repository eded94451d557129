"""Word documents (.docx) into blocks, with python-docx.

Paragraphs and tables are read in document order. Headings come from the paragraph style
("Heading 2" / "Overskrift 2", "Title" / "Titel"; Word stores the built-in names in
English whatever the language) or, as in many municipal documents, from a short paragraph
that is all bold. List paragraphs (a list style or numbering) are bullets. A table's cells
are read row by row, each merged cell once. Page numbers come from the page breaks Word
recorded when it last laid the document out (and from hard page breaks); a file that
never went through Word has none, and its paragraphs get no page."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .detect import DocumentError
from .model import Block, Read, join_continuations

_HEADING_STYLE = re.compile(r"^(?:heading|overskrift)\s*(\d)", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|titel)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"list|liste|bullet|punkt", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# A Word document is a zip archive: before anything is unpacked, its declared sizes are
# checked, so a "zip bomb" (3 MB that unpack to 3 GB) is refused at once and costs nothing.
MAX_UNPACKED = 200 * 1024 * 1024  # bytes, all parts together
MAX_RATIO = 200  # unpacked / packed, per part (text XML compresses 5-20x; a bomb 1000x)


def check_archive(path: Path) -> None:
    """Raise DocumentError when the archive would unpack to more than MAX_UNPACKED bytes
    or a part of it is packed more than MAX_RATIO times."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DocumentError(f"{path}: ødelagt Word-dokument ({exc}).") from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise DocumentError(f"{path}: Word-dokumentet ville fylde {total // 2**20} MB udpakket (mere end {MAX_UNPACKED // 2**20} MB): afvist.")
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocumentError(f"{path}: delen {info.filename} er pakket {info.file_size // max(info.compress_size, 1)} gange (en zipbombe?): afvist.")


def read_docx(path: Path) -> Read:
    """The document's blocks with their heading level, bullet flag and page (when known)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_archive(path)
    try:
        document = docx.Document(str(path))
        items = list(document.iter_inner_content())
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"{path}: ødelagt Word-dokument ({exc}).") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and the like: the parts are broken
        raise DocumentError(f"{path}: ødelagt Word-dokument ({type(exc).__name__}: {exc}).") from exc
    body = document.element.body
    # Word lays out the pages and records each break; a file it never laid out may still
    # have hard page breaks. Not both: Word records a hard break's page too.
    marker = f"{_W}lastRenderedPageBreak" if body.find(f".//{_W}lastRenderedPageBreak") is not None else f"{_W}br"
    paged = marker != f"{_W}br" or any(b.get(f"{_W}type") == "page" for b in body.iter(f"{_W}br"))
    page = 1
    blocks: list[Block] = []
    for item in items:
        paragraphs = [item] if hasattr(item, "style") and hasattr(item, "runs") else _table_paragraphs(item)
        for paragraph in paragraphs:
            before, after = _breaks(paragraph, marker)
            page += before
            block = _block(paragraph, page if paged else None)
            if block is not None:
                blocks.append(block)
            page += after
    return Read(join_continuations(blocks), pages=page if paged else None)


def _block(paragraph, page: int | None) -> Block | None:
    text = re.sub(r"\s+", " ", paragraph.text).strip()
    if not text:
        return None
    style = paragraph.style.name if paragraph.style is not None else ""
    level = 0
    if match := _HEADING_STYLE.match(style):
        level = min(3, max(1, int(match.group(1))))
    elif _TITLE_STYLE.match(style):
        level = 1
    elif _all_bold(paragraph) and len(text.split()) <= 14 and not text.endswith((".", ",", ";")):
        level = 3
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    bullet = not level and (numbered or bool(_LIST_STYLE.search(style)))
    return Block(text, page, level, bullet)


def _all_bold(paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold or (r.bold is None and paragraph.style is not None and paragraph.style.font.bold) for r in runs)


def _table_paragraphs(table):
    seen = set()  # the cells' XML elements, held so that each keeps its identity
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell appears once per column and row it spans
                continue
            seen.add(cell._tc)
            for item in cell.iter_inner_content():
                yield from [item] if hasattr(item, "runs") else _table_paragraphs(item)


def _breaks(paragraph, marker: str) -> tuple[int, int]:
    """Page breaks (``marker`` elements) before the paragraph's first text (it starts on
    the next page) and inside or after it (the paragraph keeps the page it starts on)."""
    before = after = 0
    seen_text = False
    for element in paragraph._p.iter():
        if element.tag == f"{_W}t" and (element.text or "").strip():
            seen_text = True
        elif element.tag == marker and (marker != f"{_W}br" or element.get(f"{_W}type") == "page"):
            if seen_text:
                after += 1
            else:
                before += 1
    return before, after
