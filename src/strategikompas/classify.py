"""Sentences -> focus-area labels, stored per document in the results store.

Each section of an extracted strategy is split into sentences by the Danish pipeline; each
sentence gets a score per label from the trained classifier (``classifier.py``), the labels
whose score reaches the label's threshold, and the codebook terms that matched (the
evidence an analyst can check)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from . import codebook as cb
from .corpus import Document
from .errors import InputError, os_problem
from .extract.structure import HEADING_MARK
from .store import SentenceRow, Store
from .workspace import Workspace


def pipeline_id() -> str:
    """Which pipeline would be used, without loading spaCy."""
    from .nlp import FALLBACK, MODEL, model_installed

    return MODEL if model_installed() else FALLBACK


# Bump when sentence splitting or how sentences are assembled into rows change.
# 3: the trained classifier decides the labels. 4: a paragraph break ends a sentence.
# 5: "Vi", "Der", "Det" ... after a lower-case word start a sentence (run-on list items from
# PDFs); a list item's "- " is not part of its sentence. 6: more such sentence starters
# ("En", "Ved", "Med", "Borgerne" ...): headings run into their body text split too.
# 7: a list item's first sentence keeps the lead-in it continues (SentenceRow.context).
# 8: headings are sentences of their own, marked as headings (SentenceRow.heading).
ALGORITHM = 8


def fingerprint(ws: Workspace, book: cb.Codebook) -> str:
    """Results made with another tool version, algorithm, pipeline, codebook or model are stale.
    Computed without importing spaCy or scikit-learn."""
    from .classifier import model_id
    from .extract.cache import EXTRACTOR_VERSION

    return f"{__version__}|a{ALGORITHM}|x{EXTRACTOR_VERSION}|{pipeline_id()}|codebook:{book.version}|{model_id(ws.annotations_dir, book)}"


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LIST_MARK = re.compile(r"^\s*- ")
LEAD_WORDS = 15


def sentence_rows(sections: list, book: cb.Codebook, model) -> list[SentenceRow]:
    """Split each section into sentences and label each with ``model`` (a FocusModel)."""
    from .classifier import analyse_tokens
    from .nlp import pipeline

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
    from .extract.cache import EXTRACTOR_VERSION
    from .extract.detect import detect

    try:
        kind = detect(path)
    except Exception:  # the document was read a moment ago; this is a label only
        kind = path.suffix.lstrip(".").lower() or "?"
    ocr_pages = getattr(strategy, "ocr_pages", None)
    if ocr_pages:
        from .extract.model import page_span

        kind += f" + OCR s. {page_span(ocr_pages)}"
    return f"{kind} (udtræk {EXTRACTOR_VERSION})"


def _extract(ws: Workspace, path: Path, kommune: str | None):
    """The document's structure through the workspace's extraction cache."""
    from .extract import extract_cached
    from .extract.cache import CACHE_FOLDER

    return extract_cached(path, ws.results / CACHE_FOLDER, kommune=kommune)


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
            from .classifier import load_or_train

            self._trained = load_or_train(self.ws.annotations_dir, self.book, self.ws.models_dir, self.announce)
        return self._trained


def _announce_warnings(strategy, announce: Callable[[str], None]) -> None:
    """Extraction's warnings on a document that is classified (pages read by OCR or left
    unread, characters the fonts do not map): the analyst should know before quoting it."""
    for warning in strategy.warnings:
        announce(warning)


def _language_problem(strategy, force: bool) -> str | None:
    language = getattr(strategy, "language", "da") or "da"
    if language != "da" and not force:
        from .extract.meta import language_name

        return f"teksten ligner {language_name(language)}, ikke dansk: sprunget over (brug --force for at klassificere den alligevel)"
    return None


def classify_documents(
    ws: Workspace,
    docs: list[Document],
    book: cb.Codebook,
    on_document: Callable[[Document], None] | None = None,
    force: bool = False,
    announce: Callable[[str], None] = _warn,
    on_plan: Callable[[int], None] | None = None,
) -> ClassifyReport:
    """Classify every document that is not current in the store. One bad document
    is reported in ``failed`` and never stops the others. ``on_plan`` is told how many
    documents need work, then ``on_document`` is called for each of them (not for
    unchanged ones): a progress bar's total and steps."""
    from .corpus import sha256_file

    report = ClassifyReport()
    fp = fingerprint(ws, book)
    model = _LazyModel(ws, book, announce)
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
        if on_plan and pending:
            on_plan(len(pending))
        for doc, path, digest in pending:
            if on_document:  # only documents that need NLP work are announced
                on_document(doc)
            try:
                strategy = _extract(ws, path, doc.kommune)
                problem = _language_problem(strategy, force)
                if problem is None:
                    rows = sentence_rows(strategy.sections, book, model.get().model)
                    problem = None if rows else "ingen sætninger fundet"
            except InputError as exc:
                report.failed[doc.doc_id] = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
                continue
            except Exception as exc:  # one bad document never stops the others
                report.failed[doc.doc_id] = f"{path}: {type(exc).__name__}: {exc}"
                continue
            if problem:
                report.skipped[doc.doc_id] = f"{path}: {problem}"
                continue
            _announce_warnings(strategy, announce)
            store.put_document(
                doc.doc_id, doc.kommune, doc.title, digest, fp, pipeline_id(), rows, dt.datetime.now().isoformat(timespec="seconds"),
                strategy=strategy.to_json_dict(), extractor=extractor_name(path, strategy),
            )
            report.classified.append(doc.doc_id)
    if model._trained is not None:
        report.model = model._trained.id
    return report


# -- sentence records for --jsonl / --csv ---------------------------------------------

RECORD_KEYS = ["kommune", "document", "section_kind", "section_title", "page", "sentence_no", "sentence", "heading", "labels", "scores", "terms"]


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
        result = PathResult(Path(path))
        try:
            strategy = _extract(ws, Path(path), kommune)
            result.skipped = _language_problem(strategy, force)
            if result.skipped is None:
                rows = sentence_rows(strategy.sections, book, model.get().model)
                result.records = [record(strategy.kommune, str(path), r) for r in rows]
                if not rows:
                    result.skipped = "ingen sætninger fundet"
                else:
                    _announce_warnings(strategy, announce)
        except InputError as exc:
            result.error = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
        except Exception as exc:  # one bad file never stops the others
            result.error = f"{path}: {type(exc).__name__}: {exc}"
        results.append(result)
    return results


@dataclass
class ClassifyRun:
    """What ``strategikompas classify`` did: the corpus documents and any outside files."""

    report: ClassifyReport
    documents: list[Document]  # corpus documents asked for (their rows are in the store)
    paths: list[PathResult]
    records: list[dict]  # every sentence row of the documents and paths, in order

    @property
    def failed(self) -> dict[str, str]:
        return {**self.report.failed, **{str(p.path): p.error for p in self.paths if p.error}}

    @property
    def skipped(self) -> dict[str, str]:
        return {**self.report.skipped, **{str(p.path): f"{p.path}: {p.skipped}" for p in self.paths if p.skipped}}


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
) -> ClassifyRun:
    """Classify kommuner of the corpus (all by default) and files given by path."""
    from .corpus import load_manifest
    from .versions import select

    if rebuild:
        rebuild_store(ws)
    from .names import file_or_kommune

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
    report = classify_documents(ws, docs, book, on_document, force=force, announce=announce, on_plan=on_plan)
    path_results = classify_paths(ws, paths, book, kommune=kommune, force=force, announce=announce) if paths else []
    current = [d for d in docs if d.doc_id in report.classified or d.doc_id in report.unchanged]
    records = list(stored_records(ws, current)) if current else []
    for result in path_results:
        records.extend(result.records)
    return ClassifyRun(report, docs, path_results, records)


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
