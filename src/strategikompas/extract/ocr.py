"""OCR for PDF pages without a text layer (scans), with tesseract and its Danish data.

tesseract is Debian's ``tesseract-ocr`` with ``tesseract-ocr-dan`` (other systems have
packages of the same names). It is called as a program: pypdfium2 renders the page in
grey at ``DPI``, the bitmap goes to tesseract's standard input as a PGM image and the text
comes back on its standard output. We call the program directly rather than through
pytesseract, which writes temporary files and adds nothing we use here.

OCR gives paragraphs with their page but no font sizes: the PDF reader turns the text into
blocks as plain text is read (``text.page_text_blocks``), and flags the pages in the
document's warnings so that quotes are checked against the PDF."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

LANGUAGE = "dan"
DPI = 300
TIMEOUT = 300  # seconds for one page
# tesseract's OpenMP threads: one. With its default, a page took 5.3 s instead of 1.0 s on
# a 2-core machine (bench/bench_ocr.py); a user's own OMP_THREAD_LIMIT is kept.
THREADS = 1
WORKERS = max(1, min(4, os.cpu_count() or 1))  # pages read at once, one tesseract process each
INSTALL_HINT = "installer tesseract-ocr og tesseract-ocr-dan (apt-get install tesseract-ocr tesseract-ocr-dan)"


class OcrError(Exception):
    """tesseract failed on a page (the message says how)."""


@dataclass(frozen=True)
class Engine:
    path: str
    version: str

    def describe(self) -> str:
        return f"tesseract {self.version}, {LANGUAGE}"


@functools.lru_cache(maxsize=1)
def engine() -> Engine | None:
    """tesseract with Danish data when it is on PATH, else None (see ``missing``)."""
    return _find()[0]


def missing() -> str:
    """Why there is no OCR, with what to install; '' when there is."""
    return _find()[1]


@functools.lru_cache(maxsize=1)
def _find() -> tuple[Engine | None, str]:
    path = shutil.which("tesseract")
    if path is None:
        return None, f"tesseract er ikke installeret: {INSTALL_HINT}"
    try:
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.split("\n", 1)[0]
        langs = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"tesseract ({path}) kan ikke køre ({exc}): {INSTALL_HINT}"
    if LANGUAGE not in langs:
        return None, f"tesseract har ikke de danske sprogdata: {INSTALL_HINT}"
    return Engine(path, version.replace("tesseract", "").strip() or "?"), ""


def forget() -> None:
    """Look for tesseract again on the next call (after PATH changed)."""
    _find.cache_clear()
    engine.cache_clear()


def has_ink(page) -> bool:
    """Whether a page without text shows anything at all (a blank page needs no OCR)."""
    bitmap = page.render(scale=0.5, grayscale=True)
    try:
        return min(_grey_rows(bitmap), default=255) < 160
    finally:
        bitmap.close()


def render(page) -> bytes:
    """The page in grey at ``DPI`` as a PGM image (what tesseract reads from stdin)."""
    bitmap = page.render(scale=DPI / 72, grayscale=True)
    try:
        return b"P5\n%d %d\n255\n" % (bitmap.width, bitmap.height) + bytes(_grey_rows(bitmap))
    finally:
        bitmap.close()


def read_image(image: bytes, eng: Engine) -> str:
    """tesseract's text of one page image (paragraphs apart by blank lines). Safe to call
    from several threads: each call is its own process."""
    command = [eng.path, "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(DPI)]
    try:
        done = subprocess.run(command, input=image, capture_output=True, timeout=TIMEOUT, env=_env())
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract tog længere end {TIMEOUT} s") from exc
    except OSError as exc:
        raise OcrError(f"tesseract kan ikke køre ({exc})") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract fejlede ({reason[-1] if reason else f'afslutningskode {done.returncode}'})")
    return done.stdout.decode("utf-8", "replace")


def read_pages(pdf, numbers: list[int], eng: Engine) -> tuple[dict[int, str], dict[int, str]]:
    """The text of the pages ``numbers`` (from 1), and the error for each page that failed.

    pdfium is not thread-safe, so pages are rendered here one at a time; the tesseract
    processes run ``WORKERS`` at a time, and no more than that many images wait in memory
    (an A4 page is some 9 MB at 300 dpi)."""
    from concurrent.futures import ThreadPoolExecutor

    texts: dict[int, str] = {}
    errors: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for start in range(0, len(numbers), WORKERS):
            batch = numbers[start : start + WORKERS]
            images = []
            for number in batch:
                page = pdf[number - 1]
                try:
                    images.append(render(page))
                finally:
                    page.close()
            futures = [pool.submit(read_image, image, eng) for image in images]
            del images
            for number, future in zip(batch, futures, strict=True):
                try:
                    texts[number] = future.result()
                except OcrError as exc:
                    errors[number] = str(exc)
    return texts, errors


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if THREADS and "OMP_THREAD_LIMIT" not in env:
        env["OMP_THREAD_LIMIT"] = str(THREADS)
    return env


def _grey_rows(bitmap) -> bytearray:
    """The grey bitmap's pixels row by row, without the padding pdfium adds to each row."""
    data = memoryview(bitmap.buffer).cast("B")
    if bitmap.stride == bitmap.width:
        return bytearray(data[: bitmap.width * bitmap.height])
    out = bytearray()
    for row in range(bitmap.height):
        start = row * bitmap.stride
        out += data[start : start + bitmap.width]
    return out
