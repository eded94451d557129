"""evaluate: metrics, kappa, grouped cross-validation without leakage, the CLI table and CSV."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from strategikompas import codebook
from strategikompas.annotations import agreement, cohen_kappa, load_labels
from strategikompas.cli import app
from strategikompas.errors import DataFileError
from strategikompas.evaluate import COLUMNS, evaluate, scores
from strategikompas.workspace import bundled_root

from conftest import small_annotations

ANNOTATIONS = bundled_root() / "data" / "annotations"


def test_scores_agree_with_scikit_learn():
    from sklearn.metrics import f1_score, precision_score, recall_score

    rng = np.random.default_rng(7)
    truth = rng.random((200, 5)) < 0.3
    pred = rng.random((200, 5)) < 0.35
    per, micro, macro = scores(truth, pred)
    assert micro.f1 == pytest.approx(f1_score(truth, pred, average="micro"))
    assert macro.f1 == pytest.approx(f1_score(truth, pred, average="macro"))
    assert [p.precision for p in per] == pytest.approx(list(precision_score(truth, pred, average=None)))
    assert [p.recall for p in per] == pytest.approx(list(recall_score(truth, pred, average=None)))


def test_kappa_agrees_with_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(3)
    a = list(rng.random(300) < 0.2)
    b = [x if rng.random() < 0.85 else not x for x in a]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))
    assert cohen_kappa([True, False], [True, False]) == 1.0


def test_reported_agreement_is_computed_from_the_two_annotation_files():
    a = load_labels(ANNOTATIONS / "annotator_a.jsonl")
    b = load_labels(ANNOTATIONS / "annotator_b.jsonl")
    gold = load_labels(ANNOTATIONS / "gold.jsonl")
    assert set(a) == set(b) == set(gold)
    readme = (ANNOTATIONS / "README.md").read_text(encoding="utf-8")
    for row in agreement(a, b):
        assert f"| `{row.label}` | {row.kappa:.2f} |" in readme
    # gold keeps every label both annotators agreed on
    for sid in a:
        if a[sid] == b[sid]:
            assert gold[sid] == a[sid]


def test_reported_accuracy_is_what_evaluate_measures():
    """The figures in data/annotations/README.md are today's, not an older run's."""
    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    result = evaluate(ANNOTATIONS, book)
    readme = (ANNOTATIONS / "README.md").read_text(encoding="utf-8")
    rows = [
        f"| 1. cross-validation by document on the seeds' sentences (6 folds; the written set always in training) | {result.classifier_micro.f1:.3f} | {result.classifier_macro.f1:.3f} |",
        f"| 1. the codebook alone on the same sentences | {result.codebook_micro.f1:.3f} | {result.codebook_macro.f1:.3f} |",
    ]
    genre = result.by_genre
    assert genre is not None and len(genre.documents) == 9
    rows += [
        f"| 2. cross-validation by genre on the written set (9 folds, each genre held out in turn; the seeds always in training) | {genre.classifier_micro.f1:.3f} | {genre.classifier_macro.f1:.3f} |",
        f"| 2. the codebook alone on the same sentences | {genre.codebook_micro.f1:.3f} | {genre.codebook_macro.f1:.3f} |",
    ]
    for row in rows:
        assert row in readme


def test_annotation_file_with_unknown_label_names_file_and_line(tmp_path: Path):
    bad = tmp_path / "labels.jsonl"
    bad.write_text('{"id": "x-1", "labels": []}\n{"id": "x-2", "labels": ["borger", "økonomi"]}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"labels.jsonl, linje 2: ukendt label økonomi"):
        load_labels(bad)


def _small_annotations(tmp_path: Path) -> Path:
    return small_annotations(tmp_path)


def test_held_out_document_labels_never_reach_its_predictions(tmp_path: Path):
    """Grouped CV: flipping every gold label of one document changes its scores, never the
    predictions made for it (they come from models that did not see it)."""
    folder = _small_annotations(tmp_path)
    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    before = evaluate(folder, book)
    rows = [json.loads(x) for x in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row["id"].startswith("norddjurs"):
            row["labels"] = [x for x in book.ids if x not in row["labels"]]
    (folder / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    after = evaluate(folder, book)
    assert before.documents == after.documents == ["faellesoffentlig-2026", "hjoerring", "norddjurs"]
    assert before.classifier_micro != after.classifier_micro  # the flipped labels are scored
    assert before.n_sentences == after.n_sentences == 75
    held = [i for i, r in enumerate(rows) if r["id"].startswith("norddjurs")]
    others = [i for i in range(len(rows)) if i not in held]
    assert [before.predictions[i] for i in held] == [after.predictions[i] for i in held]
    assert [before.predictions[i] for i in others] != [after.predictions[i] for i in others]  # they did learn from it


def test_evaluate_cli_prints_the_table_and_writes_csv(runner, workspace_dir: Path, tmp_path: Path):
    folder = _small_annotations(tmp_path)
    target = workspace_dir / "data" / "annotations"
    shutil.rmtree(target)
    shutil.copytree(folder, target)
    out = tmp_path / "evaluering.csv"
    result = runner.invoke(app, ["evaluate", "--csv", str(out), "--dialect", "standard", "-w", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    assert "mikro" in result.output and "makro" in result.output and "Datasikkerhed" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == [*codebook.LABEL_IDS, "micro", "macro"]
    for r in rows[1:]:
        assert all(0.0 <= float(x) <= 1.0 for x in r[3:])
    support = [int(r[2]) for r in rows[1:11]]
    assert int(rows[11][2]) == sum(support)
    macro_f1 = sum(float(r[5]) for r in rows[1:11]) / 10
    assert float(rows[12][5]) == pytest.approx(macro_f1, abs=1e-5)


def test_evaluate_needs_two_documents(runner, workspace_dir: Path):
    folder = workspace_dir / "data" / "annotations"
    sentences = (folder / "sentences.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    (folder / "sentences.jsonl").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    gold = (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    (folder / "gold.jsonl").write_text("\n".join(gold) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "-w", str(workspace_dir)])
    assert result.exit_code == 1
    assert "mindst to dokumenter" in result.output


def test_compare_shows_each_focus_areas_measured_f1_after_evaluate(runner, workspace_dir: Path, tmp_path: Path):
    target = workspace_dir / "data" / "annotations"
    shutil.rmtree(target)
    shutil.copytree(_small_annotations(tmp_path), target)

    def shares_table() -> str:
        result = runner.invoke(app, ["compare", "hjoerring", "horsens", "-w", str(workspace_dir)])
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    before = shares_table()
    assert "kør 'strategikompas evaluate', så vises F1 pr. fokusområde her" in before and "F1 (målt)" not in before
    assert runner.invoke(app, ["evaluate", "-w", str(workspace_dir)]).exit_code == 0
    record = json.loads((workspace_dir / "results" / "evaluering.json").read_text(encoding="utf-8"))
    book = codebook.load(workspace_dir / "data" / "fokusomraader.toml")
    from strategikompas.classifier import model_id

    assert record["model"] == model_id(target, book) and record["sentences"] == 75
    shown = shares_table()
    assert "F1 (målt)" in shown
    assert all(f"│ {record['classifier'][lid]['f1']:.2f} │".replace('.', ',') in shown for lid in book.ids)
    from strategikompas import compare as cmp
    from strategikompas.workspace import open_workspace

    ws = open_workspace(workspace_dir)
    detail = cmp.details(ws, cmp.compare(ws, ["hjoerring", "horsens"], book), book=book)
    assert detail.accuracy == {lid: record["classifier"][lid]["f1"] for lid in book.ids}
    # the annotated set changes: the record measured another model and is not shown
    lines = (target / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    (target / "gold.jsonl").write_text("\n".join(lines[:-1]) + "\n" + lines[-1].replace('"labels": [', '"labels": ["data", ', 1) + "\n", encoding="utf-8")
    assert "kør 'strategikompas evaluate', så vises F1 pr. fokusområde her" in shares_table()


def test_written_set_agreement_and_gold_are_what_the_annotation_files_give():
    """The written set's kappas in README are computed from its two passes, and its gold is
    the two passes where they agree, the majority of three (with the tie-break) where not."""
    folder = ANNOTATIONS / "written"
    a, b = load_labels(folder / "annotator_a.jsonl"), load_labels(folder / "annotator_b.jsonl")
    c, gold = load_labels(folder / "annotator_c.jsonl"), load_labels(folder / "gold.jsonl")
    assert set(a) == set(b) == set(gold) and len(gold) >= 4000
    assert set(c) == {i for i in a if a[i] != b[i]}
    readme = (ANNOTATIONS / "README.md").read_text(encoding="utf-8")
    for row in agreement(a, b):
        assert f"| `{row.label}` | {row.kappa:.2f} | {row.a_count} | {row.b_count} | {row.both} |" in readme
    for sid in a:
        expected = a[sid] if a[sid] == b[sid] else {x for x in codebook.LABEL_IDS if (x in a[sid]) + (x in b[sid]) + (x in c[sid]) >= 2}
        assert gold[sid] == expected, sid
    rows = [json.loads(x) for x in (folder / "sentences.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["source"] == "written" and r["genre"] and r["doc"] for r in rows)
