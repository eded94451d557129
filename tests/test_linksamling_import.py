"""linksamling import: a PDF built with reportlab in the layout of KL's Linksamling table,
with real link annotations, read back and compared with the seed table."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from strategikompas import linksamling
from strategikompas.cli import app
from strategikompas.linksamling_pdf import read_pdf

from conftest import SEEDS, needs_shared

HEADER = ["Kommune", "Strategi/principper/politik", "Periode", "Link til hjemmeside"]
SEED_HEADER = ["Kommune", "Form", "Link til hjemmeside", "Perioden"]  # the order in the seed text


def seed_rows() -> list[linksamling.LinkRow]:
    text = needs_shared(SEEDS / "kl-kortlaegning-digitalisering.txt").read_text(encoding="utf-8")
    return linksamling.parse_seed_table(text)


def url_for(row: linksamling.LinkRow) -> str:
    """The address behind the link: KL's own where the text is one, else a made-up one;
    an empty cell (Faxe) has no link."""
    if not row.link_text:
        return ""
    return row.url or f"https://www.{row.slug}.invalid/digitalisering/strategi.pdf"


def build_pdf(path: Path, rows: list[linksamling.LinkRow], extra_rows: list[list[str]] = (), link=url_for, header=HEADER) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    style = ParagraphStyle("cell", fontName="Helvetica", fontSize=7, leading=8.5)
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    cell = lambda text: Paragraph(escape(text), style)  # noqa: E731
    body = [[cell(h) for h in header]]
    for row in rows:
        href = escape(link(row), {'"': "&quot;"})
        anchor = Paragraph(f'<a href="{href}">{escape(row.link_text)}</a>', style)
        cells = {"Kommune": cell(row.kommune), "Periode": cell(row.period_text), "Perioden": cell(row.period_text), "Link til hjemmeside": anchor}
        body.append([cells.get(h, cell(row.form)) for h in header])
    body += [[cell(c) for c in extra] for extra in extra_rows]
    other = Table([[cell("Tema"), cell("Antal")], [cell("Data"), cell("12")]], style=grid)  # another table first
    story = [other, Spacer(1, 12), Paragraph("Linksamling over offentligt tilgængelige digitaliseringsstrategier", style),
             Table(body, colWidths=[460 if h.startswith("Link") else 150 if h != "Kommune" and not h.startswith("Period") else 70 for h in header], style=grid, repeatRows=0)]
    SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=30, rightMargin=30).build(story)
    return path


@pytest.mark.parametrize("header", [HEADER, SEED_HEADER], ids=["kl-pdf-order", "seed-order"])
def test_round_trip_matches_the_seed_table(tmp_path, header):
    seeds = seed_rows()
    pdf = build_pdf(tmp_path / "linksamling.pdf", seeds, extra_rows=[["", "Uden kommune", "2020", "x"]], header=header)
    result = read_pdf(pdf)
    got = [(r.kommune, r.form, r.link_text, r.period_text) for r in result.rows]
    assert got == [(r.kommune, r.form, r.link_text, r.period_text) for r in seeds]
    assert [r.url for r in result.rows] == [url_for(r) for r in seeds]
    assert [(r.slug, r.form_type, r.start_year, r.end_year) for r in result.rows] == [(r.slug, r.form_type, r.start_year, r.end_year) for r in seeds]
    assert len(result.problems) == 1 and "uden kommune" in result.problems[0]
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) > 1  # the table runs over pages without repeating its header


def test_cli_writes_a_loadable_collection_and_reports_unparsed_rows(tmp_path):
    seeds = seed_rows()
    pdf = build_pdf(tmp_path / "kl.pdf", seeds, extra_rows=[["", "", "", "løs tekst"]])
    out = tmp_path / "linksamling.csv"
    result = CliRunner().invoke(app, ["linksamling", "import", str(pdf), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(seeds)} kommuner, {sum(1 for r in seeds if r.link_text)} med URL" in result.output
    assert "Kunne ikke læses" in result.output and "løs tekst" in result.output
    loaded = linksamling.load(out)
    assert [r.kommune for r in loaded] == [r.kommune for r in seeds]
    assert loaded[0].url == url_for(seeds[0])


def test_non_http_link_is_reported_and_left_empty(tmp_path):
    seeds = seed_rows()[:3]
    pdf = build_pdf(tmp_path / "kl.pdf", seeds, link=lambda r: "mailto:digital@kommune.dk" if r.kommune == "Allerød" else url_for(r))
    result = read_pdf(pdf)
    assert [r.url for r in result.rows] == [url_for(seeds[0]), "", url_for(seeds[2])]
    assert any("mailto:" in p for p in result.problems)


def test_pdf_without_the_table_is_bad_input(tmp_path, runner: CliRunner):
    from reportlab.pdfgen import canvas

    path = tmp_path / "tom.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "Ingen tabel her")
    c.save()
    result = runner.invoke(app, ["linksamling", "import", str(path), "--output", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "ingen linksamlingstabel" in result.output
    assert not (tmp_path / "x.csv").exists()
    missing = runner.invoke(app, ["linksamling", "import", str(tmp_path / "nope.pdf"), "--output", str(tmp_path / "x.csv")])
    assert missing.exit_code == 2 and "filen findes ikke" in missing.output


@pytest.mark.parametrize("cells, expected", [(["Kommune", "Form", "Link til hjemmeside", "Perioden"], {"kommune": 0, "form": 1, "link": 2, "period": 3}), (["Albertslund", "Politik", "x", "2019"], None)])
def test_header_columns(cells, expected):
    from strategikompas.linksamling_pdf import header_columns

    assert header_columns(cells) == expected


def test_duplicate_kommune_is_reported_and_left_out(tmp_path):
    seeds = seed_rows()[:3]
    pdf = build_pdf(tmp_path / "kl.pdf", [*seeds, seeds[1]])
    result = read_pdf(pdf)
    assert [r.kommune for r in result.rows] == [r.kommune for r in seeds]
    assert any("står der to gange" in p and seeds[1].kommune in p for p in result.problems)


def test_linksamling_import_help_has_an_example(runner: CliRunner):
    result = runner.invoke(app, ["linksamling", "import", "--help"])
    assert result.exit_code == 0 and "Eksempel: strategikompas linksamling import" in result.output
