"""KL's link collection (``data/linksamling.csv``): load, validate, derive.

The CSV holds the 64 rows of the "Linksamling" table in KL's mapping
"Kommunernes strategiske arbejde med digitalisering"."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import DataFileError
from .fileio import write_csv
from .names import slugify

COLUMNS = ["kommune", "slug", "form", "form_type", "link_text", "url", "period_text", "start_year", "end_year"]
FORM_TYPES = ("digitaliseringsstrategi", "principper", "politik", "model", "plan", "del_af_anden_strategi", "andet")
STATUSES = ("gældende", "udløbet", "ukendt")


@dataclass(frozen=True)
class LinkRow:
    kommune: str
    slug: str
    form: str
    form_type: str
    link_text: str
    url: str
    period_text: str
    start_year: int | None
    end_year: int | None

    def status(self, today: dt.date | None = None) -> str:
        """``gældende`` until the end of its end year, then ``udløbet``; ``ukendt`` with no end year."""
        return period_status(self.end_year, today)


def period_status(end_year: int | None, today: dt.date | None = None) -> str:
    if end_year is None:
        return "ukendt"
    year = (today or dt.date.today()).year
    return "gældende" if end_year >= year else "udløbet"


def parse_period(text: str) -> tuple[int | None, int | None]:
    """Years from KL's period text.

    "2016-2020" -> (2016, 2020); "Fra 2017" -> (2017, None); "Godkendt 2019" -> (2019, None);
    "Frem til 2025" -> (None, 2025); "2018-" -> (2018, None); "2021" -> (2021, None); "-" -> (None, None).
    """
    text = text.strip()
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]
    if not years:
        return None, None
    if re.match(r"(?i)frem til|indtil|til\b", text):
        return None, years[-1]
    if len(years) >= 2:
        return years[0], years[-1]
    return years[0], None


_FORM_RULES: list[tuple[str, str]] = [
    (r"del af|planstrategi|udviklingsstrategi|koncernledelsens strategi|hørsholmstrategi", "del_af_anden_strategi"),
    (r"\bmodel", "model"),
    (r"princip|pejlemærke", "principper"),
    (r"politik", "politik"),
    (r"plan\b", "plan"),
    (r"digitaliserings.*strategi|strategi for digital|it-strategi|it- og digitaliseringsstrategi", "digitaliseringsstrategi"),
]


def form_type(form: str) -> str:
    """Normalise KL's free-text form ("Digitaliserings-principper") into one of FORM_TYPES."""
    lowered = form.lower().replace("digitaliserings-", "digitaliserings")
    for pattern, kind in _FORM_RULES:
        if re.search(pattern, lowered):
            return kind
    return "andet"


def row_from_table(kommune: str, form: str, link_text: str, period_text: str) -> LinkRow:
    """Build a row from the four visible cells of KL's table."""
    start, end = parse_period(period_text)
    url = link_text if re.match(r"https?://", link_text) else ""
    return LinkRow(kommune, slugify(kommune), form, form_type(form), link_text, url, period_text, start, end)


def parse_seed_table(text: str) -> list[LinkRow]:
    """Rows of the tab-separated Linksamling table in the seed text (header lines skipped)."""
    rows = []
    started = False
    for line in text.splitlines():
        if line.startswith("Linksamling over"):
            started = True
            continue
        if not started or "\t" not in line or line.startswith("Kommune\t"):
            continue
        cells = (line.split("\t") + ["", "", ""])[:4]
        rows.append(row_from_table(*(c.strip() for c in cells)))
    return rows


def year_cell(value: str, path: Path | str, line: int, column: str) -> int | None:
    """A year cell of a data file: four digits or empty; a bad one is named by line and column."""
    value = value.strip()
    if value == "":
        return None
    if not re.fullmatch(r"(19|20)\d\d", value):
        raise DataFileError(path, f"'{value}' er ikke et årstal (forventet fire cifre eller tom)", line, column)
    return int(value)


def load(path: Path) -> list[LinkRow]:
    """Load and validate the link collection; a bad row is reported by line and column."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(path, "filen findes ikke (kør 'strategikompas init DIR' for at oprette en arbejdsmappe)")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DataFileError(path, f"mangler kolonne(r) {', '.join(missing)}; forventet {', '.join(COLUMNS)}", 1)
            rows = []
            seen: set[str] = set()
            for line, raw in enumerate(reader, start=2):
                if None in raw or any(raw[c] is None for c in COLUMNS):
                    raise DataFileError(path, "forkert antal felter", line)
                rows.append(_validate(raw, path, line, seen))
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"ikke UTF-8-tekst ({exc.reason})") from exc
    if not rows:
        raise DataFileError(path, "ingen rækker")
    return rows


def _validate(raw: dict[str, str], path: Path | str, line: int, seen: set[str]) -> LinkRow:
    """One row checked; ``path`` names where it is from in messages (a file, or a PDF's page)."""
    kommune = raw["kommune"].strip()
    if not kommune:
        raise DataFileError(path, "tom celle", line, "kommune")
    slug = raw["slug"].strip()
    if slug != slugify(kommune):
        raise DataFileError(path, f"slug '{slug}' passer ikke til kommune '{kommune}' (forventet '{slugify(kommune)}')", line, "slug")
    if slug in seen:
        raise DataFileError(path, f"kommune '{kommune}' står der to gange", line, "kommune")
    seen.add(slug)
    kind = raw["form_type"].strip()
    if kind not in FORM_TYPES:
        raise DataFileError(path, f"ukendt form_type '{kind}' (en af {', '.join(FORM_TYPES)})", line, "form_type")
    url = raw["url"].strip()
    if url and not re.match(r"https?://", url):
        raise DataFileError(path, f"url '{url}' er ikke en http(s)-adresse", line, "url")
    start = year_cell(raw["start_year"], path, line, "start_year")
    end = year_cell(raw["end_year"], path, line, "end_year")
    if start and end and end < start:
        raise DataFileError(path, f"end_year {end} ligger før start_year {start}", line, "end_year")
    return LinkRow(kommune, slug, raw["form"].strip(), kind, raw["link_text"].strip(), url, raw["period_text"].strip(), start, end)


def save(path: Path, rows: list[LinkRow]) -> None:
    write_csv(path, COLUMNS, ([getattr(r, c) for c in COLUMNS] for r in rows))


def summary(rows: list[LinkRow], today: dt.date | None = None) -> tuple[Counter, Counter]:
    """Counts per form type and per status."""
    return Counter(r.form_type for r in rows), Counter(r.status(today) for r in rows)
