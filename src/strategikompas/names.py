"""Municipality names: ASCII slugs and forgiving lookup.

``Hjørring``, ``hjoerring`` and ``hjorring`` all name the same kommune."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from .errors import InputError, UnknownKommuneError

# Denmark's 98 kommuner (since 2007), by region. KL's link collection covers 64 of them;
# the others can still have documents added to the corpus.
KOMMUNER = tuple(
    """Albertslund Allerød Ballerup Bornholm Brøndby Dragør Egedal Fredensborg Frederiksberg
    Frederikssund Furesø Gentofte Gladsaxe Glostrup Gribskov Halsnæs Helsingør Herlev Hillerød
    Hvidovre Høje-Taastrup Hørsholm Ishøj København Lyngby-Taarbæk Rudersdal Rødovre Tårnby
    Vallensbæk
    Faxe Greve Guldborgsund Holbæk Kalundborg Køge Lejre Lolland Næstved Odsherred Ringsted
    Roskilde Slagelse Solrød Sorø Stevns Vordingborg
    Assens Billund Esbjerg Fanø Fredericia Faaborg-Midtfyn Haderslev Kerteminde Kolding
    Langeland Middelfart Nordfyn Nyborg Odense Svendborg Sønderborg Tønder Varde Vejen Vejle
    Ærø Aabenraa
    Favrskov Hedensted Herning Holstebro Horsens Ikast-Brande Lemvig Norddjurs Odder Randers
    Ringkøbing-Skjern Samsø Silkeborg Skanderborg Skive Struer Syddjurs Viborg Aarhus
    Brønderslev Frederikshavn Hjørring Jammerbugt Læsø Mariagerfjord Morsø Rebild Thisted
    Vesthimmerland Aalborg""".split()
)

_DANISH = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}
_PLAIN = {"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"}


def _fold(text: str, table: dict[str, str]) -> str:
    text = "".join(table.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def slugify(name: str) -> str:
    """Danish name to ASCII slug: ``Lyngby-Taarbæk`` -> ``lyngby-taarbaek``."""
    return _fold(name, _DANISH)


def plain_ascii(name: str) -> str:
    """The spelling of someone without æøå on the keyboard: ``Hjørring`` -> ``hjorring``."""
    return _fold(name, _PLAIN)


def lookup_keys(name: str) -> set[str]:
    """Every key under which a name is found (slug, plain ASCII; hyphen-insensitive)."""
    keys = {slugify(name), plain_ascii(name)}
    return keys | {k.replace("-", "") for k in keys}


def resolve(name: str, kommuner: Iterable[str]) -> str:
    """Return the kommune (as written in ``kommuner``) that ``name`` refers to.

    Raises UnknownKommuneError with the closest known names."""
    known = list(kommuner)
    index: dict[str, str] = {}
    for kommune in known:
        for key in lookup_keys(kommune):
            index.setdefault(key, kommune)
    for key in sorted(lookup_keys(name)):
        if key in index:
            return index[key]
    close = difflib.get_close_matches(slugify(name), [slugify(k) for k in known], n=3, cutoff=0.5)
    by_slug = {slugify(k): k for k in known}
    raise UnknownKommuneError(name, [by_slug[c] for c in close])


_FILE_SUFFIX = re.compile(r"\.(pdf|docx|html?|txt|md|markdown|xhtml)$", re.IGNORECASE)


def looks_like_path(target: str) -> bool:
    """A command argument that names a file rather than a kommune ("rapport.pdf", "./x")."""
    return "/" in target or "\\" in target or bool(_FILE_SUFFIX.search(target))


def file_or_kommune(target: str):
    """An existing file as a Path, else the kommune name; a missing file is an error, not a kommune."""
    from pathlib import Path

    if Path(target).exists():
        return Path(target)
    if "@" in target:
        return target  # "horsens@2011-2015", "horsens@strategi.pdf": a kommune's version
    if looks_like_path(target):
        raise InputError(f"{target}: filen findes ikke.")
    return target
