"""Municipalities side by side: share of sentences per focus area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    """Resolve names against the link collection, the corpus and Denmark's 98 kommuner."""
    known = [r.kommune for r in linksamling.load(ws.linksamling_path)]
    known += [d.kommune for d in corpus.load_manifest(ws.manifest_path) if d.kommune not in known]
    known += [k for k in names.KOMMUNER if k not in known]
    return [names.resolve(name, known) for name in requested]


def compare(
    ws: Workspace,
    requested: list[str],
    book: cb.Codebook,
    on_document: Callable[[corpus.Document], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> Comparison:
    if len(requested) < 2:
        raise InputError("compare needs at least two kommuner, for example: strategikompas compare hjoerring horsens")
    kommuner = resolve_kommuner(ws, requested)
    if len(set(kommuner)) < len(kommuner):
        raise InputError(f"The same kommune is named twice: {', '.join(requested)}")
    manifest = corpus.load_manifest(ws.manifest_path)
    docs = [corpus.newest_document(corpus.documents_for(manifest, k, ws)) for k in kommuner]
    report = classify_documents(ws, docs, book, on_document, on_plan=on_plan)
    if report.failed:
        raise RunError("; ".join(report.failed.values()))
    fp = fingerprint(ws, book)
    columns = []
    with Store(ws.store_path) as store:
        for doc in docs:
            meta = store.document(doc.doc_id)
            if meta is None or meta["fingerprint"] != fp:
                raise RunError(f"{doc.doc_id}: results missing after classification")
            columns.append(Column(doc.kommune, doc.slug, doc.title, doc.period_text, doc.doc_id, store.label_shares(doc.doc_id, book.ids), meta["n_sentences"]))
    return Comparison([(label.id, label.name) for label in book.labels], columns)


# --- Evidence, distinctive terms and similarity, from stored sentences only -------------
# Nothing below imports spaCy or scikit-learn: compare on classified documents reads the
# store. Keyness and TF-IDF work on lower-cased word forms (not lemmas, which would need
# spaCy) with the Danish stop-word list below.

STOP_WORDS = frozenset(
    """af alle alt anden andre at blev blive bliver da de dem den denne der deres det dette dig din
    disse dog du efter eller en end er et for fordi fra få gennem god har have hele hen her hos
    hvad hvis hvor hvordan i ikke ind ingen jeg jo kan kun kunne man mange med meget men mere
    mest mig min mod må ned når og også om op os over på samt selv sig sin sine skal skulle
    som sådan så til ud under var vi vil ville vor vores være været ved via hver både blandt
    kommune kommunen kommunens""".split()
)


def words(text: str) -> list[str]:
    """Lower-cased word forms (letters, at least three), without stop words."""
    out, current = [], []
    for ch in text.lower() + " ":
        if ch.isalpha():
            current.append(ch)
        else:
            if len(current) >= 3:
                word = "".join(current)
                if word not in STOP_WORDS:
                    out.append(word)
            current = []
    return out


def keyness(target: dict[str, int], reference: dict[str, int], top: int = 10) -> list[tuple[str, float]]:
    """Dunning's log-likelihood (G2) of words over-used in ``target`` against ``reference``."""
    import math

    n1, n2 = sum(target.values()), sum(reference.values())
    if not n1 or not n2:
        return []
    scored = []
    for word, a in target.items():
        b = reference.get(word, 0)
        e1 = n1 * (a + b) / (n1 + n2)
        e2 = n2 * (a + b) / (n1 + n2)
        if a <= e1:
            continue
        g2 = 2 * (a * math.log(a / e1) + (b * math.log(b / e2) if b else 0.0))
        scored.append((word, g2))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:top]


def cosine_tfidf(counts: list[dict[str, int]]) -> list[list[float]]:
    """Cosine similarity of TF-IDF vectors (smooth idf, as scikit-learn's default)."""
    import math

    n = len(counts)
    df: dict[str, int] = {}
    for c in counts:
        for word in c:
            df[word] = df.get(word, 0) + 1
    idf = {w: math.log((1 + n) / (1 + d)) + 1 for w, d in df.items()}
    vectors = [{w: tf * idf[w] for w, tf in c.items()} for c in counts]
    norms = [math.sqrt(sum(v * v for v in vec.values())) for vec in vectors]
    matrix = []
    for i in range(n):
        row = []
        for j in range(n):
            if not norms[i] or not norms[j]:
                row.append(0.0)
                continue
            small, big = sorted((vectors[i], vectors[j]), key=len)
            dot = sum(v * big.get(w, 0.0) for w, v in small.items())
            row.append(dot / (norms[i] * norms[j]))
        matrix.append(row)
    return matrix


@dataclass
class Evidence:
    sentence: str
    page: int | None
    score: float
    ocr: bool = False  # the page was read by OCR: check the quote against the document
    context: str = ""  # the lead-in a list item continues

    def lead(self) -> str:
        """"(Uanset, om vi er optaget af …) " before a list item's quote, or ""."""
        return f"({self.context} …) " if self.context else ""

    def where(self) -> str:
        """" (s. 4)", " (s. 4, OCR)" or "" after a quote."""
        if self.page is None:
            return " (OCR)" if self.ocr else ""
        return f" (s. {self.page}, OCR)" if self.ocr else f" (s. {self.page})"


def strongest_evidence(rows: list, label_id: str) -> Evidence | None:
    """The sentence carrying the label with the highest score (ties: densest match, then first)."""
    best = None
    for r in rows:
        if label_id not in r.labels:
            continue
        # Highest score; among equals the densest match, so a run-on list that mentions
        # everything does not win every label.
        density = len(r.terms.get(label_id, [])) / max(12, len(r.sentence.split()))
        key = (float(r.scores.get(label_id, 0.0)), density, -r.sentence_no)
        if best is None or key > best[0]:
            best = (key, r)
    if best is None:
        return None
    return Evidence(best[1].sentence, best[1].page, best[0][0], context=best[1].context)


@dataclass
class Facts:
    kommune: str
    title: str
    form: str
    document_type: str
    period: str
    status: str
    pages: int | None
    language: str
    extractor: str
    pipeline: str


@dataclass
class Detail:
    """Everything compare shows beyond the shares: facts, evidence, terms, similarity."""

    facts: list[Facts]
    evidence: dict[str, list[Evidence | None]]  # label id -> one per column
    terms: list[list[tuple[str, float]]]
    similarity: list[list[float]]
    structure: list[list[object]] = field(default_factory=list)
    # per column: section kind -> (number of sentences, label id -> share)
    by_kind: list[dict[str, tuple[int, dict[str, float]]]] = field(default_factory=list)
    # label id -> F1 as the last `evaluate` measured it for the model in use (None: not measured)
    accuracy: dict[str, float] | None = None


def shares_by_kind(rows: list, label_ids: list[str]) -> dict[str, tuple[int, dict[str, float]]]:
    """The share of sentences per label within each section kind (vision, principles, themes, other)."""
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(r.section_kind or "other", []).append(r)
    return {kind: (len(rs), {lid: sum(lid in r.labels for r in rs) / len(rs) for lid in label_ids}) for kind, rs in groups.items()}


def word_counts(rows: list, skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """Counts of lemmas stored at classification (word forms for rows without them),
    without the words in ``skip`` (the compared kommuner's own names)."""
    counts: dict[str, int] = {}
    for r in rows:
        for w in words(getattr(r, "lemmas", "") or r.sentence):
            if w not in skip:
                counts[w] = counts.get(w, 0) + 1
    return counts


def details(ws: Workspace, result: Comparison, today=None, book: cb.Codebook | None = None) -> Detail:
    """Facts, strongest evidence, distinctive terms and similarity for a comparison."""
    links = {r.kommune: r for r in linksamling.load(ws.linksamling_path)}
    manifest = {d.doc_id: d for d in corpus.load_manifest(ws.manifest_path)}
    facts, evidence, counts, by_kind = [], {lid: [] for lid, _ in result.labels}, [], []
    # a kommune's own name ("horsens") is distinctive but says nothing about its strategy
    own_names = frozenset(w for col in result.columns for w in words(col.kommune) + words(col.slug.replace("-", " ")))
    with Store(ws.store_path) as store:
        strategies = [_strategy(store, col.doc_id) for col in result.columns]
        for col, strategy in zip(result.columns, strategies, strict=True):
            meta = store.document(col.doc_id) or {}
            rows = store.sentences(col.doc_id)
            doc = manifest.get(col.doc_id)
            link = links.get(col.kommune)
            end = doc.end_year if doc else None
            pages = meta.get("pages") or max((r.page for r in rows if r.page is not None), default=None)
            facts.append(Facts(
                col.kommune, col.title, link.form if link else "-",
                meta.get("document_type") or (link.form_type if link else "-"),
                col.period or "-", linksamling.period_status(end, today), pages,
                meta.get("language") or "-",
                meta.get("extractor") or "-",
                str(meta.get("pipeline", "-")),
            ))
            ocr_pages = set(strategy.ocr_pages) if strategy is not None else set()
            for lid, _ in result.labels:
                ev = strongest_evidence(rows, lid)
                if ev is not None and ev.page in ocr_pages:
                    ev.ocr = True
                evidence[lid].append(ev)
            counts.append(word_counts(rows, own_names))
            by_kind.append(shares_by_kind(rows, [lid for lid, _ in result.labels]))
    terms = []
    for i, c in enumerate(counts):
        reference: dict[str, int] = {}
        for j, other in enumerate(counts):
            if j != i:
                for w, n in other.items():
                    reference[w] = reference.get(w, 0) + n
        terms.append(keyness(c, reference))
    structure = structure_rows(strategies) if all(strategies) else []
    accuracy = None
    if book is not None:
        from .evaluate import measured_f1

        accuracy = measured_f1(ws, book)
    return Detail(facts, evidence, terms, cosine_tfidf(counts), structure, by_kind, accuracy)


def _strategy(store: Store, doc_id: str):
    """The document's structure as extracted at classification (None for older results)."""
    from .extract.model import Strategy

    data = store.strategy(doc_id)
    try:
        return Strategy.from_dict(data) if data else None
    except (KeyError, TypeError):  # stored by another version: compare shows the rest
        return None


def structure_rows(strategies: list) -> list[list[object]]:
    """Structure side by side: vision yes/no, principle and theme counts and titles."""
    rows: list[list[object]] = [
        ["vision", *("ja" if s.vision else "nej" for s in strategies)],
        ["principper", *(len(s.principles) for s in strategies)],
        ["temaer", *(len(s.themes) for s in strategies)],
    ]
    rows.append(["principtitler", *("; ".join(i.title for i in s.principles) or "-" for s in strategies)])
    rows.append(["tematitler", *("; ".join(i.title for i in s.themes) or "-" for s in strategies)])
    return rows


def classified_columns(ws: Workspace, book: cb.Codebook) -> Comparison:
    """The matrix of every classified kommune (current fingerprint) by label (``--all``):
    one column per kommune, its newest document (as in ``compare``), even when older ones
    are classified too."""
    fp = fingerprint(ws, book)
    manifest = {d.doc_id: d for d in corpus.newest_documents(corpus.load_manifest(ws.manifest_path))}
    columns = []
    with Store(ws.store_path) as store:
        ids = [r[0] for r in store.db.execute("SELECT doc_id FROM documents WHERE fingerprint = ? ORDER BY kommune", (fp,))]
        for doc_id in ids:
            meta = store.document(doc_id)
            doc = manifest.get(doc_id)
            if doc is None:
                continue
            columns.append(Column(doc.kommune, doc.slug, doc.title, doc.period_text, doc_id, store.label_shares(doc_id, book.ids), meta["n_sentences"]))
    return Comparison([(label.id, label.name) for label in book.labels], columns)


def compare_all(
    ws: Workspace, book: cb.Codebook, on_document: Callable[[corpus.Document], None] | None = None, on_plan: Callable[[int], None] | None = None
) -> Comparison:
    """Classify every document in the corpus that is not current, then the matrix of all."""
    classify_documents(ws, corpus.newest_documents(corpus.load_manifest(ws.manifest_path)), book, on_document, on_plan=on_plan)
    result = classified_columns(ws, book)
    if not result.columns:
        raise RunError("No classified documents; run: strategikompas classify")
    return result


def shares_table(result: Comparison, sort_by: str | None = None):
    """Long table (kommune, fokusomraade, navn, andel) and wide matrix rows for exports."""
    from .export import Table

    long_rows = [[c.kommune, lid, name, c.shares[lid], c.n_sentences] for c in result.columns for lid, name in result.labels]
    cols = list(result.columns)
    if sort_by:
        cols.sort(key=lambda c: -c.shares.get(sort_by, 0.0))
    wide = [[c.kommune, *(c.shares[lid] for lid, _ in result.labels)] for c in cols]
    return (
        Table("andele", ["kommune", "fokusomraade", "navn", "andel", "saetninger"], long_rows, {"andel"}),
        Table("matrix", ["kommune", *(lid for lid, _ in result.labels)], wide, {lid for lid, _ in result.labels}),
    )


KIND_ORDER = {"vision": 0, "principles": 1, "themes": 2, "other": 3}


def tables(result: Comparison, detail: Detail) -> list:
    """The export tables of a comparison (Danish, stable column names; see README)."""
    from .export import Table as XTable

    evidence_rows = [
        [c.kommune, lid, ev.sentence, ev.context, ev.page, ev.score, "ja" if ev.ocr else "nej"]
        for lid, _ in result.labels
        for c, ev in zip(result.columns, detail.evidence[lid], strict=True)
        if ev is not None
    ]
    fact_cols = ["kommune", "titel", "form", "dokumenttype", "periode", "status", "sider", "sprog", "udtraek", "model"]
    fact_rows = [[f.kommune, f.title, f.form, f.document_type, f.period, f.status, f.pages, f.language, f.extractor, f.pipeline] for f in detail.facts]
    term_rows = [[col.kommune, i + 1, w, round(g, 3)] for col, t in zip(result.columns, detail.terms, strict=True) for i, (w, g) in enumerate(t)]
    structure_rows_ = [[name, *cells] for name, *cells in detail.structure]
    sim_rows = [[a.kommune, b.kommune, round(detail.similarity[i][j], 4)] for i, a in enumerate(result.columns) for j, b in enumerate(result.columns)]
    long_rows = [[c.kommune, lid, name, c.shares[lid], c.n_sentences] for c in result.columns for lid, name in result.labels]
    kind_rows = [
        [c.kommune, kind, lid, name, shares[lid], n]
        for c, kinds in zip(result.columns, detail.by_kind, strict=False)
        for kind, (n, shares) in sorted(kinds.items(), key=lambda kv: KIND_ORDER.get(kv[0], 9))
        for lid, name in result.labels
    ]
    return [
        XTable("andele", ["kommune", "fokusomraade", "navn", "andel", "saetninger"], long_rows, {"andel"}),
        XTable("andele_afsnit", ["kommune", "afsnitstype", "fokusomraade", "navn", "andel", "saetninger"], kind_rows, {"andel"}),
        XTable("dokumenter", fact_cols, fact_rows),
        XTable("belaeg", ["kommune", "fokusomraade", "saetning", "kontekst", "side", "score", "ocr"], evidence_rows),
        XTable("saerlige_ord", ["kommune", "rang", "ord", "loglikelihood"], term_rows),
        XTable("lighed", ["kommune", "kommune_2", "cosinus"], sim_rows),
        XTable("struktur", ["felt", *(c.kommune for c in result.columns)], structure_rows_),
    ]


