"""The annotated set in ``data/annotations/``: sentences, two independent annotations,
the adjudicated gold labels, and the agreement between the annotators.

Files (JSON lines, one object per line):

- ``sentences.jsonl``: ``id``, ``source`` (the document), ``page``, ``text``
- ``annotator_a.jsonl``, ``annotator_b.jsonl``: ``id``, ``labels`` (before resolution)
- ``gold.jsonl``: ``id``, ``labels`` and, where the annotators disagreed, ``resolved``
  (a short note on the decision)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .codebook import LABEL_IDS
from .errors import DataFileError

SENTENCES = "sentences.jsonl"
ANNOTATORS = ("annotator_a.jsonl", "annotator_b.jsonl")
TIE_BREAK = "annotator_c.jsonl"  # the written set: a third annotator on the disputed sentences
GOLD = "gold.jsonl"
WRITTEN = "written"  # the sub-folder of sentences the team wrote in its own words, by genre


@dataclass(frozen=True)
class Sentence:
    id: str
    source: str  # the document (seeds) or "written"
    page: int | None
    text: str
    genre: str = ""  # the written set's genre (strategi, sag, borgerservice ...); "" for the seeds
    doc: str = ""  # the written set's pseudo-document

    @property
    def group(self) -> str:
        """The document the sentence belongs to: folds never split one."""
        return self.doc or self.source


def _jsonl(path: Path) -> list[tuple[int, dict]]:
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "annoteringsfilen findes ikke")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataFileError(path, f"ikke JSON ({exc.msg})", line_no) from exc
            if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
                raise DataFileError(path, "hver linje skal være et objekt med et 'id'", line_no)
            rows.append((line_no, obj))
    return rows


def load_sentences(path: Path) -> list[Sentence]:
    out = []
    for line_no, obj in _jsonl(path):
        if not isinstance(obj.get("text"), str) or not obj["text"].strip():
            raise DataFileError(path, "mangler 'text'", line_no)
        out.append(Sentence(obj["id"], str(obj.get("source", "")), obj.get("page"), obj["text"], str(obj.get("genre", "")), str(obj.get("doc", ""))))
    return out


def load_labels(path: Path, label_ids: tuple[str, ...] | list[str] = LABEL_IDS) -> dict[str, frozenset[str]]:
    """``id -> labels`` from an annotation file; unknown labels and repeated ids are errors."""
    known = set(label_ids)
    out: dict[str, frozenset[str]] = {}
    for line_no, obj in _jsonl(path):
        labels = obj.get("labels")
        if not isinstance(labels, list):
            raise DataFileError(path, "'labels' skal være en liste", line_no)
        unknown = [x for x in labels if x not in known]
        if unknown:
            raise DataFileError(path, f"{'ukendt label' if len(unknown) == 1 else 'ukendte labels'} {', '.join(map(str, unknown))}", line_no)
        if obj["id"] in out:
            raise DataFileError(path, f"id {obj['id']} står der to gange", line_no)
        out[obj["id"]] = frozenset(labels)
    return out


def cohen_kappa(a: list[bool], b: list[bool]) -> float:
    """Cohen's kappa for two binary annotations of the same items (1.0 when both are constant and equal)."""
    n = len(a)
    if n == 0 or n != len(b):
        raise ValueError("kappa needs two annotations of the same, non-empty set of items")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    if expected == 1.0:
        return 1.0
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class Agreement:
    label: str
    kappa: float
    a_count: int
    b_count: int
    both: int
    percent_agreement: float


def agreement(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]], label_ids=LABEL_IDS) -> list[Agreement]:
    """Per-label agreement between two annotations over the ids they share."""
    ids = sorted(set(a) & set(b))
    out = []
    for label in label_ids:
        xa = [label in a[i] for i in ids]
        xb = [label in b[i] for i in ids]
        same = sum(x == y for x, y in zip(xa, xb, strict=True))
        out.append(Agreement(label, cohen_kappa(xa, xb), sum(xa), sum(xb), sum(x and y for x, y in zip(xa, xb, strict=True)), same / len(ids)))
    return out


def load_gold(folder: Path, label_ids=LABEL_IDS) -> tuple[list[Sentence], list[frozenset[str]]]:
    """The sentences and their gold labels, in file order. Every sentence must have gold labels."""
    folder = Path(folder)
    sentences = load_sentences(folder / SENTENCES)
    gold = load_labels(folder / GOLD, label_ids)
    missing = [s.id for s in sentences if s.id not in gold]
    if missing:
        raise DataFileError(folder / GOLD, f"{len(missing)} sætning(er) uden guldlabels, den første {missing[0]}")
    return sentences, [gold[s.id] for s in sentences]


def annotation_files(folder: Path) -> list[Path]:
    """The files a model trained from ``folder`` depends on (the written set's too)."""
    folder = Path(folder)
    files = [folder / SENTENCES, folder / GOLD]
    if (folder / WRITTEN).is_dir():
        files += [folder / WRITTEN / SENTENCES, folder / WRITTEN / GOLD]
    return files


def load_training(folder: Path, label_ids=LABEL_IDS) -> tuple[list[Sentence], list[frozenset[str]]]:
    """The seeds' sentences and, when ``folder/written`` exists, the written set: what the
    classifier is trained on."""
    sentences, gold = load_gold(folder, label_ids)
    written = Path(folder) / WRITTEN
    if written.is_dir():
        more, more_gold = load_gold(written, label_ids)
        sentences, gold = sentences + more, gold + more_gold
    return sentences, gold
