"""Reading documents by their bytes; PDFs generated with reportlab and the real one in shared/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from strategikompas.extract import extract_path
from strategikompas.extract.detect import DocumentError, detect, sniff

from conftest import REAL_PDF, needs_shared


def make_pdf(path: Path, pages: list[list[str]], **canvas_args) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, **canvas_args)
    for number, lines in enumerate(pages, start=1):
        y = 780
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.drawString(300, 40, str(number))  # a page number in the footer
        c.showPage()
    c.save()
    return path


def test_pdf_paragraphs_keep_their_page(tmp_path):
    pdf = make_pdf(tmp_path / "strategi.bin", [
        ["Vision", "", "Vi vil styrke den digitale service for borgerne."],
        ["Informationssikkerhed er et fælles ansvar for alle medarbejdere."],
    ])
    strategy = extract_path(pdf, kommune="Odder")
    assert strategy.pages == 2
    by_page = {s.page: s.text for s in strategy.sections if "borgerne" in s.text or "ansvar" in s.text}
    assert "borgerne" in by_page[1] and "ansvar" in by_page[2]
    assert not any(s.text.strip() in {"1", "2"} for s in strategy.sections), "page numbers must be removed"


def test_type_comes_from_bytes_not_name(tmp_path):
    pdf = make_pdf(tmp_path / "looks-like.txt", [["Digitaliseringsstrategi for kommunen."]])
    assert detect(pdf) == "pdf"
    page = tmp_path / "page.pdf"
    page.write_text("<!DOCTYPE html><html><body><p>Hej</p></body></html>", encoding="utf-8")
    assert detect(page) == "html"
    assert sniff("Almindelig tekst med æøå".encode()) == "text"


def test_encrypted_pdf_is_named(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", [["Hemmelig strategi"]], encrypt="hemmelig")
    with pytest.raises(DocumentError, match="locked.pdf: krypteret"):
        extract_path(path)


def test_truncated_pdf_is_named(tmp_path):
    whole = make_pdf(tmp_path / "whole.pdf", [["Digitaliseringsstrategi"] * 40] * 3)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[:400])
    with pytest.raises(DocumentError, match="cut.pdf: ødelagt eller ikke en PDF"):
        extract_path(cut)


@pytest.mark.parametrize("content, problem", [(b"", "filen er tom"), (b"\x00\x01\x02PK\x03\x04" * 50, "ikke en PDF, et Word-dokument (.docx), en webside eller en tekstfil")])
def test_empty_and_binary_files(tmp_path, content, problem):
    path = tmp_path / "x.dat"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=re.escape(f"x.dat: {problem}")):
        extract_path(path)


def test_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Digitalisering. " * 1000, encoding="utf-8")
    with pytest.raises(DocumentError, match="over grænsen"):
        detect(path, max_bytes=1000)


def test_real_pdf_text_with_pages():
    strategy = extract_path(needs_shared(REAL_PDF))
    assert strategy.pages == 20
    text = " ".join(s.text for s in strategy.sections)
    assert "\ufffe" not in text and "\x02" not in text
    assert "fællesoffentlige digitaliseringsstrategier" in text
    vision_pages = {s.page for s in strategy.sections if "Gennem et tæt og forpligtende samarbejde" in s.text}
    assert vision_pages == {7}  # the vision's body text is on page 7


def test_bad_document_does_not_stop_the_others(tmp_path, runner):
    """compare fails only for the bad document's kommune; classify reports it by name."""
    from strategikompas import codebook as cb
    from strategikompas.classify import classify_documents
    from strategikompas.corpus import load_manifest
    from strategikompas.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    (ws.corpus / "horsens" / "horsens-digitaliseringsstrategi-2011-2015.txt").write_bytes(b"")
    docs = load_manifest(ws.manifest_path)
    report = classify_documents(ws, docs, cb.load(ws.codebook_path))
    assert len(report.classified) == len(docs) - 1
    assert list(report.failed) == ["horsens/horsens-digitaliseringsstrategi-2011-2015.txt"]
    assert "filen er tom" in next(iter(report.failed.values()))


def test_extract_command_json_keys_on_a_file_outside_the_corpus(runner, tmp_path):
    import json

    from strategikompas.cli import app

    pdf = make_pdf(tmp_path / "andet.pdf", [["Strategi for digitalisering", "", "Vi vil styrke datasikkerheden."]])
    result = runner.invoke(app, ["extract", str(pdf), "--format", "json", "--kommune", "Odder"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["kommune", "title", "period", "document_type", "language", "pages", "vision", "principles", "themes", "sections", "warnings", "dropped", "ocr_pages", "unread_pages"]
    assert data["kommune"] == "Odder" and data["pages"] == 1
    assert any("datasikkerheden" in s["text"] and s["page"] == 1 for s in data["sections"])


def test_extract_command_by_kommune_and_bad_input(runner, workspace_dir, tmp_path):
    from strategikompas.cli import app

    tree = runner.invoke(app, ["extract", "hjorring", "--workspace", str(workspace_dir)])
    assert tree.exit_code == 0, tree.output
    assert "Hjørring Kommunes Digitaliseringsstrategi 2030" in tree.output
    empty = tmp_path / "tom.txt"
    empty.write_text("")
    bad = runner.invoke(app, ["extract", str(empty)])
    assert bad.exit_code == 2
    assert bad.output.strip() == f"Fejl: {empty}: filen er tom."
