"""Sentences -> focus-area labels, stored per document in the results store.

Each section of an extracted strategy is split into sentences by the Danish pipeline; each
sentence gets a score per label from the trained classifier (``classifier.py``), the labels
whose score reaches the label's threshold, and the codebook terms that matched (the
evidence an analyst can check)."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from . import codebook as cb
from .classifier import analyse_tokens, load_or_train, model_id
from .corpus import Document, load_manifest
from .errors import InputError, os_problem
from .extract import extract_cached
from .extract.cache import CACHE_FOLDER
from .extract.detect import detect
from .extract.meta import language_name
from .extract.model import page_span
from .extract.structure import HEADING_MARK
from .fileio import sha256_file, usable_cores
from .names import file_or_kommune
from .nlp import pipeline, pipeline_id
from .revisions import ALGORITHM, EXTRACTOR_VERSION
from .store import Kept, SentenceRow, Store
from .versions import select
from .workspace import Workspace


def fingerprint(ws: Workspace, book: cb.Codebook) -> str:
    """Results made with another tool version, algorithm, pipeline, codebook or model are stale.
    Computed without importing spaCy or scikit-learn."""
    return f"{__version__}|a{ALGORITHM}|x{EXTRACTOR_VERSION}|{pipeline_id()}|codebook:{book.version}|{model_id(ws.annotations_dir, book)}"


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LIST_MARK = re.compile(r"^\s*- ")
LEAD_WORDS = 15


def sentence_rows(sections: list, book: cb.Codebook, model) -> list[SentenceRow]:
    """Split each section into sentences and label each with ``model`` (a FocusModel)."""
    nlp, _ = pipeline()
    # A paragraph break always ends a sentence: headings, list items and lead lines carry
    # no final full stop, and the sentencizer would run them into the next paragraph.
    # A list item's "- " marks the structure (extract.structure); the sentence is the text.
    paragraphs = []  # (section, text, the lead-in of a list item, whether it is a heading)
    for section in sections:
        lead = ""
        for p in PARAGRAPH_BREAK.split(section.text):
            if not p.strip():
                continue
            if LIST_MARK.match(p):
                paragraphs.append((section, LIST_MARK.sub("", p), lead, False))
            elif p.startswith(HEADING_MARK):
                paragraphs.append((section, p[len(HEADING_MARK):], "", True))
                lead = ""
            else:
                paragraphs.append((section, p, "", False))
                lead = lead_in(p)
    found = []
    for (section, _, lead, heading), doc in zip(paragraphs, nlp.pipe([p for _, p, _, _ in paragraphs]), strict=True):
        sents = [doc[:]] if heading else list(doc.sents)  # a heading is one sentence, whatever its punctuation
        for k, sent in enumerate(sents):
            item = analyse_tokens(sent, book)
            if item is not None:
                found.append((section, sent.text.strip(), item, lead if k == 0 else "", heading))
    if not found:
        return []
    proba = model.predict_proba([f[2] for f in found])
    rows = []
    for n, ((section, text, item, lead, heading), scores) in enumerate(zip(found, proba, strict=True), start=1):
        score_map = {label: round(float(s), 4) for label, s in zip(book.ids, scores, strict=True)}
        labels = [label for label in book.ids if score_map[label] >= model.thresholds[label]]
        rows.append(SentenceRow(n, section.kind, section.title, section.page, text, labels, score_map, item.terms, item.lemmas, lead, heading))
    return rows


def lead_in(paragraph: str) -> str:
    """The words a list continues ("Uanset, om vi er optaget af" / "- det daglige møde ..."):
    the paragraph's last sentence when it ends with a colon or without a full stop, at most
    LEAD_WORDS words of it; "" when it ends a sentence."""
    text = " ".join(paragraph.split()).rstrip(":").rstrip()
    if not text or paragraph.rstrip()[-1:] in ".!?":
        return ""
    last = re.split(r"(?<=[.!?])\s+", text)[-1]
    words = last.split()
    return " ".join(words) if len(words) <= LEAD_WORDS else "… " + " ".join(words[-LEAD_WORDS:])


def extractor_name(path: Path, strategy=None) -> str:
    """Which reader and extractor version read the document, for the facts compare shows
    ("pdf + OCR s. 1-3" when pages were read by OCR)."""
    try:
        kind = detect(path)
    except Exception:  # the document was read a moment ago; this is a label only
        kind = path.suffix.lstrip(".").lower() or "?"
    ocr_pages = getattr(strategy, "ocr_pages", None)
    if ocr_pages:
        kind += f" + OCR s. {page_span(ocr_pages)}"
    return f"{kind} (udtræk {EXTRACTOR_VERSION})"


def _extract(ws: Workspace, path: Path, kommune: str | None):
    """The document's structure through the workspace's extraction cache."""
    return extract_cached(path, ws.results / CACHE_FOLDER, kommune=kommune)


def extract_target(ws: Workspace, target: str, kommune: str | None = None):
    """A path on disk, or else a document of the corpus (a kommune's newest, ``horsens@2011-2015``
    or a corpus file), through the workspace's extraction cache: ``strategikompas extract``."""
    path = file_or_kommune(target)
    if isinstance(path, Path):
        return _extract(ws, path, kommune)
    doc = select(ws, [target])[0].document
    return _extract(ws, doc.path(ws.corpus), doc.kommune)


@dataclass
class ClassifyReport:
    classified: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # not Danish, no sentences
    failed: dict[str, str] = field(default_factory=dict)
    model: str = ""


def _warn(message: str) -> None:
    print(f"strategikompas: {message}", file=sys.stderr)


class _LazyModel:
    """Loads (or trains) the model the first time a document needs it."""

    def __init__(self, ws: Workspace, book: cb.Codebook, announce: Callable[[str], None]):
        self.ws, self.book, self.announce, self._trained = ws, book, announce, None

    def get(self):
        if self._trained is None:
            self._trained = load_or_train(self.ws.annotations_dir, self.book, self.ws.models_dir, self.announce)
        return self._trained


def _language_problem(strategy, force: bool) -> str | None:
    language = getattr(strategy, "language", "da") or "da"
    if language != "da" and not force:
        return f"teksten ligner {language_name(language)}, ikke dansk: sprunget over (brug --force for at klassificere den alligevel)"
    return None


JOBS_ENV = "STRATEGIKOMPAS_JOBS"


def jobs_to_use(jobs: int | None = None) -> int:
    """Documents worked on at once: ``jobs`` (--jobs), else ``STRATEGIKOMPAS_JOBS``, else the
    cores this process may use (at most 8)."""
    value = os.environ.get(JOBS_ENV, "").strip() if jobs is None else str(jobs)
    if value:
        name = "--jobs" if jobs is not None else JOBS_ENV
        try:
            number = int(value)
        except ValueError:
            raise InputError(f"{name} skal være et helt tal (antal dokumenter, der behandles ad gangen), ikke {value!r}.") from None
        if number < 1:
            raise InputError(f"{name} skal være mindst 1.")
        return number
    return max(1, min(8, usable_cores()))


@dataclass
class _Outcome:
    """What working on one document gave: rows (with extraction's warnings: pages read by
    OCR or left unread, characters the fonts do not map), or why not."""

    rows: list[SentenceRow] = field(default_factory=list)
    strategy: dict | None = None
    extractor: str = ""
    warnings: list[str] = field(default_factory=list)
    skipped: str | None = None  # the problem (not Danish, no sentences), without the path
    failed: str | None = None  # the error, naming the path
    kept: Kept | None = None  # what the store keeps beside the rows, made with them


def _process(
    ws: Workspace, kommune: str | None, path: Path, book: cb.Codebook, model: Callable[[], object], force: bool, keep: bool = True
) -> _Outcome:
    """Extract and classify one document (``model()`` gives the FocusModel, asked for only
    when there are sentences to score), with what the store keeps beside its rows when
    ``keep``; any error is the outcome, never raised."""
    try:
        strategy = _extract(ws, path, kommune)
        problem = _language_problem(strategy, force)
        if problem is None:
            rows = sentence_rows(strategy.sections, book, model())
            problem = None if rows else "ingen sætninger fundet"
    except InputError as exc:
        return _Outcome(failed=str(exc) if str(path) in str(exc) else f"{path}: {exc}")
    except Exception as exc:  # one bad document never stops the others
        return _Outcome(failed=f"{path}: {type(exc).__name__}: {exc}")
    if problem:
        return _Outcome(skipped=problem)
    data = strategy.to_json_dict()
    return _Outcome(rows, data, extractor_name(path, strategy), list(strategy.warnings), kept=Kept.of(rows, data) if keep else None)


# A worker process's job, inherited from the parent when the pool forks (nothing is pickled
# but the documents sent and the outcomes returned).
_WORKER: tuple | None = None


def _start_worker(parent: int) -> None:
    """In a new worker: Ctrl-C is the parent's to handle (it stops the run and the workers);
    stdout and stderr are fresh objects (the parent's may have been locked by its progress
    bar's thread at the moment of the fork); and the worker ends when the run that started
    it is gone (killed, say), instead of living on as an orphan holding the run's output."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while it forked
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115  (lives as long as the process)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _work(doc: Document, path: Path) -> _Outcome:
    assert _WORKER is not None, "a worker without its job"
    ws, book, model, force = _WORKER
    return _process(ws, doc.kommune, path, book, lambda: model, force)


def _outcomes(ws: Workspace, pending: list, book: cb.Codebook, model, force: bool, jobs: int) -> Iterator[tuple]:
    """(doc, digest, outcome) for each pending document, in the order they finish.

    With more than one job and more than one document (on Linux, where processes fork
    safely), documents are worked on in forked processes that inherit the loaded pipeline
    and model; this process alone writes the store. A worker that dies (a crash in a PDF
    library, the memory killer) takes only its document: the documents it held are retried
    one process each, the one that kills its process again is reported as failed, and the
    rest go on in a new pool. Ctrl-C stops the workers at once."""
    if jobs <= 1 or len(pending) <= 1 or not sys.platform.startswith("linux"):
        for doc, path, digest in pending:
            yield doc, digest, _process(ws, doc.kommune, path, book, lambda: model, force)
        return

    global _WORKER
    pipeline()  # loaded once here (with its lemma table); the workers inherit it
    _WORKER = (ws, book, model, force)
    waiting = list(range(len(pending)))[::-1]  # documents not yet sent, the next one last
    try:
        while waiting:
            lost: list[int] = []  # held by a worker that died
            yield from _pool_run(pending, waiting, lost, min(jobs, len(waiting)))
            for i in sorted(lost):  # each in a process of its own: the one that kills it again is the culprit
                doc, path, digest = pending[i]
                outcome = next(iter(_pool_run(pending, [i], [], 1)), None)
                yield outcome if outcome is not None else (doc, digest, _Outcome(
                    failed=f"{path}: behandlingen stoppede uventet (processen, der læste dokumentet, døde)"))
    finally:
        _WORKER = None


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop ``pool``'s workers at once (Ctrl-C), without waiting for their documents.

    The pool's manager thread closes its wake-up pipe once it sees the workers gone; if
    that happens while the interpreter exits, concurrent.futures' exit hook (which wakes
    every pool's thread) writes to the pipe as it closes and prints a traceback ("Bad file
    descriptor") after the Danish line (Python 3.11). So the thread is waited for, briefly,
    and the hook is told to leave this pool alone (it is woken already; its thread, if still
    running, ends on its own and is joined at exit). The thread is taken before
    ``shutdown``, which forgets it."""
    from concurrent.futures import process as futures_process

    manager = getattr(pool, "_executor_manager_thread", None)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(timeout=5)
        getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)


def _pool_run(pending: list, waiting: list[int], lost: list[int], workers: int) -> Iterator[tuple]:
    """Run documents from ``waiting`` (popped from the end) in a pool of ``workers`` forked
    processes, a few in flight per worker (a finished document's rows are stored and let
    go, so memory does not grow with the corpus). When a worker dies the pool stops taking
    documents: those it held go to ``lost``, the rest stay in ``waiting``."""
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
    running: dict = {}
    try:
        broken = False
        while (waiting and not broken) or running:
            while waiting and not broken and len(running) < 2 * workers:
                i = waiting.pop()
                # a worker may be forked by this submit: Ctrl-C waits until it ignores Ctrl-C itself
                blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    running[pool.submit(_work, pending[i][0], pending[i][1])] = i
                except BrokenProcessPool:
                    broken = True
                    waiting.append(i)
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                i = running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    lost.append(i)
                    continue
                yield pending[i][0], pending[i][2], outcome
        pool.shutdown(wait=True)
    except BaseException:  # Ctrl-C, or the caller stopped: the workers stop now, not after their documents
        _stop_pool(pool)
        raise


def classify_documents(
    ws: Workspace,
    docs: list[Document],
    book: cb.Codebook,
    on_document: Callable[[Document], None] | None = None,
    force: bool = False,
    announce: Callable[[str], None] = _warn,
    on_plan: Callable[[int], None] | None = None,
    jobs: int | None = None,
) -> ClassifyReport:
    """Classify every document that is not current in the store, ``jobs`` at a time (the
    cores, by default). One bad document is reported in ``failed`` and never stops the
    others; each document is stored as soon as it is done, so an interrupted run resumes
    where it stopped. ``on_plan`` is told how many documents need work, then
    ``on_document`` is called as each of them is done (not for unchanged ones): a
    progress bar's total and steps."""

    report = ClassifyReport()
    workers = jobs_to_use(jobs)  # a bad value is an error before any work
    fp = fingerprint(ws, book)
    with Store(ws.results_dir() / ws.store_path.name) as store:
        pending = []
        for doc in docs:
            path: Path = doc.path(ws.corpus)
            try:
                digest = sha256_file(path)
            except OSError as exc:
                report.failed[doc.doc_id] = f"{path}: {os_problem(exc)}"
                continue
            if store.is_current(doc.doc_id, digest, fp):
                report.unchanged.append(doc.doc_id)
            else:
                pending.append((doc, path, digest))
        if not pending:
            return report
        if on_plan:
            on_plan(len(pending))
        trained = load_or_train(ws.annotations_dir, book, ws.models_dir, announce)  # before the workers fork: they share it
        for doc, digest, outcome in _outcomes(ws, pending, book, trained.model, force, workers):
            if on_document:  # only documents that need NLP work are announced
                on_document(doc)
            if outcome.failed:
                report.failed[doc.doc_id] = outcome.failed
                continue
            if outcome.skipped:
                report.skipped[doc.doc_id] = f"{doc.path(ws.corpus)}: {outcome.skipped}"
                continue
            for warning in outcome.warnings:
                announce(warning)
            store.put_document(
                doc.doc_id, doc.kommune, doc.title, digest, fp, pipeline_id(), outcome.rows, dt.datetime.now().isoformat(timespec="seconds"),
                strategy=outcome.strategy, extractor=outcome.extractor, kept=outcome.kept,
            )
            report.classified.append(doc.doc_id)
        report.model = trained.id
    return report


# -- sentence records for --jsonl / --csv ---------------------------------------------

RECORD_KEYS = ["kommune", "document", "section_kind", "section_title", "page", "sentence_no", "sentence", "heading", "labels", "scores", "terms"]


def jsonl(records: list[dict]) -> str:
    """Sentence records as JSON lines (--jsonl): the keys of RECORD_KEYS, one record a line."""
    return "".join(json.dumps({k: r[k] for k in RECORD_KEYS}, ensure_ascii=False) + "\n" for r in records)


def record(kommune: str | None, document: str, row: SentenceRow) -> dict:
    return {
        "kommune": kommune,
        "document": document,
        "section_kind": row.section_kind,
        "section_title": row.section_title,
        "page": row.page,
        "sentence_no": row.sentence_no,
        "sentence": row.sentence,
        "heading": row.heading,
        "labels": list(row.labels),
        "scores": dict(row.scores),
        "terms": dict(row.terms),
        "context": row.context,  # not in --jsonl (its keys are RECORD_KEYS); the tables' kontekst
    }


def stored_records(ws: Workspace, docs: list[Document]) -> Iterator[dict]:
    """The stored sentence rows of these documents, as records."""
    with Store(ws.store_path) as store:
        for doc in docs:
            for row in store.sentences(doc.doc_id):
                yield record(doc.kommune, doc.doc_id, row)


@dataclass
class PathResult:
    path: Path
    records: list[dict] = field(default_factory=list)
    skipped: str | None = None  # not Danish, no sentences
    error: str | None = None  # could not be read


def classify_paths(
    ws: Workspace, paths: list[Path], book: cb.Codebook, kommune: str | None = None, force: bool = False, announce: Callable[[str], None] = _warn
) -> list[PathResult]:
    """Classify files outside the corpus (nothing is stored). One bad file never stops the others."""
    model = _LazyModel(ws, book, announce)
    results = []
    for path in paths:
        outcome = _process(ws, kommune, Path(path), book, lambda: model.get().model, force, keep=False)
        for warning in outcome.warnings:
            announce(warning)
        found_in = (outcome.strategy or {}).get("kommune")
        records = [record(found_in, str(path), r) for r in outcome.rows]
        results.append(PathResult(Path(path), records, outcome.skipped, outcome.failed))
    return results


@dataclass
class Tally:
    """A kommune's (or an outside file's) sentences and how many carry each label: the
    summary classify prints, from the counts stored with each document."""

    name: str
    documents: int = 0
    sentences: int = 0
    labels: Counter[str] = field(default_factory=Counter)

    def add(self, sentences: int, labels: dict[str, int]) -> None:
        self.documents += 1
        self.sentences += sentences
        self.labels.update(labels)

    def share(self, label: str) -> float:
        return self.labels.get(label, 0) / self.sentences if self.sentences else 0.0


@dataclass
class ClassifyRun:
    """What ``strategikompas classify`` did: the corpus documents and any outside files."""

    report: ClassifyReport
    documents: list[Document]  # corpus documents asked for (their rows are in the store)
    paths: list[PathResult]
    records: list[dict]  # every sentence row of the documents and paths, in order (when asked for)
    tallies: list[Tally] = field(default_factory=list)  # one per kommune, then one per outside file

    @property
    def failed(self) -> dict[str, str]:
        return {**self.report.failed, **{str(p.path): p.error for p in self.paths if p.error}}

    @property
    def skipped(self) -> dict[str, str]:
        return {**self.report.skipped, **{str(p.path): f"{p.path}: {p.skipped}" for p in self.paths if p.skipped}}


def tallies(ws: Workspace, docs: list[Document], paths: list[PathResult]) -> list[Tally]:
    """The summary per kommune (its documents' stored counts added up), then per outside file."""
    found: dict[str, Tally] = {}
    if docs:
        with Store(ws.store_path) as store:
            counts = store.counts([d.doc_id for d in docs])
        for doc in docs:
            if doc.doc_id in counts:
                found.setdefault(doc.kommune or doc.doc_id, Tally(doc.kommune or doc.doc_id)).add(*counts[doc.doc_id])
    out = list(found.values())
    for result in paths:
        if result.records:
            tally = Tally(result.path.name)
            tally.add(len(result.records), Counter(label for r in result.records for label in r["labels"]))
            out.append(tally)
    return out


def rebuild_store(ws: Workspace) -> None:
    """Start the results store over (a corrupt store, or on request)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{ws.store_path}{suffix}").unlink(missing_ok=True)


def run(
    ws: Workspace,
    targets: list[str],
    book: cb.Codebook,
    *,
    kommune: str | None = None,
    force: bool = False,
    rebuild: bool = False,
    on_document: Callable[[Document], None] | None = None,
    announce: Callable[[str], None] = _warn,
    on_plan: Callable[[int], None] | None = None,
    records: bool = True,
    jobs: int | None = None,
) -> ClassifyRun:
    """Classify kommuner of the corpus (all by default) and files given by path. Every
    sentence row is read back only when ``records`` (for --jsonl, --csv ...); the summary
    needs the stored counts alone."""

    if rebuild:
        rebuild_store(ws)

    resolved = [file_or_kommune(t) for t in targets]
    paths = [t for t in resolved if isinstance(t, Path)]
    names = [t for t in resolved if not isinstance(t, Path)]
    docs: list[Document] = []
    if names or not paths:
        manifest = load_manifest(ws.manifest_path)
        if names:
            docs = [s.document for s in select(ws, names)]  # "horsens" (its newest) or "horsens@2011-2015"
        else:
            docs = manifest
    report = classify_documents(ws, docs, book, on_document, force=force, announce=announce, on_plan=on_plan, jobs=jobs)
    path_results = classify_paths(ws, paths, book, kommune=kommune, force=force, announce=announce) if paths else []
    current = [d for d in docs if d.doc_id in report.classified or d.doc_id in report.unchanged]
    rows = list(stored_records(ws, current)) if current and records else []
    for result in path_results:
        rows.extend(result.records)
    return ClassifyRun(report, docs, path_results, rows, tallies(ws, current, path_results))


def csv_rows(records: list[dict], label_ids: list[str]) -> tuple[list[str], list[list[object]]]:
    """Sentence records as one flat table: labels joined, one score column per label."""
    columns = ["kommune", "dokument", "afsnitstype", "afsnit", "side", "saetning_nr", "saetning", "overskrift", "fokusomraader"]
    columns += [f"score_{label}" for label in label_ids] + ["termer", "kontekst"]
    rows = []
    for r in records:
        terms = "; ".join(f"{label}: {', '.join(words)}" for label, words in r["terms"].items())
        rows.append(
            [r["kommune"] or "", r["document"], r["section_kind"], r["section_title"], r["page"], r["sentence_no"], r["sentence"], "ja" if r.get("heading") else "nej", ", ".join(r["labels"])]
            + [r["scores"].get(label, 0.0) for label in label_ids]
            + [terms, r["context"]]
        )
    return columns, rows
