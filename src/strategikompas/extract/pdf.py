"""PDF text with pypdfium2, page by page, keeping each paragraph's page number.

First step of the extraction issue: plain text per page (no layout facts, headings or
two-column order yet). pdfium marks a hyphen it broke a word at with U+FFFE (or U+0002)."""

from __future__ import annotations

import re
from pathlib import Path

from .detect import DocumentError
from .model import Block

_SOFT_HYPHEN = re.compile("[\ufffe\x02]\\s*\n?")
_PAGE_NUMBER = re.compile(r"^\s*(side\s+)?\d{1,3}\s*$", re.IGNORECASE)


def page_paragraphs(text: str) -> list[str]:
    """A page's text as paragraphs: soft and hard line-end hyphens joined, lines folded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_HYPHEN.sub("", text)
    text = re.sub(r"(\w)-\n(?=[a-zæøå])", r"\1", text)
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\ufb00", "ff")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip() and not _PAGE_NUMBER.match(line)]
        if lines:
            paragraphs.append(re.sub(r"\s+", " ", " ".join(lines)))
    return paragraphs


def read_pdf(path: Path) -> tuple[list[Block], int, list[str]]:
    """Blocks (with their page), the page count and warnings."""
    import pypdfium2

    from .text import body_blocks

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        problem = "encrypted (needs a password)" if "password" in str(exc).lower() else f"damaged or not a PDF ({exc})"
        raise DocumentError(f"{path}: {problem}.") from exc
    try:
        pages = len(pdf)
        if pages == 0:
            raise DocumentError(f"{path}: the PDF has no pages.")
        sections: list[Block] = []
        for number in range(pages):
            page = pdf[number]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            for paragraph in page_paragraphs(text):
                for block in body_blocks(paragraph):
                    block.page = number + 1
                    sections.append(block)
    finally:
        pdf.close()
    if not sections:
        raise DocumentError(f"{path}: no text layer: needs OCR.")
    warnings = [f"{path.name}: contains U+FFFD (characters the PDF's fonts do not map)"] if any("\ufffd" in s.text for s in sections) else []
    return sections, pages, warnings
