"""OCR for PDF pages without a text layer: real scans made in the test (reportlab draws
the text, pypdfium2 renders it to a picture, reportlab puts only the picture in a new PDF)
read by the real tesseract. "No tesseract" is a PATH without it, "no Danish data" and a
failing tesseract are the real program with an empty TESSDATA_PREFIX."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from scans import make_scan, scan_of
from strategikompas.cli import app
from strategikompas.extract import ocr
from strategikompas.extract.cache import extract_cached
from strategikompas.extract.detect import DocumentError
from strategikompas.extract.document import extract_path

from conftest import REAL_PDF, needs_shared

needs_tesseract = pytest.mark.skipif(ocr.engine() is None, reason="tesseract with Danish data is not installed (.ci/run installs it)")

PAGE_1 = ["Vi vil styrke informationssikkerheden, så borgerne", "kan have tillid til kommunens digitale løsninger."]
PAGE_2 = ["Medarbejderne skal have de digitale kompetencer,", "der skal til for at bruge ny teknologi."]
PAGE_3 = ["Data skal deles sikkert på tværs af forvaltningerne."]


@pytest.fixture
def fresh_ocr():
    """Look for tesseract anew in the test and again after it."""
    ocr.forget()
    yield
    ocr.forget()


@pytest.fixture
def without_tesseract(tmp_path, monkeypatch, fresh_ocr):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    ocr.forget()


def _text(strategy) -> dict[int, str]:
    pages: dict[int, str] = {}
    for section in strategy.sections:
        pages[section.page] = (pages.get(section.page, "") + " " + section.text).strip()
    return pages


@needs_tesseract
@pytest.mark.parametrize("workers", [1, 2])
def test_scanned_pages_are_read_by_ocr_with_their_page_numbers(tmp_path, fresh_ocr, monkeypatch, workers):
    monkeypatch.setattr(ocr, "WORKERS", workers)  # pages read one at a time, or two at once
    path = make_scan(tmp_path / "blandet.pdf", [PAGE_1, PAGE_2, PAGE_3], scanned={1, 3})
    strategy = extract_path(path)
    pages = _text(strategy)
    assert "Vi vil styrke informationssikkerheden, så borgerne kan have tillid til kommunens digitale løsninger." in pages[1]
    assert "Medarbejderne skal have de digitale kompetencer" in pages[2]  # the text layer
    assert "Data skal deles sikkert på tværs af forvaltningerne." in pages[3]
    assert strategy.ocr_pages == [1, 3] and strategy.unread_pages == []
    assert any("siderne 1, 3 uden tekstlag er læst med OCR (tesseract" in w for w in strategy.warnings)


@needs_tesseract
def test_running_header_on_scanned_pages_is_dropped(tmp_path, fresh_ocr):
    header = ["ODDER KOMMUNE DIGITALISERINGSSTRATEGI", ""]
    middle = ["", "Det gælder for hele kommunen.", ""]  # recurs too, but not at a page's edge
    pages = [header + body + middle + [f"Side {n}"] for n, body in enumerate([PAGE_1, PAGE_2, PAGE_3], start=1)]
    strategy = extract_path(make_scan(tmp_path / "scan.pdf", pages))
    text = " ".join(s.text for s in strategy.sections)
    assert "informationssikkerheden" in text and "kompetencer" in text and "forvaltningerne" in text
    assert "ODDER KOMMUNE DIGITALISERINGSSTRATEGI" not in text and "Side" not in text
    assert text.count("Det gælder for hele kommunen.") == 3


@needs_tesseract
def test_blank_page_is_not_sent_to_ocr(tmp_path, fresh_ocr):
    path = make_scan(tmp_path / "blank.pdf", [PAGE_1, []], scanned=set())
    strategy = extract_path(path)
    assert strategy.pages == 2 and strategy.ocr_pages == [] and strategy.unread_pages == []
    assert not any("OCR" in w for w in strategy.warnings)


@needs_tesseract
def test_picture_without_words_says_ocr_found_no_text(tmp_path, fresh_ocr):
    from reportlab.pdfgen import canvas

    path = tmp_path / "billede.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, fill=1)  # ink, but no words
    c.showPage()
    c.save()
    with pytest.raises(DocumentError, match=r"billede.pdf: intet tekstlag, og OCR fandt ingen tekst på side 1"):
        extract_path(path)


def test_scan_without_tesseract_names_what_to_install(tmp_path, without_tesseract):
    path = make_scan(tmp_path / "scan.pdf", [PAGE_1, PAGE_3])
    with pytest.raises(DocumentError, match=r"scan.pdf: intet tekstlag: kræver OCR \(tesseract er ikke installeret: installer tesseract-ocr og tesseract-ocr-dan"):
        extract_path(path)


def test_mixed_pdf_without_tesseract_keeps_its_text_and_names_the_unread_pages(tmp_path, without_tesseract):
    path = make_scan(tmp_path / "blandet.pdf", [PAGE_1, PAGE_2, PAGE_3], scanned={1, 3})
    strategy = extract_path(path)
    assert list(_text(strategy)) == [2]
    assert strategy.unread_pages == [1, 3] and strategy.ocr_pages == []
    assert any("siderne 1, 3 uden tekstlag blev ikke læst: tesseract er ikke installeret" in w for w in strategy.warnings)


@needs_tesseract
def test_tesseract_without_danish_data_is_named(tmp_path, monkeypatch, fresh_ocr):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a folder without dan.traineddata
    ocr.forget()
    assert ocr.engine() is None
    assert "tesseract har ikke de danske sprogdata: installer tesseract-ocr og tesseract-ocr-dan" in ocr.missing()


@needs_tesseract
def test_tesseract_failing_on_pages_names_them_and_keeps_the_rest(tmp_path, monkeypatch, fresh_ocr):
    path = make_scan(tmp_path / "blandet.pdf", [PAGE_1, PAGE_2, PAGE_3], scanned={1, 3})
    assert ocr.engine() is not None  # found with its data ...
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # ... which is then gone
    strategy = extract_path(path)
    assert list(_text(strategy)) == [2]
    assert strategy.unread_pages == [1, 3]
    assert [w.split(":")[0] for w in strategy.warnings if "tesseract fejlede" in w] == ["blandet.pdf"] * 2
    assert any(w.startswith("blandet.pdf: side 3 (intet tekstlag): tesseract fejlede") for w in strategy.warnings)


@needs_tesseract
def test_tesseract_failing_on_every_page_says_so(tmp_path, monkeypatch, fresh_ocr):
    path = make_scan(tmp_path / "scan.pdf", [PAGE_1, PAGE_3])
    assert ocr.engine() is not None
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(DocumentError, match=r"scan.pdf: intet tekstlag, og OCR fejlede: side 2 \(intet tekstlag\): tesseract fejlede"):
        extract_path(path)


def test_blank_pdf_says_its_pages_are_blank(tmp_path):
    path = make_scan(tmp_path / "tom.pdf", [[], []])
    with pytest.raises(DocumentError, match=r"tom.pdf: ingen tekst: siderne er tomme"):
        extract_path(path)


@needs_tesseract
def test_cached_extraction_with_unread_pages_is_redone_once_ocr_is_installed(tmp_path, monkeypatch, fresh_ocr):
    path = make_scan(tmp_path / "blandet.pdf", [PAGE_1, PAGE_2, PAGE_3], scanned={1, 3})
    cache = tmp_path / "cache"
    with monkeypatch.context() as m:
        m.setenv("PATH", str(tmp_path))
        ocr.forget()
        assert extract_cached(path, cache).unread_pages == [1, 3]
        assert extract_cached(path, cache).unread_pages == [1, 3]  # still no OCR: the entry serves
    ocr.forget()
    strategy = extract_cached(path, cache)
    assert strategy.ocr_pages == [1, 3] and strategy.unread_pages == []
    assert 1 in _text(strategy) and 3 in _text(strategy)


@needs_tesseract
def test_classify_a_scanned_pdf_gives_sentences_with_pages_and_says_ocr(runner, tmp_path, classified_workspace, fresh_ocr):
    path = make_scan(tmp_path / "scan.pdf", [PAGE_1, PAGE_2, PAGE_3])
    result = runner.invoke(app, ["classify", str(path), "--jsonl", "-", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_page = {row["page"]: row for row in rows}
    assert sorted(by_page) == [1, 2, 3]
    assert "sikkerhed" in by_page[1]["labels"] and "kompetencer" in by_page[2]["labels"]
    assert "læst med OCR" in result.stderr


@needs_tesseract
def test_facts_name_the_pages_read_by_ocr(tmp_path, fresh_ocr):
    from strategikompas.classify import extractor_name
    from strategikompas.revisions import EXTRACTOR_VERSION

    path = make_scan(tmp_path / "blandet.pdf", [PAGE_1, PAGE_2, PAGE_3, PAGE_1 + ["Side fire."]], scanned={1, 2, 4})
    assert extractor_name(path, extract_path(path)) == f"pdf + OCR s. 1-2, 4 (udtræk {EXTRACTOR_VERSION})"
    assert extractor_name(path) == f"pdf (udtræk {EXTRACTOR_VERSION})"


def test_page_span():
    from strategikompas.extract.model import page_span

    assert page_span([7, 1, 2, 3, 5]) == "1-3, 5, 7"
    assert page_span([4]) == "4"
    assert page_span([]) == ""


@needs_tesseract
def test_doctor_says_which_ocr_is_used(runner, workspace_dir, fresh_ocr):
    result = runner.invoke(app, ["doctor", "-w", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    assert f"OCR: tesseract {ocr.engine().version}, dan" in " ".join(result.output.split())


def test_doctor_without_tesseract_says_what_to_install(runner, workspace_dir, without_tesseract):
    result = runner.invoke(app, ["doctor", "-w", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    assert "OCR: ingen: tesseract er ikke installeret: installer tesseract-ocr og tesseract-ocr-dan" in " ".join(result.output.split())


@needs_tesseract
def test_evidence_from_a_scanned_page_says_ocr(runner, classified_workspace, tmp_path, fresh_ocr):
    from openpyxl import load_workbook

    path = make_scan(tmp_path / "scan.pdf", [["Digitaliseringsstrategi for Odder Kommune 2024-2027", ""] + PAGE_1, PAGE_2], scanned={1})
    assert runner.invoke(app, ["add", "odder", str(path), "-w", str(classified_workspace)]).exit_code == 0
    out = tmp_path / "sammenligning.xlsx"
    result = runner.invoke(app, ["compare", "odder", "hjoerring", "--xlsx", str(out), "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "informationssikkerheden" in flat and "(s. 1, OCR)" in flat and "(s. 2)" in flat
    sheet = load_workbook(out)["belaeg"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    odder = [r for r in rows if r["kommune"] == "Odder"]
    assert {(r["side"], r["ocr"]) for r in odder} <= {(1, "ja"), (2, "nej")} and (1, "ja") in {(r["side"], r["ocr"]) for r in odder}
    assert all(r["ocr"] == "nej" for r in rows if r["kommune"] == "Hjørring")


@needs_tesseract
def test_scanned_strategy_gets_its_title_vision_and_themes(tmp_path, fresh_ocr):
    pages = [
        ["Digitaliseringsstrategi for Odder Kommune 2024-2027", "", "Vision", "", "Vi vil være en digital kommune, hvor borgerne oplever en sammenhængende service."],
        ["Indsatsområder", "", "1. Digitale kompetencer", "", "Medarbejderne skal have de digitale kompetencer, der skal til.",
         "2. Informationssikkerhed", "", "Alle ledere kender reglerne for informationssikkerhed."],
    ]  # no blank line before "2. ...": OCR then reads it as the paragraph's last line
    strategy = extract_path(make_scan(tmp_path / "scan.pdf", pages))
    assert strategy.title == "Digitaliseringsstrategi for Odder Kommune 2024-2027" and strategy.period == "2024-2027"
    assert strategy.vision == ["Vi vil være en digital kommune, hvor borgerne oplever en sammenhængende service."]
    assert [(i.title, i.page) for i in strategy.themes] == [("Digitale kompetencer", 2), ("Informationssikkerhed", 2)]
    assert [(s.kind, s.title) for s in strategy.sections] == [("vision", "Vision"), ("themes", "Indsatsområder")]


@needs_tesseract
def test_scan_of_the_real_pdf_gets_the_structure_its_text_layer_gives(tmp_path, fresh_ocr):
    """The designed PDF in shared/pdfs as a scan (its pages as pictures): OCR and the
    structure rules must give what the text layer gives. Before: the table of contents was
    kept ("FOKUSOMRÅDE 1 ... .…….u.u..d.dsss 10") and opened a themes section on p. 3, the
    running header was a section on four pages (its page number stuck to it in three ways),
    the foreword's signatures were themes, each display title was cut after its first line
    ("En ansvarlig og"), and "VISIONEN KORT" was glued to the vision."""
    pages = {1, 3, 5, 7, 8, 9, 10, 12, 14, 18}  # the others are left white: not OCR'd
    scan = extract_path(scan_of(needs_shared(REAL_PDF), tmp_path / "scan.pdf", pages))
    layer = extract_path(REAL_PDF)
    assert scan.ocr_pages == sorted(pages)
    assert scan.title == layer.title == "DEN FÆLLESOFFENTLIGE DIGITALISERINGSSTRATEGI 2026-2029"
    assert scan.vision == layer.vision
    assert [(i.title, i.page) for i in scan.themes] == [(i.title, i.page) for i in layer.themes]
    assert len(scan.themes) == 4
    text = "\n".join(s.text for s in scan.sections)
    titles = [s.title for s in scan.sections]
    assert "Indhold" not in titles and not any(".…" in t or "...." in t for t in titles)
    assert "DEN FÆLLESOFFENTLIGE DIGITALISERINGSSTRATEGI 2026-2029" not in titles
    assert "Formand for KL" not in text and not any("Formand" in t for t in titles)

    def words(strategy, keep):
        return Counter(w.lower() for s in strategy.sections if s.page in keep for w in re.findall(r"\w+", s.text))

    want, got = words(layer, pages), words(scan, pages)
    common = sum((want & got).values())
    assert common / sum(want.values()) > 0.95 and common / sum(got.values()) > 0.95


def test_ocr_text_loses_running_header_page_numbers_contents_and_specks():
    from strategikompas.extract.pdf import _drop_running_lines

    header = "DEN FÆLLESOFFENTLIGE DIGITALISERINGSSTRATEGI 2026-2029"
    texts = {
        3: f"{header} 3\n\nIndhold\nFORORD ........ 5\nVISION ..u.u..dsss 7\nFOKUSOMRÅDE 1\nEn brugervenlig sektor …...sses 10\n\nEfter indholdet.",
        4: "4\n\nFOKUSOMRÅDE 1\n\nVi vil gøre det let.\n\nO\n\n82 %",
        5: f"{header}\n\nFOKUSOMRÅDE 2\n\nVi vil bruge ny teknologi.",
        6: f"6 {header}\n\nFOKUSOMRÅDE 3\n\nData skal deles.\n\neN",
    }
    out = {page: [line for line in text.splitlines() if line.strip()] for page, text in _drop_running_lines(texts).items()}
    assert out[3] == ["Efter indholdet."]  # header, "Indhold" and its entries (one over two lines)
    assert out[4] == ["FOKUSOMRÅDE 1", "Vi vil gøre det let.", "82 %"]  # page number and speck gone, a figure kept
    assert out[5] == ["FOKUSOMRÅDE 2", "Vi vil bruge ny teknologi."]  # markers atop pages are not a running header
    assert out[6] == ["FOKUSOMRÅDE 3", "Data skal deles."]


def test_ocr_display_title_split_over_paragraphs_is_one_heading():
    from strategikompas.extract.text import page_text_blocks

    text = ("FOKUSOMRÅDE 2\nEn ansvarlig og\n\nværdiskabende\n\nanvendelse\naf ny teknologi\n\n"
            "Danmark skal gå forrest i ansvarlig og værdiskabende brug af\n\nnye teknologier i den offentlige sektor.\n\n"
            "VISIONEN KORT\nEn moderne digital offentlig\nsektor, der fastholder\n\nborgernes tillid\n\n"
            "DEN FÆLLESOFFENTLIGE\nDIGITALISERINGSSTRATEGI\n2026-2029")
    blocks = [(b.text, bool(b.level)) for b in page_text_blocks(text, 12)]
    assert blocks[:3] == [("FOKUSOMRÅDE 2", True), ("En ansvarlig og værdiskabende anvendelse af ny teknologi", True),
                          ("Danmark skal gå forrest i ansvarlig og værdiskabende brug af", False)]
    assert ("En moderne digital offentlig sektor, der fastholder borgernes tillid", True) in blocks
    assert blocks[-1][0] == "DEN FÆLLESOFFENTLIGE DIGITALISERINGSSTRATEGI 2026-2029"  # a title in capitals stays one


@needs_tesseract
def test_stamped_scan_was_read_as_its_stamp_only(tmp_path, fresh_ocr):
    """Bug: a scan with a few characters stamped on it as text ("Bilag 4, side 1") has a
    text layer, so it was not sent to OCR: its text was the stamps, dropped as a running
    footer, and it failed with "its pages are blank". Pages with a few characters over a
    full-page picture are read by OCR, and OCR's text replaces the stamp."""
    pages = [PAGE_1 + [""] * 2 + PAGE_2, PAGE_3 + ["", "Alle medarbejdere skal kunne bruge de digitale værktøjer i hverdagen,",
                                                   "og lederne skal gå forrest med gode eksempler på digital praksis."]]
    strategy = extract_path(make_scan(tmp_path / "stamped.pdf", pages, stamp="Bilag 4, side {n}"))
    text = _text(strategy)
    assert strategy.ocr_pages == [1, 2]
    assert "informationssikkerheden" in text[1] and "kompetencer" in text[1]
    assert "forvaltningerne" in text[2] and "lederne" in text[2]
    assert sum(t.count("Bilag 4") for t in text.values()) <= 2  # OCR reads the stamp once a page at most


@needs_tesseract
def test_photo_page_with_a_short_caption_keeps_its_text_layer(tmp_path, fresh_ocr):
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    photo = Image.new("L", (400, 560), 90)  # a dark full-page picture, no words in it
    path = tmp_path / "photo.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(photo), 0, 0, *A4)
    c.setFillColorRGB(1, 1, 1)
    c.setFont("Helvetica-Bold", 28)
    c.drawString(60, 400, "82 % bruger MitID")  # the layer: 17 characters
    c.showPage()
    c.setFont("Helvetica", 12)
    c.drawString(60, 780, "Vi vil gøre det let for borgerne at bruge de digitale løsninger.")
    c.showPage()
    c.save()
    strategy = extract_path(path)
    assert strategy.ocr_pages == [] and strategy.unread_pages == []
    assert strategy.title == "82 % bruger MitID"  # from the layer, exactly (a big line on the first page is the title)
    assert not any("OCR" in w for w in strategy.warnings)


def test_stamped_scan_without_tesseract_says_it_needs_ocr(tmp_path, without_tesseract):
    with pytest.raises(DocumentError, match="kræver OCR"):  # the stamps recur: dropped as a footer
        extract_path(make_scan(tmp_path / "two.pdf", [PAGE_1, PAGE_2], stamp="Bilag 4, side {n}"))
    one = extract_path(make_scan(tmp_path / "one.pdf", [PAGE_1], stamp="Bilag 4, side {n}"))  # the stamp is all it has
    assert any("side 1: nogle få tegn over et helsidesbillede; hvis det er en scanning, kræver den OCR: tesseract er ikke installeret" in w
               for w in one.warnings)
