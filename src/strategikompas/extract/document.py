"""``extract_path``: any supported document into a Strategy (the type from the bytes)."""

from __future__ import annotations

from pathlib import Path

from .clean import tidy
from .detect import detect
from .docx import read_docx
from .html import html_blocks
from .meta import document_title, document_type, language, language_name, period
from .model import Read, Strategy
from .pdf import read_pdf
from .structure import outline
from .text import text_blocks


def read_blocks(path: Path) -> Read:
    """The document's blocks, with its page count and OCR facts for a PDF, and warnings."""
    kind = detect(path)
    if kind == "pdf":
        return read_pdf(path)
    if kind == "docx":
        return read_docx(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # older Danish web pages and text files: Windows-1252
        text = data.decode("cp1252", errors="replace")
    if kind == "html":
        return Read(html_blocks(text, path))

    return Read(text_blocks(text))


def build_strategy(read: Read, kommune: str | None, name: str) -> Strategy:
    cleaned = tidy(read.blocks)
    blocks, warnings = cleaned.blocks, read.warnings
    title, used = document_title(blocks)
    body = blocks[used:]
    found = outline(body)
    text = "\n".join(b.text for b in blocks)
    lang = language(text)
    if lang != "da":
        warnings = [*warnings, f"{name}: sproget ligner {language_name(lang)}, ikke dansk; classify springer det over, medmindre --force gives"]
    if not found.sections:
        warnings = [*warnings, f"{name}: ingen tekst"]
    return Strategy(
        kommune=kommune,
        title=title or name,
        period=period(title, body),
        document_type=document_type(title, body),
        language=lang,
        pages=read.pages,
        sections=found.sections,
        vision=found.vision,
        principles=found.principles,
        themes=found.themes,
        warnings=warnings,
        ocr_pages=read.ocr_pages,
        unread_pages=read.unread_pages,
        dropped=len(cleaned.dropped),
    )


def extract_path(path: Path, kommune: str | None = None) -> Strategy:
    """Any supported document into a Strategy. Raises DocumentError naming the file."""
    path = Path(path)
    return build_strategy(read_blocks(path), kommune, path.name)
