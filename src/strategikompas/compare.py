"""Municipalities side by side: share of sentences per focus area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import codebook as cb
from . import corpus, linksamling, names
from .classify import classify_documents, fingerprint
from .errors import InputError, RunError
from .store import Store
from .workspace import Workspace


@dataclass
class Column:
    kommune: str
    slug: str
    title: str
    period: str
    doc_id: str
    shares: dict[str, float]
    n_sentences: int


@dataclass
class Comparison:
    labels: list[tuple[str, str]]  # (id, Danish name)
    columns: list[Column]

    def rows(self) -> list[list[object]]:
        """One row per focus area: id, name, then each kommune's share."""
        return [[lid, name, *(c.shares[lid] for c in self.columns)] for lid, name in self.labels]


def resolve_kommuner(ws: Workspace, requested: list[str]) -> list[str]:
    """Resolve names against the link collection and the corpus (either may know a kommune)."""
    known = [r.kommune for r in linksamling.load(ws.linksamling_path)]
    known += [d.kommune for d in corpus.load_manifest(ws.manifest_path) if d.kommune not in known]
    return [names.resolve(name, known) for name in requested]


def newest_document(docs: list[corpus.Document]) -> corpus.Document:
    return max(docs, key=lambda d: (d.end_year or 0, d.start_year or 0))


def compare(
    ws: Workspace,
    requested: list[str],
    book: cb.Codebook,
    on_document: Callable[[corpus.Document], None] | None = None,
) -> Comparison:
    if len(requested) < 2:
        raise InputError("compare needs at least two kommuner, for example: strategikompas compare hjoerring horsens")
    kommuner = resolve_kommuner(ws, requested)
    if len(set(kommuner)) < len(kommuner):
        raise InputError(f"The same kommune is named twice: {', '.join(requested)}")
    manifest = corpus.load_manifest(ws.manifest_path)
    docs = [newest_document(corpus.documents_for(manifest, k)) for k in kommuner]
    report = classify_documents(ws, docs, book, on_document)
    if report.failed:
        raise RunError("; ".join(report.failed.values()))
    fp = fingerprint(book)
    columns = []
    with Store(ws.store_path) as store:
        for doc in docs:
            meta = store.document(doc.doc_id)
            if meta is None or meta["fingerprint"] != fp:
                raise RunError(f"{doc.doc_id}: results missing after classification")
            columns.append(Column(doc.kommune, doc.slug, doc.title, doc.period_text, doc.doc_id, store.label_shares(doc.doc_id, book.ids), meta["n_sentences"]))
    return Comparison([(label.id, label.name) for label in book.labels], columns)
