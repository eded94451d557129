"""Municipalities side by side: share of sentences per focus area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

from . import codebook as cb
from . import corpus, linksamling, versions
from .classify import classify_documents, fingerprint
from .digest import Digest, Quote, norm, sentence_hash
from .errors import InputError, RunError
from .evaluate import measured_f1
from .export import Table
from .extract.model import SECTION_KINDS
from .store import Store
from .textstats import terms_and_similarity, words
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
    label: str = ""  # what the column is called: the kommune, or "Horsens 2011-2015" beside its other versions
    key: str = ""  # ASCII id of the column in exports: the slug, or "horsens@2011-2015"

    def __post_init__(self) -> None:
        self.label = self.label or self.kommune
        self.key = self.key or self.slug

    def count(self, label_id: str) -> int:
        """The number of sentences behind a share (share x base, as stored)."""
        return round(self.shares[label_id] * self.n_sentences)


@dataclass
class Comparison:
    labels: list[tuple[str, str]]  # (id, Danish name)
    columns: list[Column]

    def rows(self) -> list[list[object]]:
        """One row per focus area: id, name, then each kommune's share."""
        return [[lid, name, *(c.shares[lid] for c in self.columns)] for lid, name in self.labels]


def columns_of(store: Store, docs: list[corpus.Document], label_ids: list[str]) -> list[Column]:
    """A column per document: its shares and their base from the counts stored with it."""
    counts = store.counts([d.doc_id for d in docs])
    columns = []
    for d in docs:
        n, labels = counts.get(d.doc_id, (0, {}))
        shares = {lid: labels.get(lid, 0) / n if n else 0.0 for lid in label_ids}
        columns.append(Column(d.kommune, d.slug, d.title, d.period_text, d.doc_id, shares, n))
    return columns


def label_columns(columns: list[Column]) -> None:
    """Name each column: the kommune alone, or with its period where the kommune has
    several columns (then the export key is ``slug@period``, or the file when periods tie)."""
    seen: dict[str, int] = {}
    for c in columns:
        seen[c.kommune] = seen.get(c.kommune, 0) + 1
    for c in columns:
        if seen[c.kommune] > 1:
            c.label = f"{c.kommune} {c.period or c.doc_id}"
            c.key = f"{c.slug}@{c.period or c.doc_id}"
    keys = [c.key for c in columns]
    for c in columns:
        if keys.count(c.key) > 1:
            c.label, c.key = f"{c.kommune} ({c.doc_id})", c.doc_id


def compare(
    ws: Workspace,
    requested: list[str],
    book: cb.Codebook,
    on_document: Callable[[corpus.Document], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    over_time: bool = False,
) -> Comparison:
    """Shares per focus area for the documents named: kommuner (their newest document),
    ``kommune@version`` or files of the corpus; with ``over_time`` every version of one kommune."""
    if over_time:
        if len(requested) != 1:
            raise InputError("--over-time tager én kommune: strategikompas compare horsens --over-time")
        selected = versions.over_time(ws, requested[0])
    else:
        if len(requested) < 2:
            raise InputError("compare skal have mindst to kommuner eller versioner, fx: strategikompas compare hjoerring horsens "
                             "(eller horsens@2011-2015 horsens@2021-2025, eller horsens --over-time)")
        selected = versions.select(ws, requested)
    docs = [s.document for s in selected]
    for i, doc in enumerate(docs):
        if doc in docs[:i]:
            first = selected[docs.index(doc)].requested
            raise InputError(f"Det samme dokument er nævnt to gange ({first} og {selected[i].requested}: {doc.file}). "
                             f"Sammenlign versioner med kommune@periode, fx {doc.slug}@{doc.period_text or 'ÅÅÅÅ'}, eller brug --over-time.")
    report = classify_documents(ws, docs, book, on_document, on_plan=on_plan)
    if report.failed:
        raise RunError("; ".join(report.failed.values()))
    fp = fingerprint(ws, book)
    with Store(ws.store_path) as store:
        current = set(store.current(fp))
        for doc in docs:
            if doc.doc_id not in current:
                raise RunError(f"{doc.doc_id}: resultaterne mangler efter klassificeringen")
        columns = columns_of(store, docs, book.ids)
    label_columns(columns)
    return Comparison([(label.id, label.name) for label in book.labels], columns)


# --- Evidence, structure and what changed, from stored sentences only -----------------


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


def _evidence(quote: Quote, ocr_pages: frozenset[int] = frozenset()) -> Evidence:
    return Evidence(quote.sentence, quote.page, quote.score, quote.page in ocr_pages, quote.context)


@dataclass
class Facts:
    """What is known of a compared document. Every field is the document's own, except
    ``kl_*``: KL's row in the link collection for the kommune, which may name another version."""

    kommune: str  # the column's label ("Horsens 2011-2015" beside another Horsens version)
    title: str
    form: str  # the document's type as extraction read it (strategi, principper, politik, ...)
    period: str
    status: str  # of the document's own period
    pages: int | None
    language: str
    extractor: str
    pipeline: str
    kl_form: str = "-"
    kl_period: str = "-"
    kl_status: str = "-"
    kl_same: bool = False  # KL's row names this document's period


@dataclass
class Change:
    """How a kommune's strategy changed from one version (``before``) to the next (``after``)."""

    before: int  # column indices
    after: int
    points: dict[str, float]  # label id -> change in share (after - before), as a fraction
    appeared: list[str]  # structure titles in ``after`` and not in ``before``
    disappeared: list[str]
    new_evidence: dict[str, list[Evidence]]  # label id -> the strongest sentences new in ``after``


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
    # versions of the same kommune, each beside the one before it (oldest first)
    changes: list[Change] = field(default_factory=list)


def shares_by_kind(digest: Digest, label_ids: list[str]) -> dict[str, tuple[int, dict[str, float]]]:
    """The share of sentences per label within each section kind (vision, principles, themes, other)."""
    return {kind: (n, {lid: counts.get(lid, 0) / n for lid in label_ids}) for kind, (n, counts) in digest.kinds.items()}


def details(ws: Workspace, result: Comparison, today=None, book: cb.Codebook | None = None) -> Detail:
    """Facts, strongest evidence, distinctive terms and similarity for a comparison, from
    what is stored with each document (its digest and word counts)."""
    links = {r.kommune: r for r in linksamling.load(ws.linksamling_path)}
    manifest = {d.doc_id: d for d in corpus.load_manifest(ws.manifest_path)}
    facts: list[Facts] = []
    evidence: dict[str, list[Evidence | None]] = {lid: [] for lid, _ in result.labels}
    counts: list[dict[str, int]] = []
    # a kommune's own name ("horsens") is distinctive but says nothing about its strategy
    own_names = frozenset(w for col in result.columns for w in words(col.kommune) + words(col.slug.replace("-", " ")))
    with Store(ws.store_path) as store:
        ids = [col.doc_id for col in result.columns]
        digests = store.digests(ids)
        words_of = store.words(ids)
        missing = [d for d in ids if d not in digests]
        if missing:
            raise RunError(f"{missing[0]}: resultaterne mangler; kør strategikompas classify")
        for col in result.columns:
            meta = store.document(col.doc_id) or {}
            digest = digests[col.doc_id]
            doc = manifest.get(col.doc_id)
            link = links.get(col.kommune)
            end = doc.end_year if doc else None
            facts.append(Facts(
                col.label, col.title, meta.get("document_type") or "-",
                col.period or "-", linksamling.period_status(end, today), meta.get("pages") or digest.max_page,
                meta.get("language") or "-",
                meta.get("extractor") or "-",
                str(meta.get("pipeline", "-")),
                kl_form=link.form if link else "-",
                kl_period=(link.period_text or "-") if link else "-",
                kl_status=link.status(today) if link else "-",
                kl_same=bool(link and doc and _same_period(link, doc)),
            ))
            ocr_pages = frozenset(digest.outline.ocr_pages) if digest.outline is not None else frozenset()
            for lid, _ in result.labels:
                quotes = digest.evidence.get(lid)
                evidence[lid].append(_evidence(quotes[0], ocr_pages) if quotes else None)
            counts.append({w: n for w, n in words_of[col.doc_id].items() if w not in own_names})
        changes = version_changes(store, result, digests)
    outlines = [digests[d].outline for d in ids]
    structure = structure_rows(outlines) if all(outlines) else []
    accuracy = None
    if book is not None:
        accuracy = measured_f1(ws, book)
    by_kind = [shares_by_kind(digests[d], [lid for lid, _ in result.labels]) for d in ids]
    return Detail(facts, evidence, *terms_and_similarity(counts), structure, by_kind, accuracy, changes)


def _same_period(link, doc: corpus.Document) -> bool:
    if link.start_year is None and link.end_year is None:
        return False
    return (link.start_year, link.end_year) == (doc.start_year, doc.end_year) or link.period_text.strip() == doc.period_text.strip()


def versions_over_time(ws: Workspace, book: cb.Codebook, part: tuple[float, float] = (0.0, 1.0)) -> list[tuple[Comparison, list[Change]]]:
    """Every kommune with more than one classified version (current results): its
    versions oldest first, and each beside the one before it. For the report: the store is
    read once for all kommuner (digests, not sentences), and nothing is classified here.
    ``part``: only the kommuner from that fraction of them to that (in manifest order), so
    that two processes can share the work."""
    docs = corpus.load_manifest(ws.manifest_path)
    with Store(ws.store_path) as store:
        current = set(store.current(fingerprint(ws, book)))
        by_kommune: dict[str, list[corpus.Document]] = {}
        for doc in docs:
            if doc.doc_id in current:
                by_kommune.setdefault(doc.kommune, []).append(doc)
        several = {kommune: found for kommune, found in by_kommune.items() if len(found) > 1}
        start, stop = (round(fraction * len(several)) for fraction in part)
        several = dict(list(several.items())[start:stop])
        # without their quotes: version_changes reads the few sentences it quotes by number
        digests = store.digests([d.doc_id for found in several.values() for d in found], evidence=False)
        out = []
        for kommune, found in several.items():
            columns = columns_of(store, versions.versions_of(found, kommune, ws), book.ids)
            label_columns(columns)
            comparison = Comparison([(label.id, label.name) for label in book.labels], columns)
            out.append((comparison, version_changes(store, comparison, digests)))
    return out


def version_changes(store: Store, result: Comparison, digests: dict[str, Digest], new_per_label: int = 2) -> list[Change]:
    """Each version of a kommune beside the one before it: change in share per focus
    area, structure titles that appeared or disappeared, and the strongest tagged
    sentences that the earlier version does not have (found in the later version's
    digest by their hashes; those its quotes do not hold, all of them when it was read
    without its quotes, are read from the store by number)."""
    by_kommune: dict[str, list[int]] = {}
    for i, col in enumerate(result.columns):
        by_kommune.setdefault(col.kommune, []).append(i)
    pairs = [(before, after) for indices in by_kommune.values() for before, after in zip(indices, indices[1:], strict=False)]
    hashes = store.hashes(list({result.columns[before].doc_id for before, _ in pairs})) if pairs else {}
    staged = []
    for before, after in pairs:
        a, b = result.columns[before], result.columns[after]
        known = hashes.get(a.doc_id, frozenset())
        digest = digests[b.doc_id]
        # the ranking is walked only until the first few new sentences (it holds every tagged one)
        picks = {lid: list(islice(((no, h) for no, h in digest.ranking[lid] if h not in known), new_per_label)) if lid in digest.ranking else []
                 for lid, _ in result.labels}
        quotes = {(lid, q.sentence_no): q for lid, qs in digest.evidence.items() for q in qs}  # a score is the label's own
        staged.append((a, b, picks, quotes))
    # the sentences no quote holds, of every version at once: one query, not one per version
    read = store.quotes(sorted({(b.doc_id, no, lid) for _, b, picks, quotes in staged for lid, pairs_ in picks.items()
                                for no, _ in pairs_ if (lid, no) not in quotes}))
    changes = []
    for (before, after), (a, b, picks, quotes) in zip(pairs, staged, strict=True):
        points = {lid: b.shares[lid] - a.shares[lid] for lid, _ in result.labels}
        titles = [_titles(digests[a.doc_id]), _titles(digests[b.doc_id])]
        old = {norm(t) for t in titles[0]}
        new = {norm(t) for t in titles[1]}
        appeared = [t for t in titles[1] if norm(t) not in old]
        disappeared = [t for t in titles[0] if norm(t) not in new]
        new_evidence = {}
        for lid, pairs_ in picks.items():
            # a sentence read here is the one ranked only if its hash agrees (another run may
            # have replaced the document since its digest was read): otherwise it is left out
            found = [quotes[lid, no] if (lid, no) in quotes else read[b.doc_id, no, lid] for no, h in pairs_
                     if (lid, no) in quotes or ((b.doc_id, no, lid) in read and sentence_hash(read[b.doc_id, no, lid].sentence) == h)]
            if found:
                new_evidence[lid] = [_evidence(q) for q in found]
        changes.append(Change(before, after, points, appeared, disappeared, new_evidence))
    return changes


def _titles(digest: Digest) -> list[str]:
    return digest.outline.titles() if digest.outline is not None else []


def structure_rows(outlines: list) -> list[list[object]]:
    """Structure side by side: vision yes/no, principle and theme counts and titles."""
    rows: list[list[object]] = [
        ["vision", *("ja" if o.vision else "nej" for o in outlines)],
        ["principper", *(len(o.principles) for o in outlines)],
        ["temaer", *(len(o.themes) for o in outlines)],
    ]
    rows.append(["principtitler", *("; ".join(o.principles) or "-" for o in outlines)])
    rows.append(["tematitler", *("; ".join(o.themes) or "-" for o in outlines)])
    return rows


def classified_columns(ws: Workspace, book: cb.Codebook) -> Comparison:
    """The matrix of every classified kommune (current fingerprint) by label (``--all``):
    one column per kommune, its newest document (as in ``compare``), even when older ones
    are classified too."""
    fp = fingerprint(ws, book)
    manifest = {d.doc_id: d for d in corpus.newest_documents(corpus.load_manifest(ws.manifest_path))}
    with Store(ws.store_path) as store:
        columns = columns_of(store, [manifest[d] for d in store.current(fp, by_kommune=True) if d in manifest], book.ids)
    return Comparison([(label.id, label.name) for label in book.labels], columns)


def compare_all(
    ws: Workspace, book: cb.Codebook, on_document: Callable[[corpus.Document], None] | None = None, on_plan: Callable[[int], None] | None = None
) -> Comparison:
    """Classify every document in the corpus that is not current, then the matrix of all."""
    classify_documents(ws, corpus.newest_documents(corpus.load_manifest(ws.manifest_path)), book, on_document, on_plan=on_plan)
    result = classified_columns(ws, book)
    if not result.columns:
        raise RunError("Ingen klassificerede dokumenter; kør: strategikompas classify")
    return result


def wide_table(result: Comparison):
    """compare's one CSV: a row per focus area (fokusomraade, navn) and a column of shares
    per kommune or version (its export key)."""
    header = ["fokusomraade", "navn", *(c.key for c in result.columns)]
    return Table("fokusomraader", header, [list(r) for r in result.rows()], {c.key for c in result.columns})


def shares_table(result: Comparison, sort_by: str | None = None):
    """Long table (kommune, periode, fokusomraade, navn, andel, antal, saetninger) and the
    wide matrix (a share and its count per focus area, and the base) for exports."""
    ids = [lid for lid, _ in result.labels]
    long_rows = [[c.kommune, c.period, lid, name, c.shares[lid], c.count(lid), c.n_sentences] for c in result.columns for lid, name in result.labels]
    cols = list(result.columns)
    if sort_by:
        cols.sort(key=lambda c: -c.shares.get(sort_by, 0.0))
    wide = [[c.label, c.period, c.n_sentences, *(c.shares[lid] for lid in ids), *(c.count(lid) for lid in ids)] for c in cols]
    return (
        Table("andele", ["kommune", "periode", "fokusomraade", "navn", "andel", "antal", "saetninger"], long_rows, {"andel"}),
        Table("matrix", ["kommune", "periode", "saetninger", *ids, *(f"antal_{lid}" for lid in ids)], wide, set(ids)),
    )


KIND_ORDER = {kind: i for i, kind in enumerate(SECTION_KINDS)}
# What a person reads for a section kind (the ids stay in JSON and the store).
KIND_NAMES = dict(zip(SECTION_KINDS, ("vision", "principper", "temaer", "øvrige"), strict=True))


def kind_name(kind: str | None) -> str:
    return KIND_NAMES.get(kind or "other", kind or "øvrige")


def tables(result: Comparison, detail: Detail) -> list:
    """The export tables of a comparison (Danish, stable column names; see README)."""
    evidence_rows = [
        [c.kommune, c.period, lid, ev.sentence, ev.context, ev.page, ev.score, "ja" if ev.ocr else "nej"]
        for lid, _ in result.labels
        for c, ev in zip(result.columns, detail.evidence[lid], strict=True)
        if ev is not None
    ]
    fact_cols = ["kommune", "titel", "form", "periode", "status", "sider", "sprog", "udtraek", "model", "dokument",
                 "kl_form", "kl_periode", "kl_status"]
    fact_rows = [[c.kommune, f.title, f.form, f.period, f.status, f.pages, f.language, f.extractor, f.pipeline, c.doc_id,
                  f.kl_form, f.kl_period, f.kl_status] for c, f in zip(result.columns, detail.facts, strict=False)]
    term_rows = [[col.kommune, col.period, i + 1, w, round(g, 3)] for col, t in zip(result.columns, detail.terms, strict=True) for i, (w, g) in enumerate(t)]
    structure_rows_ = [[name, *cells] for name, *cells in detail.structure]
    sim_rows = [[a.label, b.label, round(detail.similarity[i][j], 4)] for i, a in enumerate(result.columns) for j, b in enumerate(result.columns)]
    long_t, _ = shares_table(result)
    kind_rows = [
        [c.kommune, c.period, kind_name(kind), lid, name, shares[lid], round(shares[lid] * n), n]
        for c, kinds in zip(result.columns, detail.by_kind, strict=False)
        for kind, (n, shares) in sorted(kinds.items(), key=lambda kv: KIND_ORDER.get(kv[0], 9))
        for lid, name in result.labels
    ]
    out = [
        long_t,
        Table("andele_afsnit", ["kommune", "periode", "afsnitstype", "fokusomraade", "navn", "andel", "antal", "saetninger"], kind_rows, {"andel"}),
        Table("dokumenter", fact_cols, fact_rows),
        Table("belaeg", ["kommune", "periode", "fokusomraade", "saetning", "kontekst", "side", "score", "ocr"], evidence_rows),
        Table("saerlige_ord", ["kommune", "periode", "rang", "ord", "loglikelihood"], term_rows),
        Table("lighed", ["kommune", "kommune_2", "cosinus"], sim_rows),
        Table("struktur", ["felt", *(c.label for c in result.columns)], structure_rows_),
    ]
    if detail.changes:
        out += change_tables(result, detail)
    return out


def change_tables(result: Comparison, detail: Detail) -> list:
    """Over time: the change per focus area, structure titles in and out, new evidence."""
    names_ = dict(result.labels)
    point_rows, title_rows, new_rows = [], [], []
    for ch in detail.changes:
        a, b = result.columns[ch.before], result.columns[ch.after]
        for lid, name in result.labels:
            point_rows.append([a.kommune, a.period, b.period, lid, name, a.shares[lid], b.shares[lid], round(ch.points[lid] * 100, 1), a.count(lid), b.count(lid)])
        title_rows += [[a.kommune, a.period, b.period, "ny", t] for t in ch.appeared]
        title_rows += [[a.kommune, a.period, b.period, "udgået", t] for t in ch.disappeared]
        for lid, evs in ch.new_evidence.items():
            new_rows += [[a.kommune, b.period, lid, names_[lid], ev.sentence, ev.page, round(ev.score, 4)] for ev in evs]
    return [
        Table("udvikling", ["kommune", "fra", "til", "fokusomraade", "navn", "andel_fra", "andel_til", "aendring_pp", "antal_fra", "antal_til"], point_rows, {"andel_fra", "andel_til"}),
        Table("udvikling_struktur", ["kommune", "fra", "til", "aendring", "titel"], title_rows),
        Table("udvikling_belaeg", ["kommune", "version", "fokusomraade", "navn", "saetning", "side", "score"], new_rows),
    ]


def sentence_columns(result: Comparison) -> list[str]:
    """The sentence sheet's header."""
    ids = [lid for lid, _ in result.labels]
    return ["kommune", "periode", "dokument", "nr", "side", "afsnitstype", "afsnit", "saetning", *ids, *(f"score_{lid}" for lid in ids)]


def sentence_rows(ws: Workspace, result: Comparison, columns: list[Column]) -> list[list]:
    """The sentence sheet's rows of these columns (of ``result``), in order: every stored
    sentence with a 0/1 per focus area and its score (``Store.sheet_rows``)."""
    ids = [lid for lid, _ in result.labels]
    rows: list[list] = []
    with Store(ws.store_path, read_only=True) as store:
        for c in columns:
            rows += [[c.kommune, c.period, c.doc_id, n, page, kind_name(kind), title or "", text, *rest]
                     for n, page, kind, title, text, *rest in store.sheet_rows(c.doc_id, ids)]  # scores rounded to four decimals when stored
    return rows


def sentence_table(result: Comparison, rows: list[list]):
    """Every sentence of the compared documents (``sentence_rows``) with a 0/1 column per
    focus area and its score: a share in ``andele`` is a pivot of this sheet away."""
    return Table("saetninger", sentence_columns(result), rows, wrap={"saetning"})
