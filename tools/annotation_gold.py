"""Combine two independent annotations into the gold set of data/annotations/.

Step 1, combine: the annotators' files (each may be split in parts) become
``annotator_a.jsonl`` and ``annotator_b.jsonl`` (in sentence order), and the sentences they
disagree on are written to a file for adjudication:

    python tools/annotation_gold.py combine --a A1.jsonl A2.jsonl --b B1.jsonl B2.jsonl \
        --disagreements disagreements.jsonl

Step 2, gold: where the annotators agree their labels are gold; where they disagree the
adjudicator's decision (``{"id", "labels", "resolved"}`` per line) is. Writes ``gold.jsonl``
and prints the agreement table (Cohen's kappa per label, before resolution) for the README:

    python tools/annotation_gold.py gold --adjudicated adjudicated.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from strategikompas.annotations import (  # noqa: E402
    ANNOTATORS,
    GOLD,
    SENTENCES,
    agreement,
    load_labels,
    load_sentences,
)
from strategikompas.codebook import LABEL_IDS  # noqa: E402
from strategikompas.fileio import atomic_write_text  # noqa: E402

FOLDER = ROOT / "data" / "annotations"


def _ordered(labels: frozenset[str]) -> list[str]:
    return [x for x in LABEL_IDS if x in labels]


def _write(path: Path, rows: list[dict]) -> None:
    atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def combine(a_parts: list[Path], b_parts: list[Path], disagreements: Path) -> None:
    sentences = load_sentences(FOLDER / SENTENCES)
    for name, parts in zip(ANNOTATORS, (a_parts, b_parts), strict=True):
        merged: dict[str, frozenset[str]] = {}
        for part in parts:
            merged.update(load_labels(part))
        missing = [s.id for s in sentences if s.id not in merged]
        if missing:
            sys.exit(f"{name}: {len(missing)} sentence(s) not labelled, first {missing[0]}")
        _write(FOLDER / name, [{"id": s.id, "labels": _ordered(merged[s.id])} for s in sentences])
    a, b = (load_labels(FOLDER / name) for name in ANNOTATORS)
    rows = [
        {"id": s.id, "source": s.source, "text": s.text, "a": _ordered(a[s.id]), "b": _ordered(b[s.id])}
        for s in sentences
        if a[s.id] != b[s.id]
    ]
    _write(disagreements, rows)
    print(f"{len(rows)} of {len(sentences)} sentences differ; written to {disagreements}")


def gold(adjudicated: Path) -> None:
    sentences = load_sentences(FOLDER / SENTENCES)
    a, b = (load_labels(FOLDER / name) for name in ANNOTATORS)
    decided = {}
    for line in adjudicated.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            decided[obj["id"]] = obj
    rows = []
    for s in sentences:
        if a[s.id] == b[s.id]:
            rows.append({"id": s.id, "labels": _ordered(a[s.id])})
            continue
        if s.id not in decided:
            sys.exit(f"{s.id}: the annotators disagree and there is no adjudicated decision")
        d = decided[s.id]
        unknown = set(d["labels"]) - set(LABEL_IDS)
        if unknown:
            sys.exit(f"{s.id}: unknown label(s) {unknown}")
        rows.append({"id": s.id, "labels": _ordered(frozenset(d["labels"])), "resolved": d.get("resolved", "")})
    _write(FOLDER / GOLD, rows)
    g = load_labels(FOLDER / GOLD)
    print(f"gold: {len(rows)} sentences, {sum(1 for r in rows if 'resolved' in r)} resolved\n")
    print("| label | kappa | % agreement | A | B | both | gold |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    table = agreement(a, b)
    for row in table:
        n_gold = sum(row.label in g[s.id] for s in sentences)
        print(f"| `{row.label}` | {row.kappa:.2f} | {row.percent_agreement:.1%} | {row.a_count} | {row.b_count} | {row.both} | {n_gold} |")
    mean = sum(r.kappa for r in table) / len(table)
    exact = sum(a[s.id] == b[s.id] for s in sentences) / len(sentences)
    print(f"\nmean kappa {mean:.2f}; identical label sets on {exact:.1%} of the sentences")
    print(f"annotator B scored against A: {_f1(a, b, sentences)}")


def _f1(a, b, sentences) -> str:
    tp = sum(len(a[s.id] & b[s.id]) for s in sentences)
    fp = sum(len(b[s.id] - a[s.id]) for s in sentences)
    fn = sum(len(a[s.id] - b[s.id]) for s in sentences)
    micro = 2 * tp / (2 * tp + fp + fn)
    per = []
    for label in LABEL_IDS:
        t = sum(label in a[s.id] and label in b[s.id] for s in sentences)
        f = sum((label in a[s.id]) != (label in b[s.id]) for s in sentences)
        per.append(2 * t / (2 * t + f) if t + f else 1.0)
    return f"micro-F1 {micro:.3f}, macro-F1 {sum(per) / len(per):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    c = sub.add_parser("combine")
    c.add_argument("--a", nargs="+", type=Path, required=True)
    c.add_argument("--b", nargs="+", type=Path, required=True)
    c.add_argument("--disagreements", type=Path, required=True)
    g = sub.add_parser("gold")
    g.add_argument("--adjudicated", type=Path, required=True)
    args = parser.parse_args()
    if args.step == "combine":
        combine(args.a, args.b, args.disagreements)
    else:
        gold(args.adjudicated)


if __name__ == "__main__":
    main()
