"""PDF layout: headings from font size and weight, two-column reading order, hyphens,
running headers/footers, fake bold; generated with reportlab, and the real PDF in shared/."""

from __future__ import annotations

from pathlib import Path

import pytest

from strategikompas.extract import extract_path
from strategikompas.extract.model import Block
from strategikompas.extract.pdf import (
    Line,
    expand_ligatures,
    paragraph_text,
    replacement_warnings,
    undouble,
)

from conftest import REAL_PDF, needs_shared

LEFT = [
    "Borgerne skal møde en digital kommune, der er let at",
    "bruge. Vi udvikler selvbetjening sammen med borgerne,",
    "og vi tester løsningerne, før de tages i brug. Digitali-",
    "seringen skal gavne alle, også dem der har brug for hjælp.",
]
RIGHT = [
    "Data er en fælles ressource. Vi deler data på tværs af",
    "forvaltningerne, når loven tillader det, og vi passer på",
    "borgernes oplysninger. Informationssikkerhed er et fælles",
    "ansvar for alle ledere og medarbejdere i kommunen.",
]


def two_column_pdf(path: Path, pages: int = 3) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(60, height - 30, "ODDER KOMMUNE DIGITALISERINGSSTRATEGI 2024-2027")  # running header
        c.drawString(width - 80, 25, f"Side {number}")  # footer
        if number == 1:
            c.setFont("Helvetica-Bold", 24)
            c.drawString(60, height - 90, "Digitaliseringsstrategi 2024-2027")
            c.setFont("Helvetica-Bold", 16)
            c.drawString(60, height - 140, "Vores fokusområder")
        c.setFont("Helvetica-Bold", 12)
        # the right column's heading is drawn first: the file's order is not the reading order
        c.drawString(width / 2 + 15, height - 180, f"Data og sikkerhed {number}")
        c.drawString(60, height - 180, f"Digital service {number}")
        c.setFont("Helvetica", 8)
        for i, line in enumerate(RIGHT):
            c.drawString(width / 2 + 15, height - 200 - 11 * i, line)
        for i, line in enumerate(LEFT):
            c.drawString(60, height - 200 - 11 * i, line)
        c.showPage()
    c.save()
    return path


def test_two_columns_are_read_one_after_the_other(tmp_path):
    s = extract_path(two_column_pdf(tmp_path / "to-kolonner.pdf"))
    text = "\n".join(x.text for x in s.sections)
    assert "hjælp." in text and text.index("også dem der har brug for hjælp") < text.index("Data er en fælles ressource")
    assert "Borgerne skal møde en digital kommune, der er let at bruge." in text


def test_headings_by_size_and_weight_make_themes_with_pages(tmp_path):
    s = extract_path(two_column_pdf(tmp_path / "to-kolonner.pdf"))
    assert s.title == "Digitaliseringsstrategi 2024-2027"
    assert s.period == "2024-2027"
    titles = [(t.title, t.page) for t in s.themes]
    assert titles[:2] == [("Digital service 1", 1), ("Data og sikkerhed 1", 1)]
    assert ("Data og sikkerhed 3", 3) in titles
    assert s.themes[0].text.startswith("Borgerne skal møde")


def test_line_end_hyphen_is_repaired(tmp_path):
    s = extract_path(two_column_pdf(tmp_path / "to-kolonner.pdf", pages=1))
    text = " ".join(x.text for x in s.sections)
    assert "Digitaliseringen skal gavne alle" in text and "Digitali-" not in text


def test_running_header_and_footer_are_removed(tmp_path):
    s = extract_path(two_column_pdf(tmp_path / "to-kolonner.pdf", pages=4))
    text = " ".join(x.text for x in s.sections) + s.title
    assert "ODDER KOMMUNE DIGITALISERINGSSTRATEGI" not in text
    assert "Side 2" not in text and "Side 4" not in text


def test_fake_bold_doubled_text_is_kept_once(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "fed.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica-Bold", 24)
    c.drawString(72, 800, "Strategi 2030")
    c.setFont("Helvetica", 18)
    for dx in (0, 0.4):  # fake bold: the same heading drawn twice, a hair apart
        c.drawString(72 + dx, 760, "Vision")
    c.setFont("Helvetica", 10)
    c.drawString(72, 730, "Vi vil være Danmarks mest digitale kommune i 2030.")
    c.showPage()
    c.save()
    s = extract_path(path)
    text = " ".join([s.title, *(x.text for x in s.sections), *(x.title for x in s.sections)])
    body = " ".join(x.text for x in s.sections)
    assert body.count("Vision") == 1, body  # the heading once in the text: not doubled, not lost
    assert "VViissiioonn" not in text and "Vision Vision" not in text
    assert s.vision and "Danmarks mest digitale kommune" in s.vision[0]


def test_undouble_and_ligatures():
    assert undouble("VViissiioonn") == "Vision"
    assert undouble("Vision") == "Vision" and undouble("Aaaa") == "Aaaa"
    assert expand_ligatures("\ufb01re \ufb02ade e\ufb00ekt") == "fire flade effekt"


def test_real_pdf_vision_and_four_fokusomraader_with_pages():
    s = extract_path(needs_shared(REAL_PDF))
    assert s.pages == 20 and s.period == "2026-2029" and s.document_type == "strategi" and s.language == "da"
    assert s.vision[0] == "Sammen om digitale rammer og løsninger på fælles udfordringer"
    assert [(t.title, t.page) for t in s.themes] == [
        ("En brugervenlig digital offentlig sektor", 10),
        ("En ansvarlig og værdiskabende anvendelse af ny teknologi", 12),
        ("Et sammenhængende digitalt fundament", 14),
        ("Et fælles samarbejde om øget digital suverænitet og digital udvikling i Europa", 18),
    ]
    vision_pages = {x.page for x in s.sections if x.kind == "vision"}
    assert 7 in vision_pages


def test_real_pdf_running_header_and_hyphens():
    s = extract_path(needs_shared(REAL_PDF))
    text = "\n".join(x.text for x in s.sections)
    assert "DEN FÆLLESOFFENTLIGE DIGITALISERINGSSTRATEGI 2026-2029" not in text
    assert "fællesoffentlige digitaliseringsstrategier tegnet de store linjer" in text
    assert "\x02" not in text and "\ufffe" not in text and "virksom- heder" not in text
    # page 9 lists the four areas in two columns; read in order 1, 2, 3, 4
    page9 = next(x.text for x in s.sections if x.page == 9)
    positions = [page9.index(f"FOKUSOMRÅDE {n}") for n in (1, 2, 3, 4)]
    assert positions == sorted(positions)


@pytest.mark.parametrize("bad", ["zero"])
def test_zero_page_pdf_is_named(tmp_path, bad):
    import pypdfium2

    path = tmp_path / "tom.pdf"
    pdf = pypdfium2.PdfDocument.new()
    pdf.save(str(path))
    pdf.close()
    from strategikompas.extract.detect import DocumentError

    with pytest.raises(DocumentError, match="tom.pdf: PDF'en har ingen sider"):
        extract_path(path)


def test_extract_tree_shows_vision_themes_and_pages(runner, tmp_path):
    from strategikompas.cli import app

    pdf = two_column_pdf(tmp_path / "strategi.pdf", pages=2)
    result = runner.invoke(app, ["extract", str(pdf), "--kommune", "Odder", "--workspace", str(tmp_path / "nope")])
    assert result.exit_code == 2  # a missing workspace is a usage error, before any work
    from strategikompas.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    result = runner.invoke(app, ["extract", str(pdf), "--kommune", "Odder", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "Temaer (4)" in result.output and "s. 1: Digital service 1" in result.output
    assert "s. 2: Data og sikkerhed 2" in result.output
    assert " ".join(result.output.split()).startswith("Digitaliseringsstrategi 2024-2027 (Odder, 2 sider, strategi, 2024-2027, sprog da)")


def test_replacement_character_is_flagged_with_its_pages():
    blocks = [Block("Digitalisering", 1), Block("Bedre \ufffdkonomi", 3), Block("Vi \ufffdnsker", 5), Block("Ok", 6)]
    assert replacement_warnings(blocks, "x.pdf") == ["x.pdf: indeholder U+FFFD (tegn, som PDF'ens skrifttyper ikke oversætter til tekst) på siderne 3, 5"]
    assert replacement_warnings(blocks[:1], "x.pdf") == []


def test_bold_run_in_headings_in_a_pdf_are_principles(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "principper.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica-Bold", 22)
    c.drawString(72, 780, "Principper for digitalisering 2025-2028")
    c.setFont("Helvetica-Bold", 15)
    c.drawString(72, 740, "Vores digitale principper")
    y = 710
    for lead, text in [("Digitalt først:", "vi vælger den digitale løsning, når den skaber værdi."),
                       ("Data genbruges:", "borgerne oplyser kun det samme én gang.")]:
        c.setFont("Helvetica-Bold", 10)
        c.drawString(72, y, lead)
        c.setFont("Helvetica", 10)
        c.drawString(72 + c.stringWidth(lead + " ", "Helvetica-Bold", 10), y, text)
        y -= 30
    c.showPage()
    c.save()
    s = extract_path(path)
    assert s.document_type == "principper"
    assert [(p.title, p.text) for p in s.principles] == [
        ("Digitalt først", "vi vælger den digitale løsning, når den skaber værdi."),
        ("Data genbruges", "borgerne oplyser kun det samme én gang."),
    ]


def test_line_end_hyphen_after_an_abbreviation_is_kept():
    def lines(*texts):
        return [Line(t, 1, 0, 0, 100, 10, 10, False) for t in texts]

    assert paragraph_text(lines("vi styrker digitali-", "seringen af", "it-", "systemerne og IT-", "Sikkerhed")) == (
        "vi styrker digitaliseringen af it-systemerne og IT- Sikkerhed"
    )


def test_sentence_cut_by_page_break_bug_is_joined_again(tmp_path):
    """Bug: a paragraph that ran on to the next page became two paragraphs, so its
    sentence was cut in two ("... ansvar for politisk involvering i" / "teknologi-
    udnyttelse, der kan ..."), and each half was classified and quoted on its own."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from strategikompas.extract.pdf import read_pdf

    path = tmp_path / "sideskift.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.setFont("Helvetica", 10)
    c.drawString(60, height - 100, "Direktionen har ansvar for rammerne. Herunder ansvar for politisk")
    c.drawString(60, height - 113, "involvering i arbejdet med digitali-")
    c.drawString(width - 80, 25, "Side 1")
    c.showPage()
    c.setFont("Helvetica", 10)
    c.drawString(60, height - 100, "seringen og teknologiudnyttelse, der kan understøtte ambitionerne.")
    c.drawString(60, height - 140, "en sætning med lille begyndelse efter et punktum står for sig selv.")
    c.drawString(width - 80, 25, "Side 2")
    c.showPage()
    c.save()
    read = read_pdf(path)
    assert read.pages == 2
    assert [(b.text, b.page) for b in read.blocks] == [
        (
            "Direktionen har ansvar for rammerne. Herunder ansvar for politisk involvering i arbejdet "
            "med digitaliseringen og teknologiudnyttelse, der kan understøtte ambitionerne.",
            1,  # the page where the sentence starts
        ),
        ("en sætning med lille begyndelse efter et punktum står for sig selv.", 2),
    ]


def test_text_paragraph_cut_by_page_break_is_joined_but_not_after_a_full_stop():
    from strategikompas.extract.text import text_blocks

    text = (
        "- Direktionen har ansvar for rammesætning. Herunder ansvar for politisk involvering i\n\n---\n\n"
        "teknologiudnyttelse, der kan understøtte særlige samfundsudfordringer\n\n"
        "## Organisering\n\n"
        "fase 0 er afsluttet.\n\n"
        "Vi arbejder videre.\n\n"
        "også dette er et eget afsnit, fordi det forrige sluttede med punktum."
    )
    assert [(b.text, b.bullet, b.level) for b in text_blocks(text)] == [
        ("Direktionen har ansvar for rammesætning. Herunder ansvar for politisk involvering i "
         "teknologiudnyttelse, der kan understøtte særlige samfundsudfordringer", True, 0),
        ("Organisering", False, 2),
        ("fase 0 er afsluttet.", False, 0),  # after a heading: not a continuation
        ("Vi arbejder videre.", False, 0),
        ("også dette er et eget afsnit, fordi det forrige sluttede med punktum.", False, 0),
    ]


def _columns_pdf(path: Path, left: list[str], right: list[str], box: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    c.setFont("Helvetica", 9)
    for i, line in enumerate(left):
        c.drawString(60, height - 100 - 11 * i, line)
    for i, line in enumerate(right):
        c.drawString(width / 2 + 15, height - 100 - 11 * i, line)
    for i, line in enumerate(box):  # 4 empty lines below the longer column
        c.drawString(60, height - 100 - 11 * (len(left) + 4 + i), line)
    c.showPage()
    c.save()
    return path


def test_longer_column_end_was_read_after_the_other_column_bug(tmp_path):
    """Bug: the last lines of a left column that runs longer than the right one were taken
    for a box under both columns and read after the right column, which cut a sentence
    in two ("Fælles er også, at digi-" ... "talisering kan være en vigtig del")."""
    from strategikompas.extract.pdf import read_pdf

    left = [f"Venstre spalte linje {i} om digitale løsninger og" for i in range(1, 6)] + [
        "fælles udfordringer. Fælles er også, at digi-",
        "talisering kan være en vigtig del af løsningen.",
        "Den sidste linje i venstre spalte slutter her.",
    ]
    right = ["Højre spalte begynder med en ny sætning om", "data og sikkerhed i kommunen."]
    box = ["En boks under begge spalter med et citat."]
    blocks = read_pdf(_columns_pdf(tmp_path / "spalter.pdf", left, right, box)).blocks
    texts = [b.text for b in blocks]
    assert len(texts) == 3, texts
    assert texts[0].startswith("Venstre spalte linje 1") and texts[0].endswith("Den sidste linje i venstre spalte slutter her.")
    assert "at digitalisering kan være en vigtig del af løsningen." in texts[0]
    assert texts[1] == "Højre spalte begynder med en ny sætning om data og sikkerhed i kommunen."
    assert texts[2] == "En boks under begge spalter med et citat."  # apart from the column: after both


def test_hyphen_drawn_as_its_own_run_was_taken_for_a_line_end_mark_bug(tmp_path):
    """Bug: a "-" that the PDF draws as a separate text run (another font, as in the real
    PDF's "EU-regulering", "it-arkitektur", "2026-2029") was taken for pdfium's soft-hyphen
    mark: the hyphen vanished and the next line was glued on ("EU reguleringog")."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    from strategikompas.extract.pdf import read_pdf

    path = tmp_path / "bindestreg.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    x, y = 60, A4[1] - 100
    for part, font in [("Et komplekst landskab af EU", "Helvetica"), ("-", "Helvetica-Bold"), ("regulering", "Helvetica")]:
        c.setFont(font, 10)
        c.drawString(x, y, part)
        x += stringWidth(part, font, 10)
    c.setFont("Helvetica", 10)
    c.drawString(60, y - 12, "og strømninger fra det globale samfund.")
    c.showPage()
    c.save()
    blocks = read_pdf(path).blocks
    assert [b.text for b in blocks] == ["Et komplekst landskab af EU-regulering og strømninger fra det globale samfund."]


def test_real_pdf_keeps_hyphens_inside_words():
    from strategikompas.extract.pdf import read_pdf

    blocks = read_pdf(needs_shared(REAL_PDF)).blocks
    text = "\n".join(b.text for b in blocks)
    for phrase in ["EU-regulering og strømninger", "Fælles it-arkitektur", "75-89-årige", "strategi 2026-2029.", "tech-aktørers forretningsmodeller"]:
        assert phrase in text, phrase
    assert "reguleringog" not in text
