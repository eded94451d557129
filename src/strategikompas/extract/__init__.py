"""Extraction: a document (PDF, web page, text) into a structured ``Strategy``.

Reading (``detect`` by bytes; ``pdf``, ``html``, ``text`` into blocks), the structure
(``structure``: sections with kinds and the items of vision/principles/themes; ``meta``:
title, type, period, language) and the cache (``cache``: by content hash and version)."""

from __future__ import annotations

from .document import extract_path
from .model import Item, Section, Strategy

__all__ = ["Item", "Section", "Strategy", "extract_cached", "extract_path", "extract_target"]


def extract_cached(path, cache_dir, kommune: str | None = None) -> Strategy:
    """``extract_path`` through the cache in ``cache_dir`` (see ``extract.cache``)."""
    from .cache import extract_cached as cached

    return cached(path, cache_dir, kommune=kommune)


def extract_target(ws, target: str, kommune: str | None = None) -> Strategy:
    """A path on disk, or else a kommune's newest document in the workspace's corpus,
    through the extraction cache in the workspace's results folder."""
    from pathlib import Path

    from .cache import CACHE_FOLDER

    cache = ws.results / CACHE_FOLDER
    from ..names import file_or_kommune

    path = file_or_kommune(target)
    if isinstance(path, Path):
        return extract_cached(path, cache, kommune=kommune)
    from ..versions import select

    doc = select(ws, [target])[0].document  # "horsens" (its newest) or "horsens@2011-2015"
    return extract_cached(doc.path(ws.corpus), cache, kommune=doc.kommune)
