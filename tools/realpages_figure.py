"""The fourth held-out figure: the tags on real public pages, measured against their labels.

The pages' text is third-party and is not in the project. ``data/annotations/realpages/``
holds what we made: each page's address and kind with a hash of the excerpt we labelled
(``pages.tsv``), and per sentence its id, a hash of its text and the labels of annotators
A, B, C (C on the sentences A and B disputed) and their majority (``labels.jsonl``). A
developer with the search tool's ``pages`` corpus collects the excerpts again (JSON lines
``{"url": ..., "text": ...}``); this script splits them by the devset's published rule
(newlines, then ``. ! ?`` before a capital or digit; pieces of 5+ words), finds each labelled
sentence by its hash, trains the model on ``data/annotations/`` (or on the folder given
with ``--annotations``) and prints micro/macro-F1 against the majority
and against A and B, beside the codebook alone.

Usage: python tools/realpages_figure.py TEXTS.jsonl [--annotations DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from strategikompas import codebook as cb  # noqa: E402
from strategikompas.classifier import analyse, codebook_predictions, train  # noqa: E402
from strategikompas.evaluate import scores  # noqa: E402
from strategikompas.workspace import CODEBOOK  # noqa: E402

LABELS = ROOT / "data" / "annotations" / "realpages"


def split(text: str) -> list[str]:
    """The devset's sentence rule."""
    out = []
    for line in text.split("\n"):
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9])", line.strip()):
            if len(piece.split()) >= 5:
                out.append(piece.strip())
    return out


def sentence_hash(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", type=Path)
    parser.add_argument("--annotations", type=Path, default=ROOT / "data" / "annotations")
    args = parser.parse_args()
    import numpy as np

    pages = {}
    for line in (LABELS / "pages.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "pid\t")):
            pid, _kind, url, _digest = line.split("\t")
            pages[url] = pid
    found: dict[str, str] = {}
    for line in args.texts.read_text(encoding="utf-8").splitlines():
        if line.strip():
            page = json.loads(line)
            if page["url"] in pages:
                for sentence in split(page["text"]):
                    found.setdefault(f"{pages[page['url']]}:{sentence_hash(sentence)}", sentence)
    rows = [json.loads(x) for x in (LABELS / "labels.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    matched = [r for r in rows if f"{r['page']}:{r['hash']}" in found]
    print(f"{len(matched)} of {len(rows)} labelled sentences found in {args.texts}")
    if not matched:
        return 1
    book = cb.load(ROOT / CODEBOOK)
    items = analyse([found[f"{r['page']}:{r['hash']}"] for r in matched], book)
    model, n = train(args.annotations, book)
    predicted = model.predict(items, [r["page"] for r in matched])  # each page is a document
    codebook = codebook_predictions(items, book.ids)
    for who in ("gold", "a", "b"):
        truth = np.array([[label in r[who] for label in book.ids] for r in matched], dtype=bool)
        _, micro, macro = scores(truth, predicted)
        _, cmicro, cmacro = scores(truth, codebook)
        print(f"against {who:4s}: model {micro.f1:.3f} / {macro.f1:.3f} (P {micro.precision:.3f} R {micro.recall:.3f}); "
              f"codebook {cmicro.f1:.3f} / {cmacro.f1:.3f}")
    print(f"model trained on {n} sentences from {args.annotations}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
