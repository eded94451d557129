"""Word documents (.docx): structure, pages, tables, bad files; then classify, add and fetch.
The documents are made by the tests with python-docx."""

from __future__ import annotations

import json
import zipfile

import pytest

from scans import make_docx
from strategikompas.cli import app
from strategikompas.extract.detect import DocumentError
from strategikompas.extract.document import extract_path


def test_word_document_gives_its_structure(tmp_path):
    strategy = extract_path(make_docx(tmp_path / "strategi.docx"), kommune="Odder")
    assert strategy.title == "Digitaliseringsstrategi for Odder Kommune 2024-2027"
    assert strategy.period == "2024-2027" and strategy.language == "da" and strategy.document_type == "strategi"
    assert strategy.vision == ["Vi vil være en digital kommune, hvor borgerne oplever sammenhængende service."]
    assert [i.title for i in strategy.principles] == ["Vi tænker digitalt først i alle nye løsninger", "Vi deler data sikkert på tværs af forvaltninger"]
    assert [i.title for i in strategy.themes] == ["1. Digitale kompetencer"]
    themes = next(s for s in strategy.sections if s.kind == "themes")
    assert "Alle ledere kender reglerne for informationssikkerhed." in themes.text
    assert themes.text.count("informationssikkerhed") == 1  # the merged cell once
    assert "Indsats" in themes.text


def test_pages_come_from_the_hard_page_break(tmp_path):
    strategy = extract_path(make_docx(tmp_path / "strategi.docx"))
    assert strategy.pages == 2
    assert {s.kind: s.page for s in strategy.sections} == {"vision": 1, "principles": 1, "themes": 2}


def test_pages_come_from_words_layout_and_are_not_counted_twice(tmp_path):
    strategy = extract_path(make_docx(tmp_path / "strategi.docx", rendered_breaks=True))
    assert strategy.pages == 2
    assert {s.kind: s.page for s in strategy.sections} == {"vision": 1, "principles": 1, "themes": 2}


def test_word_document_without_page_breaks_has_no_page_numbers(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Vi vil styrke informationssikkerheden i hele kommunen.")
    document.save(str(tmp_path / "kort.docx"))
    strategy = extract_path(tmp_path / "kort.docx")
    assert strategy.pages is None and all(s.page is None for s in strategy.sections)


@pytest.mark.parametrize(
    "name, make, problem",
    [
        ("itu.docx", lambda good: good[: len(good) // 2], "itu.docx: ødelagt Word-dokument"),
        ("gammel.doc", lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "gammel.doc: en gammel Word-fil (.doc) eller anden Office-fil: gem den som .docx eller PDF"),
        ("laast.docx", lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "laast.docx: krypteret (kræver en adgangskode)"),
    ],
)
def test_bad_word_files_are_named(tmp_path, name, make, problem):
    good = make_docx(tmp_path / "god.docx").read_bytes()
    path = tmp_path / name
    path.write_bytes(make(good))
    with pytest.raises(DocumentError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        extract_path(path)


def test_zip_that_is_not_a_word_document_is_refused(tmp_path):
    path = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("noter.txt", "Vi vil styrke informationssikkerheden.")
    with pytest.raises(DocumentError, match=r"arkiv.docx: ikke en PDF, et Word-dokument \(.docx\), en webside eller en tekstfil"):
        extract_path(path)


def test_classify_a_word_document_outside_the_corpus(runner, classified_workspace, tmp_path):
    path = make_docx(tmp_path / "strategi.docx")
    result = runner.invoke(app, ["classify", str(path), "--jsonl", "-", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {"vision", "principles", "themes"} <= {r["section_kind"] for r in rows}
    security = [r for r in rows if "informationssikkerhed" in r["sentence"]]
    assert security and "sikkerhed" in security[0]["labels"] and security[0]["page"] == 2


def test_add_a_word_document_to_the_corpus(runner, workspace_dir, tmp_path):
    path = make_docx(tmp_path / "Odder strategi.docx")
    result = runner.invoke(app, ["add", "odder", str(path), "-w", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    assert (workspace_dir / "corpus" / "odder" / "odder-strategi.docx").read_bytes() == path.read_bytes()
    assert "Word-dokument, 2 sider" in " ".join(result.output.split())


def test_docx_zip_bomb_ran_200_s_and_took_6_gb(tmp_path):
    """Issue: a .docx of 3 MB that unpacks to 3 GB ran 200 s, took 6 GB and ended in a
    MemoryError traceback. Its declared sizes are checked before anything is unpacked."""
    import time

    path = tmp_path / "bombe.docx"  # made with Python's zipfile: no code of ours
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:t>a</w:t>" * 2_000_000)  # 24 MB packed into about 50 kB
    assert path.stat().st_size < 200_000
    started = time.monotonic()
    with pytest.raises(DocumentError) as caught:
        extract_path(path)
    assert "bombe.docx" in str(caught.value) and "afvist" in str(caught.value)
    assert time.monotonic() - started < 30
