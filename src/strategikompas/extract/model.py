"""The structured strategy that extraction produces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SECTION_KINDS = ("vision", "principles", "themes", "other")


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

    def to_json_dict(self) -> dict:
        data = asdict(self)
        keys = ["kommune", "title", "period", "document_type", "language", "pages", "vision", "principles", "themes", "sections", "warnings"]
        return {k: data[k] for k in keys}
