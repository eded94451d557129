"""Command-line interface: each command parses options, calls one library function, renders."""

from __future__ import annotations

from . import commands  # noqa: F401  (registers the commands)
from .classify import classify as _classify  # noqa: F401  (classify, evaluate, train)
from .compare import compare as _compare  # noqa: F401  (compare, export)
from .extract import extract as _extract  # noqa: F401
from .fetch import fetch as _fetch  # noqa: F401  (fetch, linksamling import)
from .main import app


def main() -> None:
    app()


__all__ = ["app", "main"]
