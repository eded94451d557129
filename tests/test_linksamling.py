"""data/linksamling.csv against KL's seed table, period parsing, form types, validation."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from strategikompas import linksamling
from strategikompas.errors import DataFileError

from conftest import ROOT, SEEDS, needs_shared

CSV = ROOT / "data" / "linksamling.csv"


def seed_cells() -> list[list[str]]:
    """The table's cells read straight from the seed text, independent of the library."""
    text = needs_shared(SEEDS / "kl-kortlaegning-digitalisering.txt").read_text(encoding="utf-8")
    body = text.split("Linksamling over offentligt tilgængelige digitaliseringsstrategier", 1)[1]
    rows = []
    for line in body.splitlines():
        if "\t" in line and not line.startswith("Kommune\t"):
            rows.append([c.strip() for c in (line.split("\t") + ["", "", ""])[:4]])
    return rows


def csv_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_has_every_seed_row_in_order():
    seed = seed_cells()
    rows = csv_rows()
    assert len(seed) == 64
    assert [r["kommune"] for r in rows] == [s[0] for s in seed]
    for row, (kommune, form, link_text, period) in zip(rows, seed, strict=True):
        assert (row["kommune"], row["form"], row["link_text"], row["period_text"]) == (kommune, form, link_text, period)


def test_only_full_url_rows_carry_a_url():
    with_url = {r["kommune"]: r["url"] for r in csv_rows() if r["url"]}
    assert set(with_url) == {"Ishøj", "Odder"}
    assert with_url["Odder"] == "https://www.odder.dk/media/memkubdr/digitaliseringsstrategi2021-2025_odder_kommune.pdf"
    assert with_url["Ishøj"].startswith("https://ishoj.dk/api/sbsys/attachment/?id=601f87fd")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2016-2020", (2016, 2020)),
        ("Fra 2017", (2017, None)),
        ("Godkendt 2019", (2019, None)),
        ("Frem til 2025", (None, 2025)),
        ("-", (None, None)),
        ("", (None, None)),
        ("2018-", (2018, None)),
        ("2021", (2021, None)),
    ],
)
def test_parse_period(text, expected):
    assert linksamling.parse_period(text) == expected


def test_csv_years_follow_period_text():
    for row in csv_rows():
        start, end = linksamling.parse_period(row["period_text"])
        assert row["start_year"] == ("" if start is None else str(start)), row["kommune"]
        assert row["end_year"] == ("" if end is None else str(end)), row["kommune"]


@pytest.mark.parametrize(
    "kommune, expected",
    [
        ("Allerød", "digitaliseringsstrategi"),
        ("Brønderslev", "principper"),
        ("Esbjerg", "politik"),
        ("Gentofte", "model"),
        ("Hillerød", "plan"),
        ("Gladsaxe", "del_af_anden_strategi"),
        ("Vallensbæk", "del_af_anden_strategi"),
        ("Faxe", "principper"),
        ("Viborg", "andet"),
        ("Struer", "digitaliseringsstrategi"),
    ],
)
def test_form_type(kommune, expected):
    assert {r["kommune"]: r["form_type"] for r in csv_rows()}[kommune] == expected


def test_status_is_computed_from_today():
    rows = linksamling.load(CSV)
    odder = next(r for r in rows if r.kommune == "Odder")
    assert odder.status(dt.date(2024, 6, 1)) == "gældende"
    assert odder.status(dt.date(2025, 12, 31)) == "gældende"
    assert odder.status(dt.date(2026, 1, 1)) == "udløbet"
    assert next(r for r in rows if r.kommune == "Kolding").status(dt.date(2030, 1, 1)) == "ukendt"
    # KL counted 8 expired strategies in 2021; by 2021 the count must be computed, not copied.
    expired_2021 = sum(r.status(dt.date(2021, 6, 1)) == "udløbet" for r in rows)
    expired_now = sum(r.status(dt.date(2026, 11, 25)) == "udløbet" for r in rows)
    assert expired_now > expired_2021


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


HEADER = ",".join(linksamling.COLUMNS) + "\n"


def test_loader_reports_bad_year_by_line_and_column(tmp_path):
    path = write(tmp_path / "l.csv", HEADER + "Odder,odder,X,andet,,,2021,2021,2025\nHorsens,horsens,X,andet,,,x,20x5,\n")
    with pytest.raises(DataFileError) as info:
        linksamling.load(path)
    assert info.value.line == 3 and info.value.column == "start_year"
    assert "l.csv, linje 3, kolonne 'start_year'" in str(info.value)


def test_loader_reports_wrong_slug(tmp_path):
    path = write(tmp_path / "l.csv", HEADER + "Hjørring,hjorring,X,andet,,,,,\n")
    with pytest.raises(DataFileError, match="forventet 'hjoerring'") as info:
        linksamling.load(path)
    assert (info.value.line, info.value.column) == (2, "slug")


def test_loader_reports_missing_column(tmp_path):
    path = write(tmp_path / "l.csv", "kommune,slug\nOdder,odder\n")
    with pytest.raises(DataFileError, match="mangler kolonne"):
        linksamling.load(path)


def test_loader_reports_unknown_form_type_and_short_row(tmp_path):
    with pytest.raises(DataFileError, match="ukendt form_type 'strategi'"):
        linksamling.load(write(tmp_path / "a.csv", HEADER + "Odder,odder,X,strategi,,,,,\n"))
    with pytest.raises(DataFileError, match="forkert antal felter"):
        linksamling.load(write(tmp_path / "b.csv", HEADER + "Odder,odder,X\n"))


def test_loader_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="filen findes ikke"):
        linksamling.load(tmp_path / "nope.csv")
