"""What ``strategikompas doctor`` reports: which pipeline, OCR, codebook, workspace and store are in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from . import __version__
from . import codebook as cb
from .workspace import Workspace


def facts(ws: Workspace, codebook_path: Path | None = None) -> list[tuple[str, str]]:
    from importlib.metadata import version

    from .classify import pipeline_id
    from .nlp import MODEL, model_installed

    book = cb.load(codebook_path or ws.codebook_path)
    rows = [
        ("strategikompas", __version__),
        ("spaCy", version("spacy")),
        ("pipeline", pipeline_id() + ("" if model_installed() else f" (install {MODEL} for the full model)")),
        ("OCR", _ocr()),
        ("codebook", f"{book.path} (version {book.version}, {len(book.labels)} fokusområder)"),
        ("workspace", f"{ws.root}" + (" (bundled)" if ws.bundled else "")),
        ("results", str(ws.results)),
    ]
    from .classifier import MODEL_PREFIX, MODEL_SUFFIX, model_id

    mid = model_id(ws.annotations_dir, book)
    saved = ws.models_dir / f"{MODEL_PREFIX}{mid}{MODEL_SUFFIX}"
    rows.append(("annotations", str(ws.annotations_dir)))
    rows.append(("model", f"{mid} " + (f"(saved: {saved})" if saved.is_file() else "(not trained yet: 'classify' or 'train' builds it)")))
    store = ws.store_path
    if not store.exists():
        rows.append(("store", f"{store} (not created yet)"))
    else:
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
                docs, sentences = db.execute("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM sentences)").fetchone()
            rows.append(("store", f"{store} ({docs} documents, {sentences} sentences)"))
        except sqlite3.DatabaseError as exc:
            rows.append(("store", f"{store} (unreadable: {exc}; start it over with --rebuild)"))
    return rows


def _ocr() -> str:
    from .extract import ocr

    found = ocr.engine()
    return f"{found.describe()} ({found.path}), for PDF pages without a text layer" if found else f"none: {ocr.missing()}"
