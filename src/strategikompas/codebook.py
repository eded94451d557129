"""The codebook (``data/fokusomraader.toml``): the terms that find each focus area.

Terms match a word's lemma, or a part of a Danish compound ("informationssikkerhedspolitik"
contains "sikkerhed"); phrases match sequences of lemmas (longest match wins, a word is
counted once); exclusions stop a term inside a word ("værdighed" is not "værdi")."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError

LABEL_IDS = ("borger", "sikkerhed", "vaerdi", "sammenhaeng", "effektivisering", "kompetencer", "teknologi", "data", "samarbejde", "organisering")


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    description: str
    terms: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    path: Path
    version: str  # content hash: results made with another codebook are stale
    labels: tuple[Label, ...] = field(default_factory=tuple)

    @property
    def ids(self) -> list[str]:
        return [label.id for label in self.labels]

    def name(self, label_id: str) -> str:
        return next(label.name for label in self.labels if label.id == label_id)


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def load(path: Path) -> Codebook:
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "kodebogen findes ikke")
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise DataFileError(path, f"ikke gyldig TOML ({exc})", int(match.group(1)) if match else None) from exc
    tables = data.get("labels")
    if not isinstance(tables, dict) or not tables:
        raise DataFileError(path, "ingen [labels.<id>]-tabeller")
    labels = []
    for label_id, spec in tables.items():
        line = _line_of(text, f"[labels.{label_id}]")
        if label_id not in LABEL_IDS:
            raise DataFileError(path, f"ukendt label-id '{label_id}' (kendte: {', '.join(LABEL_IDS)})", line)
        if not isinstance(spec, dict):
            raise DataFileError(path, f"label '{label_id}' skal være en tabel", line)
        terms = spec.get("terms", [])
        phrases = spec.get("phrases", [])
        exclude = spec.get("exclude", [])
        for key, value in (("terms", terms), ("phrases", phrases), ("exclude", exclude)):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise DataFileError(path, f"label '{label_id}': '{key}' skal være en liste af ikke-tomme tekster", line)
        if not terms and not phrases:
            raise DataFileError(path, f"label '{label_id}' er tom: giv den terms eller phrases", line)
        labels.append(
            Label(
                id=label_id,
                name=str(spec.get("name", label_id)),
                description=str(spec.get("description", "")),
                # a term of several words is a phrase ("digital post")
                terms=tuple(t.lower().strip() for t in terms if len(t.split()) == 1),
                phrases=tuple(tuple(p.lower().replace("-", " ").split()) for p in [*phrases, *(t for t in terms if len(t.split()) > 1)]),
                exclude=tuple(e.lower().strip() for e in exclude),
            )
        )
    return Codebook(path=path, version=hashlib.sha256(raw).hexdigest()[:12], labels=tuple(labels))


# Shorter terms match whole lemmas or the start/end of a compound only.
MIN_INNER_PART = 5


def term_in_word(term: str, word: str, lemma: str) -> bool:
    """Does ``term`` name this word, as its lemma or as a part of a compound?"""
    if term in (word, lemma):
        return True
    if len(term) < 4:
        return False
    if word.startswith(term) or lemma.endswith(term):
        return True
    return len(term) >= MIN_INNER_PART and term in word


_VOCABULARY: dict[str, tuple[str, ...]] = {}
_WORD_TERMS: dict[tuple[str, str, str], frozenset[str]] = {}


def _terms_of(codebook: Codebook, word: str, lemma: str) -> frozenset[str]:
    """Every term or phrase part of the codebook that names this word (memoised per word)."""
    key = (codebook.version, word, lemma)
    found = _WORD_TERMS.get(key)
    if found is None:
        vocabulary = _VOCABULARY.get(codebook.version)
        if vocabulary is None:
            parts = {t for label in codebook.labels for t in label.terms}
            parts |= {p for label in codebook.labels for phrase in label.phrases for p in phrase}
            vocabulary = _VOCABULARY[codebook.version] = tuple(sorted(parts))
        found = frozenset(t for t in vocabulary if term_in_word(t, word, lemma))
        if len(_WORD_TERMS) > 200_000:  # bounded: a long run over many documents
            _WORD_TERMS.clear()
        _WORD_TERMS[key] = found
    return found


def match(codebook: Codebook, words: list[str], lemmas: list[str]) -> dict[str, list[str]]:
    """The terms of each label found in a sentence (lower-cased ``words`` and their ``lemmas``)."""
    named = [_terms_of(codebook, w, lem) for w, lem in zip(words, lemmas, strict=True)]
    present: set[str] = set().union(*named) if named else set()
    found: dict[str, list[str]] = {}
    for label in codebook.labels:
        used = [False] * len(words)
        hits: list[str] = []
        for phrase in sorted(label.phrases, key=len, reverse=True):
            if not present.issuperset(phrase):
                continue  # a phrase whose words are not all in the sentence cannot match (same result, far fewer tries)
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if any(used[i : i + n]):
                    continue
                if all(p in named[i + k] for k, p in enumerate(phrase)):
                    hits.append(" ".join(words[i : i + n]))
                    for k in range(n):
                        used[i + k] = True
        terms = set(label.terms)
        for i, word in enumerate(words):
            if used[i] or not (named[i] & terms) or any(ex in word for ex in label.exclude):
                continue
            hits.append(word)
            used[i] = True
        if hits:
            found[label.id] = hits
    return found
