"""classify: sentence rows with labels, scores and terms; the store; the versioned model."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from strategikompas import codebook
from strategikompas.annotations import load_gold
from strategikompas.classify import RECORD_KEYS
from strategikompas.cli import app
from strategikompas.store import SentenceRow, Store
from strategikompas.workspace import open_workspace

from conftest import small_annotations

LABELS = list(codebook.LABEL_IDS)

OUTSIDE_TEXT = """\
# Digital strategi for Testby Kommune

Vi vil beskytte borgernes personoplysninger og styrke informationssikkerheden i hele organisationen.

Medarbejderne skal have de digitale kompetencer, der skal til, og vi tilbyder kurser og efteruddannelse.

Kommunen afprøver kunstig intelligens og robotter (RPA) i pilotprojekter.
"""


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_classify_path_outside_corpus_prints_json_lines(classified_workspace: Path, runner, tmp_path: Path):
    doc = tmp_path / "testby.txt"
    doc.write_text(OUTSIDE_TEXT, encoding="utf-8")
    result = runner.invoke(app, ["classify", str(doc), "--jsonl", "-", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    rows = _jsonl(result.stdout)
    assert len(rows) == 3  # the heading is the document's title, not a sentence
    for row in rows:
        assert list(row) == RECORD_KEYS
        assert set(row["scores"]) == set(LABELS)
        assert all(0.0 <= s <= 1.0 for s in row["scores"].values())
        assert set(row["labels"]) <= set(LABELS)
        assert row["document"] == str(doc) and row["kommune"] is None
    assert [r["sentence_no"] for r in rows] == [1, 2, 3]
    security, skills, technology = rows
    assert "sikkerhed" in security["labels"] and "informationssikkerheden" in security["terms"]["sikkerhed"]
    assert "kompetencer" in skills["labels"]
    assert "teknologi" in technology["labels"]
    # labels are exactly the labels whose score reached the saved model's threshold
    from strategikompas.classifier import FocusModel

    saved = next(open_workspace(classified_workspace).models_dir.glob("fokusmodel-*.npz"))
    thresholds = FocusModel.from_bytes(saved.read_bytes())[0].thresholds
    for row in rows:
        assert row["labels"] == [lab for lab in LABELS if row["scores"][lab] >= thresholds[lab]]


def test_classify_corpus_stores_rows_and_csv(classified_workspace: Path, runner, tmp_path: Path):
    out = tmp_path / "saetninger.csv"
    jsonl = tmp_path / "rows.jsonl"
    result = runner.invoke(app, ["classify", "hjoerring", "--csv", str(out), "--jsonl", str(jsonl), "--dialect", "standard", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    rows = _jsonl(jsonl.read_text(encoding="utf-8"))
    ws = open_workspace(classified_workspace)
    with Store(ws.store_path) as store:
        stored = store.sentences("hjoerring/hjoerring-digitaliseringsstrategi-2030.txt")
        doc = store.document("hjoerring/hjoerring-digitaliseringsstrategi-2030.txt")
    assert len(stored) == len(rows) == doc["n_sentences"] > 50
    assert [r["sentence"] for r in rows] == [s.sentence for s in stored]
    assert {r["kommune"] for r in rows} == {"Hjørring"}
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:9] == ["kommune", "dokument", "afsnitstype", "afsnit", "side", "saetning_nr", "saetning", "overskrift", "fokusomraader"]
    assert header[9:19] == [f"score_{label}" for label in LABELS] and header[19:] == ["termer", "kontekst"]


def test_rerun_on_unchanged_documents_does_no_nlp_work(classified_workspace: Path):
    """A second classify reads the store: neither spaCy nor scikit-learn is imported."""
    first = subprocess.run(
        [sys.executable, "-m", "strategikompas", "classify", "horsens@2011-2015", "-w", str(classified_workspace)],
        capture_output=True, text=True, timeout=300,
    )
    assert first.returncode == 0, first.stderr
    assert "1 klassificeret" in first.stderr
    code = textwrap.dedent(
        f"""
        import sys
        from strategikompas import codebook, classify
        from strategikompas.workspace import open_workspace
        ws = open_workspace({str(classified_workspace)!r})
        run = classify.run(ws, ["horsens@2011-2015"], codebook.load(ws.codebook_path))
        print(len(run.report.unchanged), len(run.report.classified), len(run.records))
        print("spacy" in sys.modules, "sklearn" in sys.modules)
        """
    )
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    counts, modules = second.stdout.split("\n")[:2]
    unchanged, classified, n_rows = map(int, counts.split())
    assert (unchanged, classified) == (1, 0) and n_rows > 50
    assert modules == "False False"


def test_changed_document_is_classified_again(classified_workspace: Path, runner):
    runner.invoke(app, ["classify", "herning", "-w", str(classified_workspace)])
    ws = open_workspace(classified_workspace)
    path = next((ws.corpus / "herning").iterdir())
    path.write_text(path.read_text(encoding="utf-8") + "\n\nKommunen vil styrke cybersikkerheden.\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", "herning", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    assert "1 klassificeret, 0 uændret" in result.output
    with Store(ws.store_path) as store:
        doc_id = f"herning/{path.name}"
        assert store.sentences(doc_id)[-1].sentence == "Kommunen vil styrke cybersikkerheden."


def test_classify_xlsx_keeps_scores_as_numbers(classified_workspace: Path, runner, tmp_path: Path):
    import openpyxl

    out = tmp_path / "saetninger.xlsx"
    result = runner.invoke(app, ["classify", "herning", "--xlsx", str(out), "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    first = [c.value for c in sheet[2]]
    score = first[header.index("score_organisering")]
    assert isinstance(score, float) and 0.0 <= score <= 1.0
    assert first[header.index("kommune")] == "Herning"
    ws = open_workspace(classified_workspace)
    with Store(ws.store_path) as store:
        (n_sentences,) = store.db.execute("SELECT n_sentences FROM documents").fetchone()
    assert sheet.max_row - 1 == n_sentences


def test_corrupt_store_names_the_file_and_rebuild_starts_over(classified_workspace: Path, runner):
    ws = open_workspace(classified_workspace)
    ws.results_dir()
    ws.store_path.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(app, ["classify", "herning", "-w", str(classified_workspace)])
    assert result.exit_code == 2
    assert str(ws.store_path) in result.output and "--rebuild" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["classify", "herning", "--rebuild", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(ws.store_path) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_store_never_holds_half_a_document(tmp_path: Path):
    good = SentenceRow(1, "other", "", None, "Første sætning.", [], {}, {})
    with Store(tmp_path / "s.sqlite") as store:
        store.put_document("d", "K", "T", "sha", "fp", "p", [good], "now")
        bad = SentenceRow(1, "other", "", None, "Anden sætning.", [], {}, {})  # the primary key violated on the second row
        with pytest.raises(sqlite3.IntegrityError):
            store.put_document("d", "K", "T", "sha2", "fp", "p", [good, bad], "now")
        assert store.document("d")["sha256"] == "sha"  # the old version is intact
        assert [r.sentence for r in store.sentences("d")] == ["Første sætning."]


def test_one_bad_file_does_not_stop_the_others(classified_workspace: Path, runner, tmp_path: Path):
    good = tmp_path / "god.txt"
    good.write_text(OUTSIDE_TEXT, encoding="utf-8")
    bad = tmp_path / "tom.pdf"
    bad.write_bytes(b"%PDF-1.7\n% truncated")
    result = runner.invoke(app, ["classify", str(bad), str(good), "--jsonl", "-", "-w", str(classified_workspace)])
    assert result.exit_code == 1
    assert str(bad) in result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {r["document"] for r in rows} == {str(good)}


def test_unknown_kommune_is_a_usage_error(classified_workspace: Path, runner):
    result = runner.invoke(app, ["classify", "atlantis", "-w", str(classified_workspace)])
    assert result.exit_code == 2
    assert "atlantis" in result.output.lower()


def test_gold_labels_cover_every_annotated_sentence():
    from strategikompas.workspace import bundled_root

    sentences, gold = load_gold(bundled_root() / "data" / "annotations")
    assert len(sentences) >= 600
    assert len({s.source for s in sentences}) >= 6
    assert all(g <= set(LABELS) for g in gold)
    counts = {label: sum(label in g for g in gold) for label in LABELS}
    assert min(counts.values()) >= 15, counts  # every label has examples to learn from
    assert 0 < sum(not g for g in gold) < len(gold) // 2  # some sentences carry no label


def test_model_is_retrained_when_the_annotations_change(tmp_path: Path):
    from strategikompas.classifier import load_or_train, model_id
    from strategikompas.workspace import bundled_root

    annotations = small_annotations(tmp_path)  # a small set: training it takes a second
    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    models = tmp_path / "models"
    said: list[str] = []
    load_or_train(annotations, book, models)
    first = load_or_train(annotations, book, models, said.append)
    assert said == []  # the saved model is current: used, not retrained
    gold = annotations / "gold.jsonl"
    lines = gold.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    row["labels"] = [] if row["labels"] else ["borger"]
    gold.write_text("\n".join([json.dumps(row), *lines[1:]]) + "\n", encoding="utf-8")
    assert model_id(annotations, book) != first.id
    second = load_or_train(annotations, book, models, said.append)
    assert second.id != first.id and len(said) == 1 and "Træner" in said[0]
    assert [p.name for p in models.iterdir()] == [second.path.name]  # the stale model is gone


def test_damaged_model_file_is_rebuilt_not_used(tmp_path: Path):
    from strategikompas.classifier import load_or_train
    from strategikompas.workspace import bundled_root

    annotations = small_annotations(tmp_path)
    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    models = tmp_path / "models"
    saved = load_or_train(annotations, book, models).path
    saved.write_bytes(saved.read_bytes()[:100])
    said: list[str] = []
    trained = load_or_train(annotations, book, models, said.append)
    assert len(said) == 1 and "kan ikke bruges" in said[0] and str(saved) in said[0]
    assert trained.path.stat().st_size > 1000


def test_training_is_reproducible(tmp_path: Path):
    """Two trainings on the same annotated set (a small one, in two folders) give the same
    thresholds and scores, the second read back from its saved file."""
    from strategikompas.classifier import FocusModel, analyse, load_or_train
    from strategikompas.workspace import bundled_root

    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    annotations = small_annotations(tmp_path)
    fresh = load_or_train(annotations, book, tmp_path / "again", force=True)
    saved = load_or_train(annotations, book, tmp_path / "first", force=True).path
    before = FocusModel.from_bytes(saved.read_bytes())[0]
    assert fresh.model.thresholds == before.thresholds
    items = analyse(OUTSIDE_TEXT.split("\n\n"), book)
    assert (fresh.model.predict_proba(items) == before.predict_proba(items)).all()


def test_store_of_an_older_schema_is_started_over(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    with sqlite3.connect(path) as db:  # a version-1 store: no lemmas, no strategy
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', '1');"
            "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, kommune TEXT, title TEXT, sha256 TEXT NOT NULL, fingerprint TEXT NOT NULL,"
            " pipeline TEXT NOT NULL, n_sentences INTEGER NOT NULL, classified_at TEXT NOT NULL);"
            "INSERT INTO documents VALUES ('d', 'K', 'T', 'sha', 'fp', 'p', 0, 'now');"
            "CREATE TABLE sentences (doc_id TEXT NOT NULL, sentence_no INTEGER NOT NULL, section_kind TEXT, section_title TEXT, page INTEGER,"
            " sentence TEXT NOT NULL, labels TEXT NOT NULL, scores TEXT NOT NULL, terms TEXT NOT NULL, PRIMARY KEY (doc_id, sentence_no));"
        )
    with Store(path) as store:
        assert store.document("d") is None
        store.put_document("d", "K", "T", "sha", "fp", "p", [SentenceRow(1, "other", "", 3, "En sætning.", [], {}, {}, "en sætning")], "now",
                           strategy={"document_type": "strategi", "language": "da", "pages": 3})
        assert store.words(["d"])["d"] == {"sætning": 1}  # counted from the lemmas, which are not kept
        assert store.document("d")["document_type"] == "strategi"


SWEDISH = """\
Kommunens digitaliseringsstrategi ska göra det enklare för invånarna att använda e-tjänster.
Vi ska arbeta med informationssäkerhet och skydda personuppgifter i alla system.
Det är viktigt att medarbetarna får den kompetens som behövs för att använda ny teknik.
"""


def test_non_danish_document_is_skipped_unless_forced(classified_workspace: Path, runner, tmp_path: Path):
    doc = tmp_path / "strategi-sv.txt"
    doc.write_text(SWEDISH, encoding="utf-8")
    result = runner.invoke(app, ["classify", str(doc), "--jsonl", "-", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    assert "sprunget over" in result.output and str(doc) in result.output and "--force" in result.output
    assert "ligner svensk (sv), ikke dansk" in " ".join(result.output.split())
    assert not [line for line in result.stdout.splitlines() if line.startswith("{")]
    forced = runner.invoke(app, ["classify", str(doc), "--force", "--jsonl", "-", "-w", str(classified_workspace)])
    assert forced.exit_code == 0, forced.output
    rows = [json.loads(line) for line in forced.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == 3 and "sprunget over:" not in forced.output


def test_progress_is_told_how_many_documents_need_work(classified_workspace: Path):
    from strategikompas.classify import classify_documents
    from strategikompas.corpus import load_manifest

    ws = open_workspace(classified_workspace)
    book = codebook.load(ws.codebook_path)
    docs = [d for d in load_manifest(ws.manifest_path) if d.slug in ("herning", "hjoerring")]
    plans, steps = [], []
    report = classify_documents(ws, docs, book, steps.append, on_plan=plans.append)
    # documents are worked on at once, so they are announced in the order they finish
    assert plans == [2] and sorted(d.slug for d in steps) == sorted(d.slug for d in docs) and len(report.classified) == 2
    plans.clear()
    steps.clear()
    classify_documents(ws, docs, book, steps.append, on_plan=plans.append)
    assert plans == [] and steps == []  # nothing to do: no bar at all


def test_heading_without_full_stop_ran_into_the_next_paragraph_bug(classified_workspace: Path, runner, tmp_path: Path):
    """Sections hold several paragraphs; a heading line ("Pejlemærke 1") must stay its own sentence."""
    result = runner.invoke(app, ["classify", "hjoerring", "--jsonl", "-", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    sentences = [json.loads(line)["sentence"] for line in result.stdout.splitlines() if line.startswith("{")]
    assert "Pejlemærke 1" in sentences
    assert "Vi digitaliserer til gavn for borgere, erhverv og foreninger" in sentences
    assert not any(s.startswith("Pejlemærke 1 ") for s in sentences)


def test_list_mark_was_quoted_as_part_of_the_sentence_bug(classified_workspace: Path, runner, tmp_path: Path):
    """Bug: a list item's sentence began with the "- " that marks it in the section text,
    and the evidence quoted it ("»- det daglige møde med borgere og virksomheder«")."""
    doc = tmp_path / "liste.md"
    doc.write_text(
        "# Strategi\n\nVi vil især arbejde med:\n\n"
        "- det daglige møde med borgere og virksomheder\n"
        "- at understøtte politisk retning - også lokalt\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["classify", str(doc), "--jsonl", "-", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    sentences = [json.loads(line)["sentence"] for line in result.stdout.splitlines() if line.startswith("{")]
    assert "det daglige møde med borgere og virksomheder" in sentences
    assert "at understøtte politisk retning - også lokalt" in sentences  # a dash inside stays
    assert not any(s.startswith("-") for s in sentences)


def test_killed_classify_leaves_whole_documents_and_a_rerun_finishes(classified_workspace: Path):
    """A classify killed between documents (SIGKILL: no clean-up runs) leaves every stored
    document whole, and the next run classifies only what is missing."""
    import re
    import signal
    import time

    store = open_workspace(classified_workspace).store_path
    cmd = [sys.executable, "-m", "strategikompas", "classify", "-w", str(classified_workspace)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240

    def stored() -> int:
        if not store.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
                return db.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0

    while stored() < 1 and proc.poll() is None:
        assert time.monotonic() < deadline, "no document was stored"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = db.execute(
            "SELECT d.n_sentences, (SELECT count(*) FROM sentences s WHERE s.doc_id = d.doc_id) FROM documents d"
        ).fetchall()
    assert counts and all(n == k > 0 for n, k in counts)
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    done = re.search(r"(\d+) klassificeret, (\d+) uændret", rerun.stderr)
    from strategikompas.corpus import load_manifest

    in_corpus = len(load_manifest(classified_workspace / "corpus" / "manifest.csv"))
    assert done and int(done.group(2)) == len(counts) and int(done.group(1)) + len(counts) == in_corpus


def test_a_planted_model_file_runs_no_code(tmp_path: Path):
    """Issue: a pickle planted as results/models/fokusmodel-<id>.pkl ran code on the next
    classify. Models are .npz read with allow_pickle=False: a planted pickle under the
    model's own name is refused as unreadable and trained again, and its code never runs."""
    import pickle

    from strategikompas.classifier import MODEL_PREFIX, MODEL_SUFFIX, load_or_train, model_id
    from strategikompas.workspace import bundled_root

    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (Path.touch, (marker,))

    root = bundled_root()
    annotations = small_annotations(tmp_path)  # a small set: training it takes a second
    book = codebook.load(root / "data" / "fokusomraader.toml")
    models = tmp_path / "models"
    models.mkdir()
    mid = model_id(annotations, book)
    for name in (f"{MODEL_PREFIX}{mid}{MODEL_SUFFIX}", f"{MODEL_PREFIX}{mid}.pkl"):
        (models / name).write_bytes(pickle.dumps({"id": mid, "model": Planted()}))
    said: list[str] = []
    trained = load_or_train(annotations, book, models, said.append)
    assert not marker.exists()
    assert said and "kan ikke bruges" in said[0]
    assert trained.path.suffix == MODEL_SUFFIX and not list(models.glob("*.pkl"))


def _stored(store_path: Path) -> list[tuple]:
    with sqlite3.connect(store_path) as db:
        return db.execute(
            "SELECT doc_id, sentence_no, sentence, labels, scores, terms, context, heading FROM sentences ORDER BY doc_id, sentence_no"
        ).fetchall() + db.execute("SELECT doc_id, n_sentences, label_counts, digest, words, hashes FROM documents ORDER BY doc_id").fetchall()


def test_documents_worked_on_at_once_store_what_one_process_stores(workspace_dir: Path, tmp_path: Path):
    """Two worker processes (the default on two cores) give the same rows, labels and scores
    as one process, and the counts stored with each document match its sentences."""
    from strategikompas.classify import classify_documents
    from strategikompas.corpus import load_manifest

    from conftest import copy_tree

    other = copy_tree(workspace_dir, tmp_path / "one-job")
    results = {}
    for root, jobs in ((workspace_dir, 2), (other, 1)):
        ws = open_workspace(root)
        report = classify_documents(ws, load_manifest(ws.manifest_path), codebook.load(ws.codebook_path), jobs=jobs)
        assert len(report.classified) == 5 and not report.failed
        results[jobs] = _stored(ws.store_path)
    assert results[2] == results[1] and len(results[1]) > 300  # sentences, and what is kept with each document
    with Store(open_workspace(workspace_dir).store_path) as store:
        for doc_id, (n, counts) in store.counts(sorted({r[0] for r in results[2]})).items():
            rows = store.sentences(doc_id)
            assert n == len(rows) and counts == Counter(lab for r in rows for lab in r.labels)


def test_a_worker_that_dies_takes_only_its_own_document(workspace_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """A worker process that dies on a document (a crash inside a PDF library, say) costs
    that document only: it is reported as failed, the others are stored."""
    import os

    from strategikompas import classify
    from strategikompas.corpus import load_manifest

    parent = os.getpid()
    real = classify._process

    def dies_on_herning(ws, kommune, path, book, model, force):
        if kommune == "Herning" and os.getpid() != parent:
            os._exit(9)
        return real(ws, kommune, path, book, model, force)

    monkeypatch.setattr(classify, "_process", dies_on_herning)
    ws = open_workspace(workspace_dir)
    report = classify.classify_documents(ws, load_manifest(ws.manifest_path), codebook.load(ws.codebook_path), jobs=2)
    assert list(report.failed) == ["herning/herning-kommissorium-digitaliseringsstrategi-2021-2024.txt"]
    assert "stoppede uventet" in next(iter(report.failed.values()))
    assert len(report.classified) == 4


def test_summary_adds_up_a_kommunes_versions(classified_workspace: Path, runner):
    """The summary has a column per kommune, not per document: horsens's two versions are
    one column of their sentences added up, with the number of documents."""
    from strategikompas.classify import run

    ws = open_workspace(classified_workspace)
    result = run(ws, [], codebook.load(ws.codebook_path), records=False)
    assert result.records == []
    by_name = {t.name: t for t in result.tallies}
    assert by_name["Horsens"].documents == 2 and len(by_name) == 4
    with Store(ws.store_path) as store:
        horsens = [d for d in result.documents if d.slug == "horsens"]
        assert by_name["Horsens"].sentences == sum(len(store.sentences(d.doc_id)) for d in horsens)
    shown = runner.invoke(app, ["classify", "-w", str(classified_workspace)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    documents = next(line for line in lines if line.startswith("│ dokumenter"))
    assert documents.replace("│", " ").split() == ["dokumenter", *(str(t.documents) for t in result.tallies)]


def test_summary_of_many_kommuner_is_a_row_each(capsys):
    """Above six kommuner the summary is a row per kommune (its documents, sentences and
    largest focus areas), not a column each: 98 columns would not fit a terminal."""
    from strategikompas.classify import ClassifyReport, ClassifyRun, Tally
    from strategikompas.cli import classify as cli_classify
    from strategikompas.workspace import bundled_root

    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    tallies = []
    for i in range(8):
        tally = Tally(f"Kommune {i}")
        tally.add(100, {"data": 10 + i, "borger": 5})
        tallies.append(tally)
    cli_classify._summary(ClassifyRun(ClassifyReport(), [], [], [], tallies), book)
    shown = capsys.readouterr().err
    lines = [line for line in shown.splitlines() if line.startswith("│ Kommune ")]
    assert len(lines) == 8
    assert "Kommune 7 │          1 │       100 │ Data og datainformeret ledelse 17 %" in lines[7]
    flat = " ".join(shown.replace("│", " ").split())  # the focus areas' cell may wrap
    assert "Kommune 7 1 100 Data og datainformeret ledelse 17 %, Borgeren i centrum 5 %" in flat


def test_ctrl_c_stops_a_parallel_classify_and_its_workers_at_once(tmp_path: Path, trained_models: Path):
    """Ctrl-C during a run on both cores: the run ends within seconds with the Danish line
    and exit 130 (not after the workers finish their documents), no worker is left
    running, no traceback is printed, and what was stored is whole."""
    import importlib.util
    import signal
    import time

    from conftest import ROOT, sigint_as_usual

    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "bench_scale.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    root = bench.build_corpus(tmp_path / "ws", 40, trained_models)
    store = root / "results" / "strategikompas.sqlite"
    cmd = [sys.executable, "-m", "strategikompas", "classify", "--jobs", "2", "-w", str(root)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=sigint_as_usual)

    def stored() -> int:
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
                return db.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.OperationalError:
            return 0

    deadline = time.monotonic() + 240
    while stored() < 1 and proc.poll() is None:
        assert time.monotonic() < deadline, "no document was stored"
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    children = [int(c) for c in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
    assert children, "no worker processes"
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - start < 10, "Ctrl-C waited for the workers' documents"
    assert proc.returncode == 130 and "Afbrudt (Ctrl-C)" in err and "Traceback" not in err, err
    time.sleep(1)
    assert not [c for c in children if Path(f"/proc/{c}").exists() and "Z" not in Path(f"/proc/{c}/stat").read_text().split()[2]]
    with sqlite3.connect(store) as db:
        counts = db.execute("SELECT d.n_sentences, (SELECT count(*) FROM sentences s WHERE s.doc_id = d.doc_id) FROM documents d").fetchall()
    assert counts and all(n == k > 0 for n, k in counts) and len(counts) < 40


def _sleep_a_while(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def test_ctrl_c_pool_stop_forgot_the_manager_thread_because_shutdown_had_cleared_it():
    """The bug: on Ctrl-C the pool's manager thread was looked up after ``shutdown``, which
    sets it to None, so it was neither waited for nor taken out of concurrent.futures' exit
    hook, and the hook could still write to its closing pipe ("Bad file descriptor" after
    the Danish line). Stopping a busy pool now waits for that thread and leaves the hook
    nothing to wake for it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import process as futures_process

    from strategikompas.classify import _stop_pool

    pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
    for _ in range(4):
        pool.submit(_sleep_a_while, 30)
    manager = pool._executor_manager_thread
    assert manager is not None and manager in futures_process._threads_wakeups
    workers = list(pool._processes.values())
    _stop_pool(pool)
    assert not manager.is_alive()
    assert manager not in futures_process._threads_wakeups
    for process in workers:
        process.join(timeout=5)
        assert not process.is_alive()


SECURITY_NEIGHBOURS = [
    "Informationssikkerhedspolitikken gælder for alle medarbejdere og leverandører med adgang til kommunens systemer.",
    "Kommunen beskytter sine informationer mod uautoriseret adgang, tab og misbrug.",
    "Fortrolighed: at oplysninger kun ses af dem, der har ret til det.",
    "Tilgængelighed: at systemerne kan bruges, når der er brug for dem.",
]
HELP_NEIGHBOURS = [
    "Sådan bestiller du et nyt sundhedskort på borger.dk.",
    "Log ind med MitID og vælg det kort, du vil bestille.",
    "Integritet: at oplysningerne er korrekte og hele.",
    "Kortet sendes til din adresse i løbet af to uger.",
]


def _trained(folder: Path):
    from strategikompas.classifier import FocusModel

    saved = next(folder.glob("fokusmodel-*.npz"))
    return FocusModel.from_bytes(saved.read_bytes())[0]


def test_a_sentence_is_scored_in_the_context_of_its_document(trained_models: Path):
    """The same line scores higher for sikkerhed among the lines of a security policy than
    among the steps of a help page: the second stage reads the document around it."""
    from strategikompas.classifier import analyse
    from strategikompas.workspace import bundled_root

    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    model = _trained(trained_models)
    line = "Integritet: at oplysningerne er korrekte og hele."
    policy = SECURITY_NEIGHBOURS[:2] + [line] + SECURITY_NEIGHBOURS[2:]
    help_page = HELP_NEIGHBOURS
    j = book.ids.index("sikkerhed")
    in_policy = model.predict_proba(analyse(policy, book))[2, j]
    on_help_page = model.predict_proba(analyse(help_page, book))[2, j]
    assert in_policy > on_help_page + 0.05


def test_documents_scored_together_score_as_each_alone(trained_models: Path):
    """``documents`` keeps each document's context to itself: two documents in one call
    score as each does in a call of its own."""
    import numpy as np

    from strategikompas.classifier import analyse
    from strategikompas.workspace import bundled_root

    book = codebook.load(bundled_root() / "data" / "fokusomraader.toml")
    model = _trained(trained_models)
    first, second = analyse(SECURITY_NEIGHBOURS, book), analyse(HELP_NEIGHBOURS, book)
    together = model.predict_proba(first + second, ["a"] * len(first) + ["b"] * len(second))
    alone = np.vstack([model.predict_proba(first), model.predict_proba(second)])
    assert np.allclose(together, alone)
    assert not np.allclose(model.predict_proba(first + second), alone)  # one document: the context reaches across


def test_second_stage_on_made_up_sentences_keeps_labels_always_or_never_given():
    """Without spaCy: a label no training sentence has is never given, one every sentence has
    always is, and the document names must match the sentences one for one."""
    import numpy as np

    from strategikompas.classifier import Analysed, FocusModel

    words = ["sikkerhed adgangskode", "borger selvbetjening", "data analyse", "møde dagsorden"]
    items = [Analysed(w, w, {}) for w in words * 6]
    y = np.array([[True, i % 4 == 0, False] for i in range(len(items))])
    groups = [f"d{i // 4}" for i in range(len(items))]
    model = FocusModel(["altid", "sikkerhed", "aldrig"]).fit(items, y, groups)
    predicted = model.predict(items, groups)
    assert predicted[:, 0].all() and not predicted[:, 2].any()
    assert (predicted[:, 1] == y[:, 1]).mean() > 0.9
    with pytest.raises(ValueError):
        model.predict_proba(items, groups[:3])
