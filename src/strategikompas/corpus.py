"""The corpus: documents in ``corpus/<slug>/`` listed in ``corpus/manifest.csv``."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from . import linksamling, names
from .errors import DataFileError, InputError, NoDocumentError
from .extract.detect import detect
from .extract.document import extract_path
from .fileio import atomic_write_bytes, locked, write_csv
from .linksamling import year_cell
from .store import Store
from .workspace import Workspace, bundled_root

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


_READ: dict[tuple, list[Document]] = {}  # the last manifest parsed, by its path and the hash of its bytes


def load_manifest(path: Path, *, include_attempts: bool = False) -> list[Document]:
    """The manifest's documents. A row with an empty ``file`` and a ``status`` records a
    fetch attempt that got no document (see ``fetch``); it is skipped unless
    ``include_attempts``. A command reads it several times (the report: five): the same
    bytes are parsed once (0.05 s a time at 1,000 documents)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise DataFileError(path, "korpusmanifestet findes ikke (kør 'strategikompas init DIR' eller 'strategikompas fetch')") from None
    key = (str(path), include_attempts, hashlib.blake2b(data, digest_size=16).digest())
    if key not in _READ:
        docs = _parse_manifest(path, data, include_attempts)
        _READ.clear()
        _READ[key] = docs
    return list(_READ[key])  # a list of its own (the documents are frozen)


def _parse_manifest(path: Path, data: bytes, include_attempts: bool) -> list[Document]:
    with io.StringIO(data.decode("utf-8-sig"), newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(path, f"mangler kolonne(r) {', '.join(missing)}", 1)
        docs = []
        for line, raw in enumerate(reader, start=2):
            if None in raw or any(raw[c] is None for c in COLUMNS):
                raise DataFileError(path, "forkert antal felter", line)
            for column in ("kommune", "slug"):
                if not raw[column].strip():
                    raise DataFileError(path, "tom celle", line, column)
            if not raw["file"].strip():
                if not (raw.get("status") or "").strip():
                    raise DataFileError(path, "tom celle", line, "file")
                if not include_attempts:
                    continue
            if ".." in Path(raw["file"]).parts or Path(raw["file"]).is_absolute():
                raise DataFileError(path, f"file '{raw['file']}' skal være en sti inde i korpus", line, "file")
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


def update_manifest(path: Path, change: Callable[[list[Document]], list[Document]]) -> list[Document]:
    """Read the manifest as it is on disk now, ``change`` it and save it, under a lock: a
    concurrent fetch, add or remove changes the same file in turn and no row is lost."""
    with locked(path):
        docs = load_manifest(path, include_attempts=True) if path.is_file() else []
        docs = change(docs)
        save_manifest(path, docs)
    return docs


def resolve_kommuner(ws: Workspace, requested: list[str], docs: list[Document] | None = None) -> list[str]:
    """Resolve names against the link collection, the corpus (``docs``: the manifest, when
    the caller has read it) and Denmark's 98 kommuner."""
    if docs is None:
        docs = load_manifest(ws.manifest_path)
    known = [r.kommune for r in linksamling.load(ws.linksamling_path)]
    known += [d.kommune for d in docs if d.kommune not in known]
    known += [k for k in names.KOMMUNER if k not in known]
    return [names.resolve(name, known) for name in requested]


def newest_document(docs: list[Document]) -> Document:
    """The document of a kommune that compare and classify KOMMUNE use: the latest period."""
    return max(docs, key=lambda d: (d.end_year or 0, d.start_year or 0))


def newest_documents(docs: list[Document]) -> list[Document]:
    """Each kommune's newest document, in the order the kommuner first appear."""
    by_kommune: dict[str, list[Document]] = {}
    for doc in docs:
        by_kommune.setdefault(doc.kommune, []).append(doc)
    return [newest_document(ds) for ds in by_kommune.values()]


def documents_for(docs: list[Document], kommune: str, ws: Workspace | None = None) -> list[Document]:
    """The documents of one kommune (as written in the link collection). Without any, the
    error says what would bring one: fetch only when the link collection has its URL."""
    found = [d for d in docs if d.kommune == kommune]
    if not found:
        add = f"tilføj en fil, du har, med 'strategikompas add {kommune} FILE'"
        if ws is None or _has_url(ws, kommune):
            hint = f"kør 'strategikompas fetch {kommune}', eller {add}"
        else:
            hint = f"KL's linksamling har ingen URL til den (udfyld URL'erne med 'strategikompas linksamling import KL.pdf'), eller {add}"
        raise NoDocumentError(f"Kommune '{kommune}' har intet dokument i korpus; {hint}.")
    return found


def _has_url(ws: Workspace, kommune: str) -> bool:
    try:
        return any(r.kommune == kommune and r.url for r in linksamling.load(ws.linksamling_path))
    except Exception:  # the hint only: a broken collection is reported where it is used
        return True


@dataclass
class Added:
    """What ``add_document`` did."""

    document: Document
    kind: str  # pdf, docx, html, text
    pages: int | None
    warnings: list[str]
    used: Document  # the kommune's document that compare and classify KOMMUNE use (the newest)


def _refuse_bundled(ws: Workspace) -> None:
    if ws.bundled or ws.root.resolve() == bundled_root().resolve():
        raise InputError(
            f"{ws.root} er den medfølgende arbejdsmappe, projektets eget korpus: opret din egen med 'strategikompas init DIR', og tilføj dokumenter der."
        )


_SUFFIX_KINDS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text"}
_KIND_NAMES = {"pdf": "en PDF", "docx": "et Word-dokument", "html": "en webside (HTML)", "text": "tekst"}
KIND_LABELS = {"pdf": "PDF", "docx": "Word-dokument", "html": "webside", "text": "tekst"}  # a document's type, shown
MIN_SENTENCES = 2  # Danish sentences of five words or more a document must have to be a strategy


def _not_a_strategy(source: Path, kind: str, strategy) -> str | None:
    """Why the file is not plausibly a strategy document, or None: its name says one type
    and its bytes another (a login page saved as .pdf), or it has no Danish sentences."""
    said = _SUFFIX_KINDS.get(source.suffix.lower())
    if said and said != kind:
        return f"navnet siger {_KIND_NAMES[said]}, men indholdet er {_KIND_NAMES.get(kind, kind)}"
    text = "\n".join(s.text for s in strategy.sections)
    sentences = [p for p in re.split(r"(?<=[.!?:])\s+|\n+", text) if len(re.findall(r"[^\W\d_]{2,}", p)) >= 5]
    if strategy.language != "da":
        return f"teksten ligner ikke dansk ({strategy.language})"
    if len(sentences) < MIN_SENTENCES:
        return f"den har {len(sentences)} {'dansk sætning' if len(sentences) == 1 else 'danske sætninger'} på fem ord eller flere"
    return None


def add_document(ws: Workspace, kommune: str, source: Path, title: str | None = None, period: str | None = None, force: bool = False) -> Added:
    """Copy a document the analyst has (a PDF, Word document, web page or text file) into
    ``corpus/<slug>/`` and list it in the manifest, so that ``compare`` and ``classify``
    see it like a fetched one. The file is read first: one that cannot be read is refused
    and nothing is written. Title and period default to what extraction finds."""
    import datetime as dt

    _refuse_bundled(ws)
    source = Path(source)
    if not source.is_file():
        raise InputError(f"{source}: filen findes ikke." if not source.exists() else f"{source}: ikke en fil.")
    name = resolve_kommuner(ws, [kommune])[0]
    kind = detect(source)
    strategy = extract_path(source, kommune=name)
    problem = None if force else _not_a_strategy(source, kind, strategy)
    if problem:
        raise InputError(f"{source}: ikke tilføjet: {problem}. Tjek filen, eller tilføj den alligevel med --force.")
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    docs = load_manifest(ws.manifest_path, include_attempts=True) if ws.manifest_path.is_file() else []
    for doc in docs:
        if doc.kommune == name and doc.sha256 == digest and doc.file:
            raise InputError(f"{source}: findes allerede i korpus for {name} som corpus/{doc.file}.")
    slug = names.slugify(name)
    folder = ws.corpus / slug
    stem = names.slugify(source.stem)[:80].strip("-") or "dokument"
    suffix = {"pdf": ".pdf", "html": ".html", "docx": ".docx"}.get(kind, ".txt")
    target = folder / f"{stem}{suffix}"
    number = 2
    while target.exists():
        target = folder / f"{stem}-{number}{suffix}"
        number += 1
    period_text = (period if period is not None else strategy.period or "").strip()
    start, end = linksamling.parse_period(period_text)
    document = Document(
        kommune=name,
        slug=slug,
        title=(title or strategy.title or source.stem).strip(),
        period_text=period_text,
        start_year=start,
        end_year=end,
        source=f"tilføjet fra {source.resolve()}",
        file=f"{slug}/{target.name}",
        sha256=digest,
        added=dt.date.today().isoformat(),
    )
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(target, data)
    try:
        update_manifest(ws.manifest_path, lambda current: [*current, document])
    except BaseException:
        target.unlink(missing_ok=True)  # a document the manifest does not list is not left behind
        raise
    own = [d for d in [*docs, document] if d.kommune == name and d.file]
    return Added(document, kind, strategy.pages, list(strategy.warnings), newest_document(own))


def remove_document(ws: Workspace, file: str) -> Document:
    """Take a document out of the corpus: its stored results, its manifest row (atomically),
    then its file; a document reached through a link out of the corpus is refused. ``file`` is the manifest's ``file`` ("odder/strategi.pdf")
    or a path to the file inside ``corpus/``."""
    _refuse_bundled(ws)
    given = Path(file)
    rel = given.as_posix().removeprefix("./").removeprefix("corpus/")  # as the manifest, or from the workspace
    if given.is_absolute() or given.exists():
        try:
            rel = given.resolve().relative_to(ws.corpus.resolve()).as_posix()
        except ValueError:
            pass
    docs = load_manifest(ws.manifest_path, include_attempts=True)
    found = [d for d in docs if d.file and d.file == rel]
    if not found:
        listed = ", ".join(d.file for d in docs if d.file) or "ingen"
        raise InputError(f"{file}: ikke et dokument i korpus (corpus/manifest.csv indeholder: {listed}).")
    doc = found[0]
    target = doc.path(ws.corpus)
    corpus = ws.corpus.resolve()
    if target.resolve() != corpus / rel or not target.resolve().is_relative_to(corpus):
        # a symlinked folder or file inside corpus/ points outside it: never delete there
        raise InputError(f"{file}: filen er et link til {target.resolve()}, uden for korpus; intet blev fjernet.")
    # The stored results go first: a corrupt store fails here, before the manifest row or
    # the file is touched, so nothing is left half-removed.
    if ws.store_path.is_file():
        with Store(ws.store_path) as store:
            store.forget(doc.doc_id)
    update_manifest(ws.manifest_path, lambda current: [d for d in current if not (d.file == doc.file and d.doc_id == doc.doc_id)])
    target.unlink(missing_ok=True)
    return doc
