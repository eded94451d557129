"""SQLite store of sentence-level results, one transaction per document."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .fileio import locked
from .revisions import SCHEMA_VERSION

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
    label_counts TEXT NOT NULL DEFAULT '{}'
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
    lemmas TEXT NOT NULL DEFAULT '',
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
    lemmas: str = ""  # lower-cased lemmas joined by spaces (for keyness without spaCy)
    context: str = ""  # a list item's lead-in ("Uanset, om vi er optaget af"), for reading its quote
    heading: bool = False  # the sentence is a heading of the document (it names what its section pursues)


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
        rows: Iterable[SentenceRow], when: str, strategy: dict | None = None, extractor: str | None = None,
    ) -> None:
        """Replace a document's results in one transaction: all of it or none of it.
        ``strategy`` is the extracted Strategy as ``to_json_dict()`` gives it."""
        rows = list(rows)
        s = strategy or {}
        counts = Counter(label for r in rows for label in r.labels)
        with locked(self.path), self.db:  # another run writing the same store waits its turn, and is told so
            self.db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self.db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, kommune, title, sha256, fingerprint, pipeline, len(rows), when, s.get("document_type"), s.get("language"),
                 s.get("pages"), extractor, json.dumps(strategy, ensure_ascii=False) if strategy is not None else None, json.dumps(counts)),
            )
            self.db.executemany(
                "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (doc_id, r.sentence_no, r.section_kind, r.section_title, r.page, r.sentence,
                     json.dumps(r.labels), json.dumps(r.scores), json.dumps(r.terms, ensure_ascii=False), r.lemmas, r.context, int(r.heading))
                    for r in rows
                ],
            )

    def forget(self, doc_id: str) -> bool:
        """Drop a document's results (its sentences go with it); whether there were any."""
        with locked(self.path), self.db:
            return self.db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0

    def document(self, doc_id: str) -> dict | None:
        cur = self.db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row, strict=True)) if row else None

    def sentences(self, doc_id: str, lemmas: bool = True) -> list[SentenceRow]:
        """The document's rows in order; without their lemmas (read faster) when ``lemmas`` is false."""
        lemma_column = "lemmas" if lemmas else "''"
        cur = self.db.execute(
            "SELECT sentence_no, section_kind, section_title, page, sentence, '[' || labels || ',' || scores || ',' || terms || ']', "
            f"{lemma_column}, context, heading FROM sentences WHERE doc_id = ? ORDER BY sentence_no",
            (doc_id,),
        )
        rows = cur.fetchall()
        # one JSON text for the document's labels, scores and terms: a single parse, not three per sentence
        parsed = json.loads("[" + ",".join(r[5] for r in rows) + "]")
        return [
            SentenceRow(n, k, t, p, s, lab, sc, te, lem, ctx, bool(h))
            for (n, k, t, p, s, _, lem, ctx, h), (lab, sc, te) in zip(rows, parsed, strict=True)
        ]

    def strategy(self, doc_id: str) -> dict | None:
        """The stored extraction of the document (``Strategy.to_json_dict()``), if any."""
        row = self.db.execute("SELECT strategy FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

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
        found = {}
        for start in range(0, len(doc_ids), 500):  # SQLite's limit on parameters
            chunk = doc_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for doc_id, n, counts in self.db.execute(f"SELECT doc_id, n_sentences, label_counts FROM documents WHERE doc_id IN ({marks})", chunk):
                found[doc_id] = (n, json.loads(counts))
        return found
