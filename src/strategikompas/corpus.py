"""The corpus: documents in ``corpus/<slug>/`` listed in ``corpus/manifest.csv``."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import DataFileError, NoDocumentError
from .fileio import write_csv
from .linksamling import year_cell

# The columns every manifest has; fetch adds more (kept in ``extra``).
COLUMNS = ["kommune", "slug", "title", "period_text", "start_year", "end_year", "source", "file", "sha256", "added"]


@dataclass(frozen=True)
class Document:
    kommune: str
    slug: str
    title: str
    period_text: str
    start_year: int | None
    end_year: int | None
    source: str
    file: str  # relative to the corpus folder
    sha256: str
    added: str
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def path(self, corpus: Path) -> Path:
        return corpus / self.file

    @property
    def doc_id(self) -> str:
        """Stable id of the document in results: its file path in the corpus."""
        return self.file


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(path: Path, *, include_attempts: bool = False) -> list[Document]:
    """The manifest's documents. A row with an empty ``file`` and a ``status`` records a
    fetch attempt that got no document (see ``fetch``); it is skipped unless
    ``include_attempts``."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "corpus manifest not found (run 'strategikompas init DIR' or 'strategikompas fetch')")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(path, f"missing column(s) {', '.join(missing)}", 1)
        docs = []
        for line, raw in enumerate(reader, start=2):
            if None in raw or any(raw[c] is None for c in COLUMNS):
                raise DataFileError(path, "wrong number of fields", line)
            for column in ("kommune", "slug"):
                if not raw[column].strip():
                    raise DataFileError(path, f"empty {column}", line, column)
            if not raw["file"].strip():
                if not (raw.get("status") or "").strip():
                    raise DataFileError(path, "empty file", line, "file")
                if not include_attempts:
                    continue
            if ".." in Path(raw["file"]).parts or Path(raw["file"]).is_absolute():
                raise DataFileError(path, f"file '{raw['file']}' must be a path inside the corpus", line, "file")
            docs.append(
                Document(
                    kommune=raw["kommune"].strip(),
                    slug=raw["slug"].strip(),
                    title=raw["title"].strip(),
                    period_text=raw["period_text"].strip(),
                    start_year=year_cell(raw["start_year"], path, line, "start_year"),
                    end_year=year_cell(raw["end_year"], path, line, "end_year"),
                    source=raw["source"].strip(),
                    file=raw["file"].strip(),
                    sha256=raw["sha256"].strip(),
                    added=raw["added"].strip(),
                    extra={k: v for k, v in raw.items() if k not in COLUMNS and k is not None},
                )
            )
    return docs


def save_manifest(path: Path, docs: list[Document]) -> None:
    extra_cols: list[str] = []
    for doc in docs:
        extra_cols += [k for k in doc.extra if k not in extra_cols]
    base = [f.name for f in fields(Document) if f.name != "extra"]
    write_csv(
        path,
        base + extra_cols,
        ([getattr(d, c) for c in base] + [d.extra.get(c, "") for c in extra_cols] for d in docs),
    )


def documents_for(docs: list[Document], kommune: str) -> list[Document]:
    """The documents of one kommune (as written in the link collection)."""
    found = [d for d in docs if d.kommune == kommune]
    if not found:
        raise NoDocumentError(
            f"Kommune '{kommune}' has no document in the corpus; run 'strategikompas fetch {kommune}' or add one to corpus/manifest.csv."
        )
    return found
