"""What a document is, from its bytes (never from its file name, except to name a damaged
Word file as such)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError

MAX_BYTES = 100 * 1024 * 1024  # larger files are refused before they are read
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office's old compound file (.doc, .xls, encrypted .docx)


class DocumentError(InputError):
    """A document that cannot be read; the message names the file and the problem."""


def sniff(head: bytes) -> str:
    """``pdf``, ``html``, ``text``, ``zip`` or ``binary`` from the first bytes of a file."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # a Word document is a zip archive; detect() looks inside
    if b"\x00" in head:
        return "binary"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # just a character cut off at the end of the sample
            text = head[: exc.start].decode("utf-8")
        elif re.search(rb"[\x00-\x08\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d]", head):
            return "binary"
        else:  # an older Danish text or page in Windows-1252
            text = head.decode("cp1252")
    if re.search(r"<(!doctype html|html|head|body)\b", text[:4096], re.IGNORECASE):
        return "html"
    return "text"


def detect(path: Path, max_bytes: int = MAX_BYTES) -> str:
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError as exc:
        raise DocumentError(f"{path}: file not found.") from exc
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if size == 0:
        raise DocumentError(f"{path}: the file is empty.")
    if size > max_bytes:
        raise DocumentError(f"{path}: {size / 1e6:.1f} MB is over the limit of {max_bytes / 1e6:.0f} MB.")
    kind = sniff(head)
    if kind == "zip":
        kind = "docx" if _is_word(path) else "binary"
    if kind == "binary" and head.startswith(_OLE):
        if path.suffix.lower() == ".docx":  # Word keeps a password-protected .docx in an OLE file
            raise DocumentError(f"{path}: encrypted (needs a password): save it without a password, or as PDF.")
        raise DocumentError(f"{path}: an old Word (.doc) or other Office file: save it as .docx or PDF.")
    if kind == "binary":
        raise DocumentError(f"{path}: not a PDF, Word document (.docx), web page or text file.")
    return kind


def _is_word(path: Path) -> bool:
    """A zip archive with a Word document's main part (a damaged one is named when read)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return path.suffix.lower() == ".docx"  # damaged: say so when it is read, not 'binary'
