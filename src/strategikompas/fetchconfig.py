"""fetch's settings and their defaults, in a module light enough for ``--help`` (the
fetch command's options take their defaults from here; ``fetch`` itself loads httpx,
asyncio and the corpus)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import __version__
from .errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_ARCHIVE_URL = "https://web.archive.org"
ARCHIVE_ENV = "STRATEGIKOMPAS_ARCHIVE_URL"  # --archive-url from the environment


@dataclass(frozen=True)
class Settings:
    """How fetch behaves. Validated on creation; a bad value names its option."""

    concurrency: int = 8
    per_host: int = 2
    delay: float = 0.5  # seconds between two requests to the same host
    timeout: float = 30.0  # read timeout
    connect_timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0  # first backoff; doubles per retry, plus jitter
    backoff_max: float = 30.0
    retry_after_max: float = 60.0  # cap on a server's Retry-After
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 10
    deadline: float = 600.0  # seconds for one document, all tries included (a trickling server)
    contact: str | None = None
    archive: bool = False
    archive_url: str = DEFAULT_ARCHIVE_URL

    def __post_init__(self) -> None:
        checks = [
            ("--concurrency", self.concurrency >= 1, "mindst 1"),
            ("--per-host", self.per_host >= 1, "mindst 1"),
            ("--delay", self.delay >= 0, "0 sekunder eller mere"),
            ("--timeout", self.timeout > 0 and self.deadline > 0, "mere end 0 sekunder"),
            ("--connect-timeout", self.connect_timeout > 0, "mere end 0 sekunder"),
            ("--retries", self.retries >= 0, "0 eller mere"),
            ("--max-bytes", self.max_bytes >= 1, "mindst 1 byte"),
            ("--archive-url", re.match(r"https?://[^/]", self.archive_url) is not None, "en http(s)-adresse"),
        ]
        for option, ok, expected in checks:
            if not ok:
                raise InputError(f"{option} skal være {expected}.")
        if self.contact is not None and (not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.contact)):
            raise InputError(f"--contact '{self.contact}' er ikke en e-mailadresse.")

    @property
    def user_agent(self) -> str:
        contact = f"contact: {self.contact}" if self.contact else "no contact given"
        return f"strategikompas/{__version__} (research on Danish municipal digitalisation strategies; {contact})"
