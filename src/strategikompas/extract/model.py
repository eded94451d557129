"""The structured strategy that extraction produces."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

SECTION_KINDS = ("vision", "principles", "themes", "other")
DOCUMENT_TYPES = ("strategi", "principper", "politik", "kommissorium", "handleplan", "anden")


@dataclass
class Block:
    """One paragraph, heading or list item of a document, before the structure is found.

    ``level``: 0 body text, 1 strongest heading ... 3 weakest (a short title-like line).
    ``lead``: a bold run-in heading at the start of the paragraph, when the reader saw one.
    ``toc``: the reader saw a table-of-contents line (``clean.tidy`` drops and counts it)."""

    text: str
    page: int | None = None
    level: int = 0
    bullet: bool = False
    lead: str = ""
    toc: bool = False  # a table-of-contents line: dropped by ``clean.tidy``, never classified


@dataclass
class Read:
    """What a reader got from a document, before the structure is found."""

    blocks: list[Block]
    pages: int | None = None  # page count (PDF)
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages without a text layer, read by OCR
    unread_pages: list[int] = field(default_factory=list)  # pages without a text layer, not read (no OCR)


def page_span(pages: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def continues(previous: Block, block: Block) -> bool:
    """A paragraph that starts in lower case after one without a closing full stop is the
    rest of it, cut by a page break ("... ansvar for politisk involvering i" / page 3 /
    "teknologiudnyttelse, der kan ...")."""
    return (
        not previous.level
        and not block.level
        and not block.bullet
        and block.text[:1].isalpha()
        and block.text[:1].islower()
        and not re.search(r"[.!?:]$", previous.text)
    )


def join_continuations(blocks: list[Block], join: Callable[[str, str], str] = lambda a, b: f"{a} {b}") -> list[Block]:
    """Blocks with each continuation joined to the paragraph it continues (which keeps
    its page: the evidence cites where the sentence starts)."""
    out: list[Block] = []
    for block in blocks:
        if out and continues(out[-1], block):
            out[-1].text = join(out[-1].text, block.text)
        else:
            out.append(block)
    return out


@dataclass
class Section:
    kind: str  # one of SECTION_KINDS
    title: str
    text: str
    page: int | None = None


@dataclass
class Item:
    """A principle or theme: its title and its text."""

    title: str
    text: str
    page: int | None = None


@dataclass
class Strategy:
    kommune: str | None
    title: str
    period: str
    document_type: str
    language: str
    pages: int | None
    sections: list[Section] = field(default_factory=list)
    vision: list[str] = field(default_factory=list)
    principles: list[Item] = field(default_factory=list)
    themes: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    unread_pages: list[int] = field(default_factory=list)
    dropped: int = 0  # lines of page furniture, menus and tables of contents left out

    def to_json_dict(self) -> dict:
        data = asdict(self)
        data["sections"] = [{k: s[k] for k in ("kind", "title", "text", "page")} for s in data["sections"]]
        keys = ["kommune", "title", "period", "document_type", "language", "pages", "vision", "principles", "themes", "sections", "warnings", "dropped", "ocr_pages", "unread_pages"]
        return {k: data[k] for k in keys}

    @classmethod
    def from_dict(cls, data: dict) -> Strategy:
        """The inverse of ``asdict`` (the cache's format); raises KeyError/TypeError on a bad one."""
        return cls(
            kommune=data["kommune"],
            title=data["title"],
            period=data["period"],
            document_type=data["document_type"],
            language=data["language"],
            pages=data["pages"],
            sections=[Section(**s) for s in data["sections"]],
            vision=[str(v) for v in data["vision"]],
            principles=[Item(**i) for i in data["principles"]],
            themes=[Item(**i) for i in data["themes"]],
            warnings=[str(w) for w in data["warnings"]],
            ocr_pages=[int(n) for n in data.get("ocr_pages", [])],
            unread_pages=[int(n) for n in data.get("unread_pages", [])],
            dropped=int(data.get("dropped", 0)),
        )
