"""What a document is, from its bytes (never from its file name, except to name a damaged
Word file as such)."""

from __future__ import annotations

import re
from pathlib import Path

from ..danish import number
from ..errors import InputError, os_problem

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
        raise DocumentError(f"{path}: filen findes ikke.") from exc
    except OSError as exc:
        raise DocumentError(f"{path}: kan ikke læses ({os_problem(exc)}).") from exc
    if size == 0:
        raise DocumentError(f"{path}: filen er tom.")
    if size > max_bytes:
        size_mb = number(size / 1e6, 1)
        raise DocumentError(f"{path}: {size_mb} MB er over grænsen på {max_bytes / 1e6:.0f} MB.")
    kind = sniff(head)
    if kind == "zip":
        kind = "docx" if _is_word(path) else "binary"
    if kind == "binary" and head.startswith(_OLE):
        if path.suffix.lower() == ".docx":  # Word keeps a password-protected .docx in an OLE file
            raise DocumentError(f"{path}: krypteret (kræver en adgangskode): gem den uden adgangskode eller som PDF.")
        raise DocumentError(f"{path}: en gammel Word-fil (.doc) eller anden Office-fil: gem den som .docx eller PDF.")
    if kind == "binary":
        raise DocumentError(f"{path}: ikke en PDF, et Word-dokument (.docx), en webside eller en tekstfil.")
    return kind


def _is_word(path: Path) -> bool:
    """A zip archive with a Word document's main part (a damaged one is named when read)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return path.suffix.lower() == ".docx"  # damaged: say so when it is read, not 'binary'
