"""Extraction: a document (PDF, web page, text) into a structured ``Strategy``.

The foundation reads text and Markdown only, one section per paragraph block; the
extraction issue deepens this (PDF, HTML, section kinds, vision/principles/themes)
behind the same ``extract_path`` interface."""

from __future__ import annotations

from .document import extract_path
from .model import Item, Section, Strategy

__all__ = ["Item", "Section", "Strategy", "extract_path", "extract_target"]


def extract_target(ws, target: str, kommune: str | None = None) -> Strategy:
    """A path on disk, or else a kommune's newest document in the workspace's corpus."""
    from pathlib import Path

    path = Path(target)
    if path.exists():
        return extract_path(path, kommune=kommune)
    from ..compare import newest_document, resolve_kommuner
    from ..corpus import documents_for, load_manifest

    name = resolve_kommuner(ws, [target])[0]
    doc = newest_document(documents_for(load_manifest(ws.manifest_path), name))
    return extract_path(doc.path(ws.corpus), kommune=doc.kommune)
