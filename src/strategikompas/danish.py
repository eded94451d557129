"""Numbers and text as a Danish reader reads them, for everything a person reads (the
terminal, messages, the report); files for Excel and pandas keep their numbers (see
``export``)."""

from __future__ import annotations


def number(value: float, digits: int = 2) -> str:
    """Decimal comma: "0,76"."""
    return f"{value:.{digits}f}".replace(".", ",")


def percent(value: float, digits: int = 0) -> str:
    """A share as a percentage, a space before the sign: "42 %", "4,5 %"."""
    return f"{number(value * 100, digits)} %"


def points(value: float, minus: str = "-") -> str:
    """A change in percentage points, signed: "+3 pp", "-12 pp", "0 pp" (``minus``: the
    sign to write, "−" in typeset HTML)."""
    text = f"{value * 100:+.0f}"
    return ("0" if text in ("+0", "-0") else text.replace("-", minus)) + " pp"


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters: white space collapsed, an ellipsis where it is cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
