"""Sentences -> focus-area labels, stored per document in the results store.

The foundation labels a sentence by the codebook alone; the classification issue adds
the trained classifier behind the same ``classify_documents`` interface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from . import codebook as cb
from .corpus import Document
from .store import SentenceRow, Store
from .workspace import Workspace


def pipeline_id() -> str:
    """Which pipeline would be used, without loading spaCy."""
    from .nlp import FALLBACK, MODEL, model_installed

    return MODEL if model_installed() else FALLBACK


# Bump when sentence splitting, lemmas or labelling change (2: lemma lookups fixed).
ALGORITHM = 2


def fingerprint(book: cb.Codebook) -> str:
    """Results made with another tool version, algorithm, pipeline or codebook are stale."""
    return f"{__version__}|a{ALGORITHM}|{pipeline_id()}|codebook:{book.version}"


def sentence_rows(sections: list, book: cb.Codebook) -> list[SentenceRow]:
    """Split each section into sentences and label each by the codebook."""
    from .nlp import pipeline

    nlp, _ = pipeline()
    rows: list[SentenceRow] = []
    texts = [s.text for s in sections]
    for section, doc in zip(sections, nlp.pipe(texts), strict=True):
        for sent in doc.sents:
            tokens = [t for t in sent if not (t.is_punct or t.is_space)]
            if not tokens:
                continue
            words = [t.lower_ for t in tokens]
            lemmas = [t.lemma_.lower() or t.lower_ for t in tokens]
            terms = cb.match(book, words, lemmas)
            scores = {label: min(1.0, len(terms.get(label, [])) / 2) for label in book.ids}
            rows.append(
                SentenceRow(len(rows) + 1, section.kind, section.title, section.page, sent.text.strip(),
                            [label for label in book.ids if label in terms], scores, terms)
            )
    return rows


@dataclass
class ClassifyReport:
    classified: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def classify_documents(
    ws: Workspace,
    docs: list[Document],
    book: cb.Codebook,
    on_document: Callable[[Document], None] | None = None,
) -> ClassifyReport:
    """Classify every document that is not current in the store. One bad document
    is reported in ``failed`` and never stops the others. ``on_document`` is called
    for each document that is (re)classified, not for unchanged ones."""
    from .corpus import sha256_file
    from .extract import extract_path

    report = ClassifyReport()
    fp = fingerprint(book)
    with Store(ws.results_dir() / ws.store_path.name) as store:
        for doc in docs:
            path: Path = doc.path(ws.corpus)
            try:
                digest = sha256_file(path)
            except OSError as exc:
                report.failed[doc.doc_id] = f"{path}: {exc.strerror}"
                continue
            if store.is_current(doc.doc_id, digest, fp):
                report.unchanged.append(doc.doc_id)
                continue
            if on_document:  # only documents that need NLP work are announced
                on_document(doc)
            try:
                strategy = extract_path(path, kommune=doc.kommune)
                rows = sentence_rows(strategy.sections, book)
            except Exception as exc:  # one bad document never stops the others
                report.failed[doc.doc_id] = f"{path}: {exc}"
                continue
            store.put_document(doc.doc_id, doc.kommune, doc.title, digest, fp, pipeline_id(), rows, dt.datetime.now().isoformat(timespec="seconds"))
            report.classified.append(doc.doc_id)
    return report
