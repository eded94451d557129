"""Extraction: a document (PDF, web page, text) into a structured ``Strategy``.

Reading (``detect`` by bytes; ``pdf``, ``html``, ``text`` into blocks), the structure
(``structure``: sections with kinds and the items of vision/principles/themes; ``meta``:
title, type, period, language) and the cache (``cache``: by content hash and version)."""

from __future__ import annotations

from .cache import extract_cached as cached
from .document import extract_path
from .model import Item, Section, Strategy

__all__ = ["Item", "Section", "Strategy", "extract_cached", "extract_path"]


def extract_cached(path, cache_dir, kommune: str | None = None) -> Strategy:
    """``extract_path`` through the cache in ``cache_dir`` (see ``extract.cache``)."""
    return cached(path, cache_dir, kommune=kommune)
