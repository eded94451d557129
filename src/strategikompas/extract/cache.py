"""Extraction results cached by the document's content hash and the extractor's version.

A second run on the same bytes reads one JSON file and does no PDF work; a changed file
(another hash) or a new EXTRACTOR_VERSION misses. Entries are written atomically and
only for documents that were read; an unreadable entry is rebuilt, never trusted."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, replace
from pathlib import Path

from ..errors import InputError
from ..fileio import atomic_write_text, sha256_file
from ..revisions import EXTRACTOR_VERSION
from .detect import detect
from .document import extract_path
from .model import Strategy
from .ocr import engine

CACHE_FOLDER = "extract-cache"


@functools.lru_cache(maxsize=1)
def source_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def version() -> str:
    return f"{EXTRACTOR_VERSION}+{source_fingerprint()}"


def cache_path(cache_dir: Path, digest: str) -> Path:
    return Path(cache_dir) / f"{digest}.json"


def load_entry(path: Path, digest: str) -> Strategy | None:
    """The cached Strategy, or None when missing, from another version, or unreadable, or
    when it has scanned pages left unread for want of OCR and OCR is installed now."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != version() or data.get("sha256") != digest:
            return None
        strategy = Strategy.from_dict(data["strategy"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if strategy.unread_pages:
        if engine() is not None:
            return None
    return strategy


def extract_cached(path: Path, cache_dir: Path, kommune: str | None = None) -> Strategy:
    """``extract_path`` through the cache in ``cache_dir`` (created when missing)."""
    path = Path(path)
    detect(path)  # names a missing, empty, oversized or binary file before hashing it
    digest = sha256_file(path)
    entry = cache_path(cache_dir, digest)
    cached = load_entry(entry, digest)
    if cached is not None:
        return replace(cached, kommune=kommune)
    strategy = extract_path(path, kommune=kommune)
    record = {"version": version(), "sha256": digest, "source": path.name, "strategy": asdict(strategy)}
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        atomic_write_text(entry, json.dumps(record, ensure_ascii=False))
    except (OSError, InputError):
        pass  # the cache only saves time: a folder that cannot be written costs a re-extraction
    return strategy
