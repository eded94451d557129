"""SQLite store of sentence-level results, one transaction per document."""

from __future__ import annotations

import gc
import json
import sqlite3
import struct
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .digest import Digest, Quote, hash_set, hashes_of
from .errors import InputError
from .fileio import locked
from .revisions import SCHEMA_VERSION
from .textstats import word_counts

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    kommune TEXT,
    title TEXT,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    n_sentences INTEGER NOT NULL,
    classified_at TEXT NOT NULL,
    document_type TEXT,
    language TEXT,
    pages INTEGER,
    extractor TEXT,
    strategy TEXT,
    label_counts TEXT NOT NULL DEFAULT '{}',
    digest TEXT NOT NULL DEFAULT '{}',
    words TEXT NOT NULL DEFAULT '{}',
    hashes BLOB NOT NULL DEFAULT x''
);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    sentence_no INTEGER NOT NULL,
    section_kind TEXT,
    section_title TEXT,
    page INTEGER,
    sentence TEXT NOT NULL,
    labels TEXT NOT NULL,
    scores TEXT NOT NULL,
    terms TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    heading INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc_id, sentence_no)
);
"""


@dataclass
class SentenceRow:
    sentence_no: int
    section_kind: str
    section_title: str
    page: int | None
    sentence: str
    labels: list[str]
    scores: dict[str, float]
    terms: dict[str, list[str]]
    lemmas: str = ""  # lower-cased lemmas joined by spaces: counted into the document's words when stored, not kept
    context: str = ""  # a list item's lead-in ("Uanset, om vi er optaget af"), for reading its quote
    heading: bool = False  # the sentence is a heading of the document (it names what its section pursues)


@dataclass(frozen=True)
class Kept:
    """What is kept with a document beside its sentences, as stored: its label counts, its
    digest, its word counts and its sentence hashes. Made where the rows are made (in a
    worker of a parallel run), so the one process that writes the store does not."""

    label_counts: str
    digest: str
    words: str
    hashes: bytes

    @classmethod
    def of(cls, rows: list[SentenceRow], strategy: dict | None) -> Kept:
        return cls(
            json.dumps(Counter(label for r in rows for label in r.labels)),
            json.dumps(Digest.of(rows, strategy).to_json_dict(), ensure_ascii=False),
            json.dumps(word_counts(rows), ensure_ascii=False),
            hashes_of(rows),
        )


class Store:
    def __init__(self, path: Path, read_only: bool = False):
        """The store at ``path``, made or brought to this schema; ``read_only``: opened as
        it is, for reading alone (``doctor``), and never changed."""
        self.path = Path(path)
        try:
            if read_only:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.executescript(SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.path}: resultatdatabasen er ødelagt ({exc}); start den forfra med --rebuild.") from exc

    def _migrate(self) -> None:
        """A store of another schema version holds results only: start it over (reads never write)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None and row[0] == str(SCHEMA_VERSION):
            return
        if row is not None:
            with self.db:
                self.db.execute("DROP TABLE sentences")
                self.db.execute("DROP TABLE documents")
            self.db.executescript(SCHEMA)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def is_current(self, doc_id: str, sha256: str, fingerprint: str) -> bool:
        row = self.db.execute("SELECT sha256, fingerprint FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return row == (sha256, fingerprint)

    def put_document(
        self, doc_id: str, kommune: str | None, title: str, sha256: str, fingerprint: str, pipeline: str,
        rows: Iterable[SentenceRow], when: str, strategy: dict | None = None, extractor: str | None = None, kept: Kept | None = None,
    ) -> None:
        """Replace a document's results in one transaction: all of it or none of it.
        ``strategy`` is the extracted Strategy as ``to_json_dict()`` gives it. What compare,
        export and the report read (label counts, the digest, word counts, sentence hashes)
        is kept with the document (``kept``, or made here), so they never read its sentences."""
        rows = list(rows)
        s = strategy or {}
        k = kept or Kept.of(rows, strategy)
        with locked(self.path), self.db:  # another run writing the same store waits its turn, and is told so
            self.db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self.db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, kommune, title, sha256, fingerprint, pipeline, len(rows), when, s.get("document_type"), s.get("language"),
                 s.get("pages"), extractor, json.dumps(strategy, ensure_ascii=False) if strategy is not None else None, k.label_counts,
                 k.digest, k.words, k.hashes),
            )
            self.db.executemany(
                "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (doc_id, r.sentence_no, r.section_kind, r.section_title, r.page, r.sentence,
                     json.dumps(r.labels), json.dumps(r.scores), json.dumps(r.terms, ensure_ascii=False), r.context, int(r.heading))
                    for r in rows
                ],
            )

    def forget(self, doc_id: str) -> bool:
        """Drop a document's results (its sentences go with it); whether there were any."""
        with locked(self.path), self.db:
            return self.db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0

    def document(self, doc_id: str) -> dict | None:
        """The document's row, without the extracted strategy, the digest, word counts and
        hashes (``digests``, ``words``, ``hashes``)."""
        cur = self.db.execute(
            "SELECT doc_id, kommune, title, sha256, fingerprint, pipeline, n_sentences, classified_at, document_type, language, pages, "
            "extractor, label_counts FROM documents WHERE doc_id = ?", (doc_id,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row, strict=True)) if row else None

    def sentences(self, doc_id: str, terms: bool = True) -> list[SentenceRow]:
        """The document's rows in order (their lemmas are not kept: ``words``); without
        the codebook's matched words (read faster) when ``terms`` is false."""
        terms_column = "terms" if terms else "'{}'"
        cur = self.db.execute(
            f"SELECT sentence_no, section_kind, section_title, page, sentence, '[' || labels || ',' || scores || ',' || {terms_column} || ']', "
            "context, heading FROM sentences WHERE doc_id = ? ORDER BY sentence_no",
            (doc_id,),
        )
        rows = cur.fetchall()
        # one JSON text for the document's labels, scores and terms: a single parse, not three per sentence
        parsed = json.loads("[" + ",".join(r[5] for r in rows) + "]")
        return [
            SentenceRow(n, k, t, p, s, lab, sc, te, "", ctx, bool(h))
            for (n, k, t, p, s, _, ctx, h), (lab, sc, te) in zip(rows, parsed, strict=True)
        ]

    def quotes(self, wanted: list[tuple[str, int, str]]) -> dict[tuple[str, int, str], Quote]:
        """The sentences ``wanted`` as (document, sentence number, label id) as quotes for
        that label (its score read out of the JSON by SQLite): one query for a few sentences
        of many documents (the report's section over time quotes two per label of a
        thousand versions); a sentence that is not stored is left out."""
        found: dict[tuple[str, int, str], Quote] = {}
        for start in range(0, len(wanted), 300):  # chunks: SQLite's limit on parameters
            chunk = wanted[start : start + 300]
            # a join from the wanted rows (CROSS JOIN keeps them outside: one index lookup
            # each); "(doc_id, sentence_no) IN (VALUES ...)" scans the whole table instead
            cur = self.db.execute(
                f"WITH wanted(d, n, label) AS (VALUES {', '.join(['(?, ?, ?)'] * len(chunk))}) "
                "SELECT d, n, label, sentence, page, coalesce(json_extract(scores, '$.' || json_quote(label)), 0.0), context "
                "FROM wanted CROSS JOIN sentences ON doc_id = d AND sentence_no = n",
                [v for key in chunk for v in key],
            )
            for d, n, label, sentence, page, score, context in cur:
                found[d, n, label] = Quote(n, sentence, page, float(score), context)
        return found

    def sheet_rows(self, doc_id: str, label_ids: list[str]) -> list[tuple]:
        """The document's sentences as the export's sentence sheet has them, in order:
        ``sentence_no, page, section_kind, section_title, sentence``, a 0/1 per label and a
        score per label (0.0 where none is stored). SQLite reads the labels and scores out of
        their JSON (no JSON parsed here, no object per sentence: the sheet has every
        sentence of the corpus)."""
        marks = ", ".join(["instr(labels, ?) > 0"] * len(label_ids) + ["coalesce(json_extract(scores, ?), 0.0)"] * len(label_ids))
        params = [json.dumps(lid) for lid in label_ids] + ["$." + json.dumps(lid) for lid in label_ids]
        return self.db.execute(
            f"SELECT sentence_no, page, section_kind, section_title, sentence{', ' if marks else ''}{marks} "
            "FROM sentences WHERE doc_id = ? ORDER BY sentence_no",
            (*params, doc_id),
        ).fetchall()

    def _rows(self, columns: str, doc_ids: list[str]) -> list[tuple]:
        """``doc_id`` and ``columns`` of the documents' rows (in chunks: SQLite's limit on parameters)."""
        found = []
        for start in range(0, len(doc_ids), 500):
            chunk = doc_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found += self.db.execute(f"SELECT doc_id, {columns} FROM documents WHERE doc_id IN ({marks})", chunk).fetchall()
        return found

    def digests(self, doc_ids: list[str], evidence: bool = True) -> dict[str, Digest]:
        """Each stored document's digest (evidence, shares by section kind, structure titles);
        without its quotes when ``evidence`` is false (SQLite leaves them out: the report's
        section over time reads a thousand digests and quotes a few sentences of each)."""
        column = "digest" if evidence else "json_remove(digest, '$.evidence')"
        try:
            with _no_gc():
                return {d: Digest.from_json_dict(json.loads(text)) for d, text in self._rows(column, doc_ids)}
        except (ValueError, KeyError, TypeError, sqlite3.OperationalError) as exc:  # OperationalError: JSON SQLite cannot read
            raise InputError(f"{self.path}: et dokuments sammendrag kan ikke læses ({type(exc).__name__}); start databasen forfra med --rebuild.") from exc

    def words(self, doc_ids: list[str]) -> dict[str, dict[str, int]]:
        """Each stored document's word counts (lemmas), as ``textstats.word_counts`` gave them when it was stored."""
        with _no_gc():
            return {d: json.loads(text) for d, text in self._rows("words", doc_ids)}

    def hashes(self, doc_ids: list[str]) -> dict[str, frozenset[int]]:
        """Each stored document's sentence hashes (``digest.sentence_hash``)."""
        try:
            return {d: hash_set(blob) for d, blob in self._rows("hashes", doc_ids)}
        except (struct.error, TypeError) as exc:
            raise InputError(f"{self.path}: et dokuments sætningsnøgler kan ikke læses ({exc}); start databasen forfra med --rebuild.") from exc

    def current(self, fingerprint: str, by_kommune: bool = False) -> list[str]:
        """The documents whose results were made with this fingerprint (tool, model, codebook),
        by document id or by kommune."""
        order = "kommune" if by_kommune else "doc_id"
        return [r[0] for r in self.db.execute(f"SELECT doc_id FROM documents WHERE fingerprint = ? ORDER BY {order}", (fingerprint,))]

    def totals(self) -> tuple[int, int]:
        """How many documents and sentences the store holds."""
        return self.db.execute("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM sentences)").fetchone()

    def counts(self, doc_ids: list[str]) -> dict[str, tuple[int, dict[str, int]]]:
        """Each stored document's sentences and how many carry each label, kept with the
        document when it is stored: a summary reads one row per document, not its sentences."""
        return {doc_id: (n, json.loads(counts)) for doc_id, n, counts in self._rows("n_sentences, label_counts", doc_ids)}


@contextmanager
def _no_gc():
    """Python's cyclic garbage collector paused while many JSON objects are made at once:
    they hold no cycles, and its passes over them took half the time of reading a thousand
    digests (1.1 s against 0.5-0.7 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
