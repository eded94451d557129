"""Which document a name on the command line means: a kommune's newest, one of its
versions (``horsens@2011-2015``, ``horsens@2021``) or a file of the corpus.

compare, classify and the report all pick documents through ``select``; nothing here
imports spaCy or scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import corpus, linksamling, names
from .errors import InputError
from .workspace import Workspace


@dataclass(frozen=True)
class Selected:
    """A document and what the user wrote for it."""

    document: corpus.Document
    requested: str


def versions_of(docs: list[corpus.Document], kommune: str, ws: Workspace | None = None) -> list[corpus.Document]:
    """A kommune's documents, oldest first (by start year, then end year, then file)."""
    found = corpus.documents_for(docs, kommune, ws)
    return sorted(found, key=lambda d: (d.start_year or d.end_year or 0, d.end_year or 0, d.file))


def describe(doc: corpus.Document) -> str:
    """"2011-2015 (horsens/horsens-....txt)": how a version is named in messages."""
    return f"{doc.period_text or 'uden periode'} ({doc.file})"


def _match_version(docs: list[corpus.Document], kommune: str, version: str, requested: str) -> corpus.Document:
    """The version of ``kommune`` that ``version`` names: its period as written
    ("2011-2015"), a year inside its period ("2013"), or its file name."""
    text = version.strip().lower()
    if not text:
        raise InputError(f"'{requested}': skriv en periode eller et år efter @, fx {names.slugify(kommune)}@2021.")
    exact = [d for d in docs if d.period_text.strip().lower() == text or Path(d.file).name.lower() == text or Path(d.file).stem.lower() == text]
    if len(exact) == 1:
        return exact[0]
    found = exact
    if not found:
        start, end = linksamling.parse_period(text)
        if start is not None or end is not None:
            lo, hi = start or end, end or start

            def overlaps(d: corpus.Document) -> bool:
                d_lo = d.start_year or d.end_year
                d_hi = d.end_year or d.start_year
                return d_lo is not None and d_hi is not None and d_lo <= hi and lo <= d_hi  # type: ignore[operator]

            found = [d for d in docs if overlaps(d)]
    available = "; ".join(describe(d) for d in docs)
    if not found:
        raise InputError(f"{kommune} har ingen version '{version}' i korpus. Versioner: {available}.")
    if len(found) > 1:
        raise InputError(f"'{requested}' passer på flere versioner af {kommune}: {'; '.join(describe(d) for d in found)}. "
                         "Skriv hele perioden eller filens navn.")
    return found[0]


def _corpus_file(ws: Workspace, docs: list[corpus.Document], target: str) -> corpus.Document | None:
    """The manifest document a path names (relative to corpus/, to the current folder, or absolute)."""
    candidates = [Path(target)]
    if not Path(target).is_absolute():
        candidates.append(ws.corpus / target)
    root = ws.corpus.resolve()
    for candidate in candidates:
        try:
            relative = candidate.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            continue
        for doc in docs:
            if doc.file == relative:
                return doc
    return None


def select(ws: Workspace, requested: list[str]) -> list[Selected]:
    """The documents the user named, in order. A name alone is the kommune's newest
    document; ``kommune@version`` one of its versions; a path a file of the corpus."""
    docs = corpus.load_manifest(ws.manifest_path)
    is_path = [names.looks_like_path(item) and "@" not in item for item in requested]
    # every name resolved in one pass (the link collection read once)
    kommuner = iter(corpus.resolve_kommuner(ws, [item.split("@", 1)[0] for item, path in zip(requested, is_path, strict=True) if not path], docs))
    out = []
    for item, path in zip(requested, is_path, strict=True):
        if "@" in item:
            kommune, version = next(kommuner), item.split("@", 1)[1]
            out.append(Selected(_match_version(versions_of(docs, kommune, ws), kommune, version, item), item))
            continue
        if path:
            doc = _corpus_file(ws, docs, item)
            if doc is None:
                where = "findes ikke" if not Path(item).exists() and not (ws.corpus / item).exists() else "er ikke et dokument i korpus (corpus/manifest.csv)"
                raise InputError(f"{item}: filen {where}. Læg den i korpus med 'strategikompas add KOMMUNE {item}', "
                                 "eller nævn en kommune (fx horsens eller horsens@2011-2015).")
            out.append(Selected(doc, item))
            continue
        out.append(Selected(corpus.newest_document(corpus.documents_for(docs, next(kommuner), ws)), item))
    return out


def over_time(ws: Workspace, kommune: str) -> list[Selected]:
    """Every version of one kommune in the corpus, oldest first; at least two."""
    if "@" in kommune:
        raise InputError("--over-time tager en kommune uden version, fx: strategikompas compare horsens --over-time")
    manifest = corpus.load_manifest(ws.manifest_path)
    name = corpus.resolve_kommuner(ws, [kommune], manifest)[0]
    docs = versions_of(manifest, name, ws)
    if len(docs) < 2:
        raise InputError(f"{name} har kun én version i korpus ({describe(docs[0])}); "
                         f"læg en ældre eller nyere i korpus med 'strategikompas add {name} FIL --period ÅÅÅÅ-ÅÅÅÅ'.")
    return [Selected(d, f"{names.slugify(name)}@{d.period_text}") for d in docs]
