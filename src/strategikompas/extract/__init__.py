"""Extraction: a document (PDF, web page, text) into a structured ``Strategy``.

The foundation reads text and Markdown only, one section per paragraph block; the
extraction issue deepens this (PDF, HTML, section kinds, vision/principles/themes)
behind the same ``extract_path`` interface."""

from __future__ import annotations

from .model import Item, Section, Strategy
from .text import extract_path

__all__ = ["Item", "Section", "Strategy", "extract_path"]
