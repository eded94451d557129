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

    @classmethod
    def from_json_dict(cls, data: dict) -> Strategy:
        """The inverse of ``to_json_dict`` (unknown keys are ignored)."""
        return cls(
            kommune=data.get("kommune"),
            title=data.get("title", ""),
            period=data.get("period", ""),
            document_type=data.get("document_type", ""),
            language=data.get("language", ""),
            pages=data.get("pages"),
            sections=[Section(**{k: v for k, v in s.items() if k in ("kind", "title", "text", "page")}) for s in data.get("sections", [])],
            vision=list(data.get("vision", [])),
            principles=[Item(i.get("title", ""), i.get("text", ""), i.get("page")) for i in data.get("principles", [])],
            themes=[Item(i.get("title", ""), i.get("text", ""), i.get("page")) for i in data.get("themes", [])],
            warnings=list(data.get("warnings", [])),
        )
