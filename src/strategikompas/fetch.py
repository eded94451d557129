"""Download the link collection's documents into the corpus, politely and robustly.

Each row of ``data/linksamling.csv`` with a URL is fetched into ``corpus/<slug>/`` and
its attempt recorded in ``corpus/manifest.csv`` (saved after every document, so an
interrupted run loses nothing). Bodies are streamed to a temporary file in the target
folder, checked, then renamed: a killed run never leaves a partial document.

httpx is imported inside the functions that use it, so ``--help`` stays fast."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import hashlib
import random
import re
import socket
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from . import linksamling
from .corpus import Document, load_manifest, update_manifest
from .errors import InputError
from .extract.html import document_links
from .fetchconfig import ARCHIVE_ENV, DEFAULT_ARCHIVE_URL, DEFAULT_MAX_BYTES, Settings  # noqa: F401  (fetch's settings, re-exported)
from .fileio import atomic_open
from .linksamling import LinkRow
from .names import resolve, slugify

if TYPE_CHECKING:
    import httpx

    from .workspace import Workspace

STATUSES = ("downloaded", "not modified", "moved", "archived", "dead", "unreachable", "not a document", "too large", "error")
# "unreachable": the host's name did not resolve. Offline, every host fails so: that is no
# verdict on the link (not "dead"), the earlier copy is kept and a re-run tries again.
FAILED = frozenset({"error", "unreachable"})
# The statuses as a person reads them (the manifest keeps the ids above): the one place.
STATUS_NAMES = {
    "downloaded": "hentet",
    "not modified": "uændret",
    "moved": "flyttet",
    "archived": "fra arkivet",
    "dead": "død",
    "unreachable": "utilgængelig",
    "not a document": "intet dokument",
    "too large": "for stor",
    "error": "fejl",
}
OFFLINE_HINT = "intet værtsnavn kunne slås op: maskinen er måske offline; de tidligere kopier er bevaret, og en ny kørsel gør arbejdet færdigt"
_PDFIUM = threading.Lock()
_REDIRECTS = {301, 302, 303, 307, 308}
_HEAD = 1024  # bytes looked at before deciding what a body is


@dataclass
class Outcome:
    """What happened to one row of the link collection."""

    row: LinkRow
    status: str
    url: str
    final_url: str = ""
    http_status: int | None = None
    content_type: str = ""
    file: str = ""  # relative to the corpus folder
    bytes: int | None = None
    sha256: str = ""
    etag: str = ""
    last_modified: str = ""
    error: str = ""
    archived_at: str = ""
    document_url: str = ""
    page_file: str = ""
    fetched_at: str = ""

    @property
    def failed(self) -> bool:
        return self.status in FAILED


@dataclass
class FetchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    without_url: list[LinkRow] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every document ended in a known state, 1 when some failed."""
        return 1 if any(o.failed for o in self.outcomes) else 0

    def summary_line(self) -> str:
        counts = Counter(o.status for o in self.outcomes)
        parts = [f"{STATUS_NAMES[s]} {counts[s]}" for s in STATUSES if counts[s]]
        line = f"{len(self.outcomes)} {'dokument' if len(self.outcomes) == 1 else 'dokumenter'}: {', '.join(parts) or 'ingen'}"
        if self.without_url:
            line += f"; {len(self.without_url)} {'række' if len(self.without_url) == 1 else 'rækker'} uden URL sprunget over (udfyld dem med 'strategikompas linksamling import')"
        if counts["unreachable"] and counts["unreachable"] == len(self.outcomes):
            line += f"; {OFFLINE_HINT}"
        return line


def _count(n: int) -> str:
    """A count of bytes as a Danish reader writes it: "52.428.800"."""
    return f"{n:,}".replace(",", ".")


class _Fail(Exception):
    """A final state for the document (dead, too large, ...): no retry."""

    def __init__(self, status: str, message: str, http_status: int | None = None, final_url: str = ""):
        super().__init__(message)
        self.status, self.message, self.http_status, self.final_url = status, message, http_status, final_url


_TAIL = 66_000  # bytes kept from a body's end: a zip's end-of-directory record is in its last 65,557


def incomplete(kind: str, size: int, tail: bytes, length: str) -> str:
    """Why a downloaded body is not whole, or "": fewer bytes than the Content-Length said;
    a PDF without its closing %%EOF marker; a Word document (zip) without its directory."""
    if length.isdigit() and size < int(length):
        return f"{_count(size)} af de {_count(int(length))} bytes, serveren meldte"
    if kind == "pdf" and b"%%EOF" not in tail[-2048:]:
        return "PDF'en har ingen afslutning (ingen %%EOF-markør): forbindelsen lukkede for tidligt"
    if kind == "docx" and b"PK\x05\x06" not in tail:
        return "Word-dokumentet har ingen afslutning (intet zip-indhold): forbindelsen lukkede for tidligt"
    return ""


def unreadable_pdf(path: Path) -> str:
    """Why pdfium cannot open the PDF and reach its last page, or ""."""
    import pypdfium2

    try:
        with _PDFIUM:  # pdfium is not thread-safe: two fetch runs in one process's threads crashed in it
            pdf = pypdfium2.PdfDocument(str(path))
            try:
                if len(pdf) == 0:
                    return "PDF'en har ingen sider"
                pdf[len(pdf) - 1].close()
            finally:
                pdf.close()
    except pypdfium2.PdfiumError as exc:
        return f"pdfium kan ikke åbne PDF'en ({exc})"
    return ""


class _Retry(Exception):
    """A transient failure: try again after ``wait`` seconds (None: exponential backoff)."""

    def __init__(self, message: str, wait: float | None = None, http_status: int | None = None):
        super().__init__(message)
        self.message, self.wait, self.http_status = message, wait, http_status


@dataclass
class _Saved:
    kind: str  # pdf, html, or "" for 304 not modified
    final_url: str
    http_status: int
    path: Path | None = None
    size: int = 0
    sha256: str = ""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


# --- selecting rows ---------------------------------------------------------------


def select_rows(rows: list[LinkRow], kommuner: list[str] | None) -> tuple[list[LinkRow], list[LinkRow]]:
    """The rows to fetch (those with a URL) and the selected rows without one."""
    if kommuner:
        wanted = {resolve(k, [r.kommune for r in rows]) for k in kommuner}
        rows = [r for r in rows if r.kommune in wanted]
    return [r for r in rows if r.url], [r for r in rows if not r.url]


def previous_attempts(docs: list[Document]) -> dict[str, Document]:
    """The manifest's fetched documents by slug (rows with a ``url``; the seeds have none)."""
    return {d.slug: d for d in docs if d.extra.get("url")}


# --- names, content, links --------------------------------------------------------


def safe_stem(*candidates: str, limit: int = 80) -> str:
    """A file name stem from untrusted text (Content-Disposition, URL path, link text):
    ASCII slug only, so no ``..``, separators, absolute paths or control characters."""
    for candidate in candidates:
        name = unquote(candidate or "").replace("\\", "/").rsplit("/", 1)[-1]
        name = re.sub(r"\.(pdf|docx|html?|aspx?|php)$", "", name, flags=re.IGNORECASE)
        stem = slugify(name)[:limit].strip("-")
        if stem:
            return stem
    return "dokument"


def disposition_filename(header: str) -> str:
    """The filename a Content-Disposition header proposes (to be sanitised, never used as is)."""
    match = re.search(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", header, re.IGNORECASE) or re.search(r'filename\s*=\s*"?([^";]+)"?', header, re.IGNORECASE)
    return unquote(match.group(1).strip()) if match else ""


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sniff(head: bytes, content_type: str) -> str:
    """``pdf``, ``docx``, ``html`` or ``""``: what the first bytes are, whatever the server says."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and (content_type == DOCX_TYPE or b"word/" in head):
        return "docx"  # a Word document (a zip archive whose parts are under word/)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if content_type in ("text/html", "application/xhtml+xml") or start.startswith((b"<!doctype html", b"<html")):
        return "html" if content_type != "application/pdf" else ""
    return ""


def score_link(url: str, text: str, row: LinkRow) -> int:
    """How likely a linked PDF is the row's strategy: words in its text and file name, and the row's years."""
    words = f"{text} {unquote(urlsplit(url).path)}".lower()
    score = 3 * ("digitalisering" in words) + 2 * ("strategi" in words) + ("digital" in words)
    score += sum(w in words for w in ("politik", "principper", "it-", "teknologi"))
    score += sum(2 for year in (row.start_year, row.end_year) if year and str(year) in words)
    return score + urlsplit(url).path.lower().endswith(".pdf")


def best_document_link(html: str, base: str, row: LinkRow) -> str | None:
    """The page's link to a PDF (or else a Word document) that most looks like the row's strategy."""
    links = [(url, text, kind) for url, text, kind in document_links(html, base) if urlsplit(url).scheme in ("http", "https")]
    if not links:
        return None
    # first of the best; a PDF before a Word file of the same score (the published version)
    return max(links, key=lambda link: (score_link(link[0], link[1], row), link[2] == "pdf"))[0]


# --- the fetcher ------------------------------------------------------------------


def _is_dns_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, socket.gaierror):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    with contextlib.suppress(TypeError, ValueError, IndexError):
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, min((when - dt.datetime.now(dt.UTC)).total_seconds(), cap))
    return None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Fetcher:
    """One run: a shared client, a global limit, and per host a limit and a polite delay."""

    def __init__(self, corpus: Path, settings: Settings, client: httpx.AsyncClient):
        self.corpus = corpus
        self.settings = settings
        self.client = client
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._host_locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}
        self._unknown_hosts: set[str] = set()

    @contextlib.asynccontextmanager
    async def _slot(self, url: str):
        host = urlsplit(url).hostname or ""
        semaphore = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        loop = asyncio.get_running_loop()
        async with semaphore:
            async with lock:
                wait = self._next_start.get(host, 0.0) - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start[host] = loop.time() + self.settings.delay
            async with self._global:
                yield

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        return min(s.backoff_max, s.backoff * 2**attempt) + random.uniform(0, s.backoff)

    async def _retrying(self, once: Callable[[], Awaitable[Any]]) -> Any:
        attempt = 0
        while True:
            try:
                return await once()
            except _Retry as retry:
                if attempt >= self.settings.retries:
                    tries = f" (opgav efter {attempt + 1} forsøg)" if attempt else ""
                    raise _Fail("error", retry.message + tries, retry.http_status) from None
                await asyncio.sleep(retry.wait if retry.wait is not None else self._backoff(attempt))
                attempt += 1

    async def request(self, url: str, headers: dict[str, str], handle: Callable[[httpx.Response, str], Awaitable[Any]]) -> Any:
        """GET ``url`` with redirects and retries; ``handle(response, final_url)`` reads a
        2xx or 304 response's body inside the same try (a dropped body is retried)."""
        return await self._retrying(lambda: self._once(url, headers, handle))

    async def _once(self, url: str, headers: dict[str, str], handle: Callable[[httpx.Response, str], Awaitable[Any]]) -> Any:
        import httpx

        current, seen = url, {url}
        for _hop in range(self.settings.max_redirects + 1):
            host = urlsplit(current).hostname or current
            if host == "invalid" or host.endswith(".invalid"):
                # RFC 6761: .invalid never resolves, anywhere: a dead link
                raise _Fail("dead", f"værten {host} findes ikke (DNS)", final_url=current)
            if host in self._unknown_hosts:  # not found once: not asked again in this run
                raise _Fail("unreachable", f"værten {host} blev ikke fundet (DNS): offline, eller værten er væk", final_url=current)
            async with self._slot(current):
                try:
                    response = await self.client.send(self.client.build_request("GET", current, headers=headers), stream=True)
                except httpx.TimeoutException:
                    raise _Retry(f"fik ikke svar fra {host} i tide") from None
                except httpx.ConnectError as exc:
                    if _is_dns_failure(exc):
                        self._unknown_hosts.add(host)
                        raise _Fail("unreachable", f"værten {host} blev ikke fundet (DNS): offline, eller værten er væk", final_url=current) from None
                    raise _Retry(f"kan ikke forbinde til {host}: {exc}") from None
                except httpx.TransportError as exc:
                    raise _Retry(f"forbindelsen til {host} fejlede: {exc}") from None
                try:
                    code = response.status_code
                    if code in _REDIRECTS and response.headers.get("location"):
                        target = urljoin(current, response.headers["location"].strip())
                        if urlsplit(target).scheme not in ("http", "https"):
                            raise _Fail("error", f"omdirigering til en adresse, der ikke er http: {target[:100]}", code, current)
                        if target in seen:
                            raise _Fail("error", f"omdirigeringsløkke ved {target}", code, current)
                        seen.add(target)
                        current = target
                        continue
                    if code == 429 or code >= 500:
                        wait = _retry_after(response.headers.get("retry-after"), self.settings.retry_after_max)
                        raise _Retry(f"HTTP {code} fra {host}", wait, code)
                    if code in (404, 410):
                        raise _Fail("dead", f"HTTP {code}", code, current)
                    if code >= 400 or (code >= 300 and code != 304):
                        raise _Fail("error", f"HTTP {code}", code, current)
                    return await handle(response, current)
                except httpx.TimeoutException:
                    raise _Retry(f"tidsgrænsen blev overskredet under læsning fra {host}") from None
                except httpx.TransportError as exc:
                    raise _Retry(f"forbindelsen til {host} blev afbrudt midt i svaret: {exc}") from None
                finally:
                    await response.aclose()
        raise _Fail("error", f"mere end {self.settings.max_redirects} omdirigeringer", final_url=current)

    async def download(self, url: str, folder: Path, row: LinkRow, headers: dict[str, str], document_only: bool = False) -> _Saved:
        async def handle(response: httpx.Response, final_url: str) -> _Saved:
            validators = {"etag": response.headers.get("etag", ""), "last_modified": response.headers.get("last-modified", "")}
            if response.status_code == 304:
                if not headers:
                    raise _Fail("error", "HTTP 304 på en forespørgsel, der ikke var betinget", 304, final_url)
                return _Saved("", final_url, 304, **validators)
            return await self._save_body(response, final_url, folder, row, document_only, validators)

        return await self.request(url, headers, handle)

    async def _save_body(self, response: httpx.Response, final_url: str, folder: Path, row: LinkRow, document_only: bool, validators: dict[str, str]) -> _Saved:
        limit = self.settings.max_bytes
        code = response.status_code
        ctype = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise _Fail("too large", f"{_count(int(length))} bytes, over grænsen på {_count(limit)}", code, final_url)
        chunks = response.aiter_bytes()
        head = b""
        async for chunk in chunks:
            head += chunk
            if len(head) >= _HEAD:
                break
        kind = sniff(head, ctype)
        if not kind or (document_only and kind == "html"):
            said = f"indholdstype {ctype or 'ukendt'}"
            expected = "ikke en PDF" if ctype == "application/pdf" else "ikke en PDF eller et Word-dokument" if document_only else "ikke en PDF, et Word-dokument eller en webside"
            raise _Fail("not a document", f"{said}, {expected}", code, final_url)
        name = disposition_filename(response.headers.get("content-disposition", ""))
        stem = safe_stem(name, urlsplit(final_url).path, row.link_text, row.slug)
        path = folder / f"{stem}.{kind}"
        if path.resolve().parent != folder.resolve():  # slugify makes this impossible; keep it so
            raise _Fail("error", f"usikkert filnavn {stem!r}", code, final_url)
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        tail = b""
        with atomic_open(path, "wb") as handle:
            data = head
            while True:
                size += len(data)
                if size > limit:
                    raise _Fail("too large", f"over grænsen på {_count(limit)} bytes (stoppet under hentning)", code, final_url)
                digest.update(data)
                handle.write(data)
                tail = (tail + data)[-_TAIL:]
                try:
                    data = await chunks.__anext__()
                except StopAsyncIteration:
                    break
            # before the file is kept: a body cut short is retried, and never stored as good
            problem = incomplete(kind, size, tail, length if not response.headers.get("content-encoding") else "")
            if not problem and kind == "pdf":
                handle.flush()
                problem = unreadable_pdf(handle.temporary)  # type: ignore[attr-defined]  # set by atomic_open
            if problem:
                raise _Retry(f"ufuldstændig hentning: {problem}", http_status=code)
        return _Saved(kind, final_url, code, path, size, digest.hexdigest(), ctype, **validators)

    # --- one row ------------------------------------------------------------------

    async def fetch_row(self, row: LinkRow, previous: Document | None) -> Outcome:
        folder = self.corpus / row.slug
        try:
            async with asyncio.timeout(self.settings.deadline):
                outcome = await self._direct(row, folder, previous)
        except TimeoutError:
            outcome = Outcome(row, "error", row.url, error=f"opgav efter {self.settings.deadline:g} s".replace(".", ","))
        except _Fail as fail:
            outcome = Outcome(row, fail.status, row.url, fail.final_url, fail.http_status, error=fail.message)
        except Exception as exc:  # one bad document never stops the others
            outcome = Outcome(row, "error", row.url, error=f"{type(exc).__name__}: {exc}")
        if self.settings.archive and outcome.status in ("dead", "not a document"):
            try:
                archived = await self._archived(row, folder)
            except _Fail as fail:
                outcome.error += f"; arkiv: {fail.message}"
            except Exception as exc:
                outcome.error += f"; arkiv: {type(exc).__name__}: {exc}"
            else:
                if archived is None:
                    outcome.error += "; arkiv: ingen kopi"
                else:
                    archived.page_file = outcome.file
                    outcome = archived
        outcome.fetched_at = _now()
        return outcome

    def _conditional(self, previous: Document | None, url: str) -> dict[str, str]:
        if previous is None or not previous.file or previous.extra.get("document_url") != url:
            return {}
        if not previous.path(self.corpus).is_file():
            return {}
        headers = {}
        if previous.extra.get("etag"):
            headers["If-None-Match"] = previous.extra["etag"]
        if previous.extra.get("last_modified"):
            headers["If-Modified-Since"] = previous.extra["last_modified"]
        return headers

    def _outcome(self, row: LinkRow, status: str, saved: _Saved, document_url: str, previous: Document | None) -> Outcome:
        if not saved.kind:  # 304: the earlier copy stands
            assert previous is not None
            extra = previous.extra
            return Outcome(row, "not modified", row.url, saved.final_url, 304, extra.get("content_type", ""), previous.file,
                           int(extra["bytes"]) if extra.get("bytes", "").isdigit() else None, previous.sha256,
                           saved.etag or extra.get("etag", ""), saved.last_modified or extra.get("last_modified", ""),
                           document_url=document_url, page_file=extra.get("page_file", ""), archived_at=extra.get("archived_at", ""))
        assert saved.path is not None
        return Outcome(row, status, row.url, saved.final_url, saved.http_status, saved.content_type, saved.path.relative_to(self.corpus).as_posix(),
                       saved.size, saved.sha256, saved.etag, saved.last_modified, document_url=document_url)

    async def _direct(self, row: LinkRow, folder: Path, previous: Document | None) -> Outcome:
        saved = await self.download(row.url, folder, row, self._conditional(previous, row.url))
        status = "moved" if saved.final_url != row.url else "downloaded"
        if saved.kind != "html":
            return self._outcome(row, status, saved, row.url, previous)
        assert saved.path is not None
        page_file = saved.path.relative_to(self.corpus).as_posix()
        html = saved.path.read_bytes()[: 5 * 1024 * 1024].decode("utf-8", "replace")
        link = best_document_link(html, saved.final_url, row)
        if link is None:
            page = self._outcome(row, "not a document", saved, row.url, previous)
            page.error = "webside uden link til en PDF eller et Word-dokument (siden er gemt)"
            return page
        try:
            pdf = await self.download(link, folder, row, self._conditional(previous, link), document_only=True)
        except _Fail as fail:
            page = self._outcome(row, "not a document" if fail.status != "error" else "error", saved, row.url, previous)
            page.error = f"sidens dokumentlink {link} fejlede: {fail.message} (siden er gemt)"
            return page
        outcome = self._outcome(row, status, pdf, link, previous)
        outcome.final_url, outcome.page_file = saved.final_url, page_file
        return outcome

    # --- the Internet Archive -----------------------------------------------------

    def _target_timestamp(self, row: LinkRow) -> str:
        years = [y for y in (row.start_year, row.end_year) if y]
        return f"{sum(years) // len(years)}0701" if years else ""

    async def _json(self, url: str, params: dict[str, str]) -> Any:
        import json

        import httpx

        full = str(httpx.URL(url, params=params))

        async def handle(response: httpx.Response, final_url: str) -> Any:
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > 5 * 1024 * 1024:
                    raise _Fail("error", "svaret fra arkivet er for stort")
            try:
                return json.loads(body or b"null")
            except ValueError:
                raise _Fail("error", f"svaret fra arkivet {url} er ikke JSON") from None

        return await self.request(full, {}, handle)

    async def find_capture(self, url: str, timestamp: str) -> str | None:
        """The capture closest to ``timestamp`` (availability API, then CDX): its 14-digit timestamp."""
        base = self.settings.archive_url.rstrip("/")
        params = {"url": url} | ({"timestamp": timestamp} if timestamp else {})
        with contextlib.suppress(_Fail):
            answer = await self._json(f"{base}/wayback/available", params)
            closest = ((answer or {}).get("archived_snapshots") or {}).get("closest") or {}
            if closest.get("available") and str(closest.get("status", "200")).startswith("2") and re.fullmatch(r"\d{14}", str(closest.get("timestamp", ""))):
                return str(closest["timestamp"])
        rows = await self._json(f"{base}/cdx/search/cdx", {"url": url, "output": "json", "fl": "timestamp,statuscode", "filter": "statuscode:200", "limit": "500"})
        stamps = [r[0] for r in (rows or [])[1:] if r and re.fullmatch(r"\d{14}", str(r[0]))]
        if not stamps:
            return None
        target = int((timestamp or "99991231").ljust(14, "0"))
        return min(stamps, key=lambda s: abs(int(s) - target))

    async def _archived(self, row: LinkRow, folder: Path) -> Outcome | None:
        stamp = await self.find_capture(row.url, self._target_timestamp(row))
        if stamp is None:
            return None
        capture = f"{self.settings.archive_url.rstrip('/')}/web/{stamp}id_/{row.url}"
        saved = await self.download(capture, folder, row, {})
        outcome = self._outcome(row, "archived", saved, capture, None)
        outcome.archived_at = dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").date().isoformat()
        return outcome


# --- the manifest -----------------------------------------------------------------


def _title(row: LinkRow) -> str:
    return f"{row.kommune}: {row.form}" + (f" {row.period_text}" if re.search(r"\d{4}", row.period_text) else "")


def to_document(outcome: Outcome, previous: Document | None) -> Document:
    """The manifest row for an outcome; a failed attempt keeps an earlier copy's file."""
    row = outcome.row
    keep = previous if (previous is not None and previous.file and not outcome.file) else None
    extra = {
        "url": row.url,
        "final_url": outcome.final_url,
        "http_status": "" if outcome.http_status is None else str(outcome.http_status),
        "content_type": outcome.content_type,
        "bytes": "" if outcome.bytes is None else str(outcome.bytes),
        "etag": outcome.etag,
        "last_modified": outcome.last_modified,
        "fetched_at": outcome.fetched_at,
        "status": outcome.status,
        "error": outcome.error,
        "archived_at": outcome.archived_at,
        "document_url": outcome.document_url,
        "page_file": outcome.page_file,
    }
    if keep is not None:
        for column in ("content_type", "bytes", "etag", "last_modified", "document_url", "page_file", "archived_at"):
            extra[column] = keep.extra.get(column, "")
        extra["error"] = (outcome.error + "; " if outcome.error else "") + "den tidligere kopi er bevaret"
    file = outcome.file or (keep.file if keep else "")
    added = previous.added if previous is not None and previous.added and file else (dt.date.today().isoformat() if file else "")
    return Document(
        kommune=row.kommune,
        slug=row.slug,
        title=_title(row),
        period_text=row.period_text,
        start_year=row.start_year,
        end_year=row.end_year,
        source=outcome.document_url or (keep.source if keep else row.url),
        file=file,
        sha256=outcome.sha256 or (keep.sha256 if keep else ""),
        added=added,
        extra=extra,
    )


class Manifest:
    """The manifest in memory; ``record`` replaces a kommune's fetched row and saves at once."""

    def __init__(self, path: Path):
        self.path = path
        self.docs = load_manifest(path, include_attempts=True) if path.is_file() else []

    def previous(self, slug: str) -> Document | None:
        return previous_attempts(self.docs).get(slug)

    def record(self, outcome: Outcome) -> None:
        """Replace the kommune's fetched row in the manifest as it is on disk now (under its
        lock: another fetch running at the same time keeps its rows too)."""
        document = to_document(outcome, self.previous(outcome.row.slug))

        def change(docs: list[Document]) -> list[Document]:
            for i, doc in enumerate(docs):
                if doc.slug == document.slug and doc.extra.get("url"):
                    docs[i] = document
                    return docs
            return [*docs, document]

        self.docs = update_manifest(self.path, change)


# --- a whole run ------------------------------------------------------------------


def remove_stale_temporaries(folder: Path) -> int:
    """Temporary files a killed run left behind (``.name.xxxx.tmp``, see fileio)."""
    removed = 0
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed += 1
    return removed


async def fetch_rows(corpus: Path, rows: list[LinkRow], settings: Settings, manifest: Manifest, on_result: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    import httpx

    timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
    limits = httpx.Limits(max_connections=settings.concurrency * 2, max_keepalive_connections=settings.concurrency)
    async with httpx.AsyncClient(headers={"User-Agent": settings.user_agent}, timeout=timeout, limits=limits, follow_redirects=False) as client:
        fetcher = Fetcher(corpus, settings, client)

        async def one(row: LinkRow) -> Outcome:
            outcome = await fetcher.fetch_row(row, manifest.previous(row.slug))
            manifest.record(outcome)  # saved after each document: an interrupted run loses nothing
            if on_result:
                on_result(outcome)
            return outcome

        return list(await asyncio.gather(*(one(r) for r in rows)))


def fetch(ws: Workspace, kommuner: list[str] | None, settings: Settings, on_result: Callable[[Outcome], None] | None = None, on_start: Callable[[int], None] | None = None) -> FetchReport:
    """Fetch the selected rows of the workspace's link collection into its corpus."""
    todo, without = select_rows(linksamling.load(ws.linksamling_path), kommuner)
    if ws.bundled:
        raise InputError(f"Den medfølgende arbejdsmappe ({ws.root}) er skrivebeskyttet; opret din egen med 'strategikompas init DIR', og hent dokumenterne der.")
    ws.corpus.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(ws.manifest_path)
    remove_stale_temporaries(ws.corpus)
    for row in todo:
        remove_stale_temporaries(ws.corpus / row.slug)
    if on_start:
        on_start(len(todo))
    outcomes = asyncio.run(fetch_rows(ws.corpus, todo, settings, manifest, on_result))
    return FetchReport(outcomes, without)


def plan(ws: Workspace, kommuner: list[str] | None) -> tuple[list[tuple[LinkRow, str]], list[LinkRow]]:
    """--dry-run: each row that would be fetched with what would happen, and the rows without a URL."""
    todo, without = select_rows(linksamling.load(ws.linksamling_path), kommuner)
    previous = previous_attempts(load_manifest(ws.manifest_path, include_attempts=True)) if ws.manifest_path.is_file() else {}
    planned = []
    for row in todo:
        before = previous.get(row.slug)
        if before is not None and before.file and (ws.corpus / before.file).is_file():
            note = f"betinget forespørgsel (har {before.file})" if before.extra.get("etag") or before.extra.get("last_modified") else f"hent igen (har {before.file})"
        else:
            note = "hent"
        planned.append((row, note))
    return planned, without
