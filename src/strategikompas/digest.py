"""What compare, export and the report read of a classified document, made once when it is
stored: its strongest evidence per focus area, its shares per section kind, its word
counts, its structure titles and a hash of each sentence. They read this, not the
document's sentences (453,000 of them on a national corpus with ten versions each)."""

from __future__ import annotations

import base64
import hashlib
import struct
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

TOP = 8  # tagged sentences kept per focus area, strongest first
HASH_BYTES = 8


def norm(text: str) -> str:
    """A sentence as versions are compared: lower case, whitespace folded."""
    return " ".join(text.lower().split())


def sentence_hash(text: str) -> int:
    """A sentence's normalised text as a 64-bit number: versions are compared by these."""
    return int.from_bytes(hashlib.blake2b(norm(text).encode("utf-8"), digest_size=HASH_BYTES).digest(), "little")


def evidence_key(row, label_id: str) -> tuple[float, float, int]:
    """How strongly a tagged sentence shows a focus area: its score; among equals the
    densest match, so a run-on list that mentions everything does not win every label;
    then the earlier sentence."""
    density = len(row.terms.get(label_id, [])) / max(12, len(row.sentence.split()))
    return (float(row.scores.get(label_id, 0.0)), density, -row.sentence_no)


def ranked(rows: Sequence, label_id: str, top: int | None = None) -> list:
    """The rows tagged with the label, strongest first (``evidence_key``)."""
    tagged = sorted((r for r in rows if label_id in r.labels), key=lambda r: evidence_key(r, label_id), reverse=True)
    return tagged if top is None else tagged[:top]


@dataclass(frozen=True)
class Quote:
    sentence_no: int
    sentence: str
    page: int | None
    score: float
    context: str = ""

    @classmethod
    def of(cls, row, label_id: str) -> Quote:
        """A stored sentence as a quote for one focus area (its score is that area's)."""
        return cls(row.sentence_no, row.sentence, row.page, float(row.scores.get(label_id, 0.0)), row.context)


@dataclass(frozen=True)
class Outline:
    """A document's structure as extracted: whether it has a vision, its principle and theme titles."""

    vision: bool = False
    principles: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)

    def titles(self) -> list[str]:
        """Principle and theme titles (and "Vision" when it has one), for what changed between versions."""
        return (["Vision"] if self.vision else []) + self.principles + self.themes


_PAIR = struct.Struct("<IQ")  # a sentence's number and its hash


@dataclass(frozen=True)
class Ranking:
    """A label's tagged sentences, strongest first, as (number, hash) pairs packed into one
    base64 text: a report reads a thousand digests, and each ranks every tagged sentence, so
    the store keeps one string per label, not a JSON list per sentence, and the pairs are
    unpacked only as far as they are read."""

    text: str

    @classmethod
    def of(cls, pairs: Sequence[tuple[int, int]]) -> Ranking:
        return cls(base64.b64encode(b"".join(_PAIR.pack(no, h) for no, h in pairs)).decode("ascii"))

    @classmethod
    def read(cls, value) -> Ranking:
        """From the store: the packed text, or the [number, hash] lists of a digest stored
        before it was packed (schema 6 as the tool first wrote it)."""
        if isinstance(value, str):
            base64.b64decode(value, validate=True)  # a damaged text fails here, where the store reports it
            return cls(value)
        return cls.of([(int(no), int(h)) for no, h in value])

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return _PAIR.iter_unpack(base64.b64decode(self.text))


@dataclass
class Digest:
    evidence: dict[str, list[Quote]]  # label id -> its strongest tagged sentences (at most TOP), strongest first
    ranking: dict[str, Ranking]  # label id -> every tagged sentence as (number, hash), strongest first
    kinds: dict[str, tuple[int, dict[str, int]]]  # section kind -> (sentences, label id -> how many carry it)
    max_page: int | None
    outline: Outline | None  # None: results stored without a structure

    @classmethod
    def of(cls, rows: Sequence, strategy: dict | None) -> Digest:
        """The digest of a document's rows and its stored extraction (``Strategy.to_json_dict()``)."""
        labels = sorted({label for r in rows for label in r.labels})
        order = {lid: ranked(rows, lid) for lid in labels}
        evidence = {lid: [Quote.of(r, lid) for r in order[lid][:TOP]] for lid in labels}
        ranking = {lid: Ranking.of([(r.sentence_no, sentence_hash(r.sentence)) for r in order[lid]]) for lid in labels}
        kinds: dict[str, tuple[int, Counter[str]]] = {}
        for r in rows:
            n, counts = kinds.get(r.section_kind or "other", (0, Counter()))
            counts.update(r.labels)
            kinds[r.section_kind or "other"] = (n + 1, counts)
        outline = None
        if strategy is not None:
            outline = Outline(bool(strategy.get("vision")), [i["title"] for i in strategy.get("principles", [])],
                              [i["title"] for i in strategy.get("themes", [])], list(strategy.get("ocr_pages", [])))
        return cls(evidence, ranking, {k: (n, dict(c)) for k, (n, c) in kinds.items()},
                   max((r.page for r in rows if r.page is not None), default=None), outline)

    def to_json_dict(self) -> dict:
        return {
            "evidence": {lid: [[q.sentence_no, q.sentence, q.page, q.score, q.context] for q in quotes] for lid, quotes in self.evidence.items()},
            "ranking": {lid: r.text for lid, r in self.ranking.items()},
            "kinds": {k: [n, c] for k, (n, c) in self.kinds.items()},
            "max_page": self.max_page,
            "outline": None if self.outline is None else {"vision": self.outline.vision, "principles": self.outline.principles,
                                                          "themes": self.outline.themes, "ocr_pages": self.outline.ocr_pages},
        }

    @classmethod
    def from_json_dict(cls, data: dict) -> Digest:
        outline = data.get("outline")
        return cls(
            {lid: [Quote(*q) for q in quotes] for lid, quotes in data.get("evidence", {}).items()},  # none: read without its quotes
            {lid: Ranking.read(value) for lid, value in data["ranking"].items()},
            {k: (int(n), dict(c)) for k, (n, c) in data["kinds"].items()},
            data["max_page"],
            None if outline is None else Outline(bool(outline["vision"]), list(outline["principles"]), list(outline["themes"]), list(outline["ocr_pages"])),
        )


def hashes_of(rows: Sequence) -> bytes:
    """Every sentence's hash, packed (``HASH_BYTES`` each, little-endian), for the store."""
    return struct.pack(f"<{len(rows)}Q", *(sentence_hash(r.sentence) for r in rows))


def hash_set(blob: bytes) -> frozenset[int]:
    return frozenset(struct.unpack(f"<{len(blob) // HASH_BYTES}Q", blob))
