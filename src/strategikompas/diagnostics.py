"""What ``strategikompas doctor`` reports: which pipeline, OCR, codebook, workspace and store are in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from . import __version__
from . import codebook as cb
from .classifier import MODEL_PREFIX, MODEL_SUFFIX, model_id
from .errors import InputError
from .extract import ocr
from .nlp import MODEL, model_installed, pipeline_id
from .store import Store
from .workspace import Workspace


def facts(ws: Workspace, codebook_path: Path | None = None) -> list[tuple[str, str]]:
    from importlib.metadata import version

    book = cb.load(codebook_path or ws.codebook_path)
    rows = [
        ("strategikompas", __version__),
        ("spaCy", version("spacy")),
        ("pipeline", pipeline_id() + ("" if model_installed() else f" (installer {MODEL} for den fulde model)")),
        ("OCR", _ocr()),
        ("kodebog", f"{book.path} (version {book.version}, {len(book.labels)} fokusområder)"),
        ("arbejdsmappe", f"{ws.root}" + (" (medfølgende)" if ws.bundled else "")),
        ("resultater", str(ws.results)),
    ]

    mid = model_id(ws.annotations_dir, book)
    saved = ws.models_dir / f"{MODEL_PREFIX}{mid}{MODEL_SUFFIX}"
    rows.append(("annoteringer", str(ws.annotations_dir)))
    rows.append(("model", f"{mid} " + (f"(gemt: {saved})" if saved.is_file() else "(ikke trænet endnu: 'classify' eller 'train' bygger den)")))
    store = ws.store_path
    if not store.exists():
        rows.append(("resultatdatabase", f"{store} (ikke oprettet endnu)"))
    else:
        try:
            with Store(store, read_only=True) as results:
                docs, sentences = results.totals()
            rows.append(("resultatdatabase", f"{store} ({docs} dokumenter, {sentences} sætninger)"))
        except (InputError, sqlite3.DatabaseError) as exc:
            rows.append(("resultatdatabase", f"{store} (kan ikke læses: {exc}; start den forfra med --rebuild)"))
    return rows


def _ocr() -> str:
    found = ocr.engine()
    return f"{found.describe()} ({found.path}), til PDF-sider uden tekstlag" if found else f"ingen: {ocr.missing()}"
