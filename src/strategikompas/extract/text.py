"""Plain text and Markdown documents (the bundled seeds)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..errors import InputError
from .model import Section, Strategy

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def clean_line(line: str) -> str:
    """Strip HTML tags and Markdown markers, unescape entities, fold white space."""
    line = html.unescape(_TAG.sub("", line))
    line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
    line = re.sub(r"(\*\*|__|\*|_)(\S.*?\S|\S)\1", r"\2", line)
    return re.sub(r"\s+", " ", line).strip()


def paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines, each folded into one line."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    result = []
    for block in blocks:
        lines = [clean_line(x) for x in block.split("\n")]
        lines = [x for x in lines if x and not re.fullmatch(r"-{3,}|\|?[-:| ]+\|?", x)]
        if lines:
            result.append(" ".join(lines))
    return result


def extract_path(path: Path, kommune: str | None = None) -> Strategy:
    """Any supported document into a Strategy; the type comes from the bytes."""
    from .detect import detect

    path = Path(path)
    if detect(path) == "pdf":
        from .pdf import read_pdf

        sections, pages, warnings = read_pdf(path)
        return Strategy(kommune, sections[0].text[:200], "", "anden", "da", pages, sections, warnings=warnings)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text.") from exc
    blocks = paragraphs(text)
    title = blocks[0] if blocks else path.stem
    sections = [Section(kind="other", title="", text=b) for b in blocks]
    warnings = [] if blocks else [f"{path.name}: no text"]
    return Strategy(kommune, title, "", "anden", "da", None, sections, warnings=warnings)
