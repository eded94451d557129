"""Exports read back: Danish Excel CSV, standard CSV, xlsx, JSON; formula injection."""

from __future__ import annotations

import csv
import json

import pytest

from strategikompas.errors import InputError
from strategikompas.export import Table, neutralise, write_tables

NASTY = ["=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)", "\tfane", "\rretur", "almindelig"]


def sample() -> Table:
    rows = [[f"K{i}", text, 0.125 + i, i] for i, text in enumerate(NASTY)]
    return Table("andele", ["kommune", "saetning", "andel", "antal"], rows, {"andel"})


def test_csv_default_is_danish_excel(tmp_path):
    path = tmp_path / "a.csv"
    t = sample()
    write_tables(path, [Table("andele", t.columns, t.rows, {"andel"})])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert rows[0] == ["kommune", "saetning", "andel", "antal"]
    assert rows[1][2] == "0,125" and rows[1][3] == "0"
    assert rows[2][2] == "1,125"


def test_csv_standard_dialect(tmp_path):
    path = tmp_path / "a.csv"
    t = sample()
    write_tables(path, [t], dialect="standard")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert [float(r["andel"]) for r in rows][:2] == [0.125, 1.125]


@pytest.mark.parametrize("dialect", ["excel-dk", "standard"])
def test_csv_formula_injection_neutralised(tmp_path, dialect):
    path = tmp_path / "a.csv"
    t = sample()
    write_tables(path, [t], dialect=dialect)
    delimiter = ";" if dialect == "excel-dk" else ","
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline=""), delimiter=delimiter))[1:]
    for row in rows:
        assert not row[1].startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert rows[-1][1] == "almindelig"
    assert rows[0][1] == "'" + NASTY[0]


def test_xlsx_sheets_frozen_numbers_and_injection(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "a.xlsx"
    other = Table("lighed", ["kommune", "cosinus"], [["A", 0.5]])
    write_tables(path, [sample(), other])
    book = load_workbook(path)
    assert book.sheetnames == ["andele", "lighed"]
    sheet = book["andele"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["kommune", "saetning", "andel", "antal"]
    assert sheet["C2"].value == 0.125 and sheet["C2"].number_format == "0.0%"
    assert isinstance(sheet["D3"].value, int)
    # A formula-like text is stored as text with Excel's quote prefix: the analyst sees
    # the text as written, with no "'" in front, and Excel never evaluates it.
    cells = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(NASTY))]
    assert [c.value for c in cells] == NASTY
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:-1])
    assert NASTY[-1] == "almindelig" and not cells[-1].quotePrefix  # ordinary text is left alone


def test_xlsx_widths_filter_and_wrap(tmp_path):
    from openpyxl import load_workbook

    long = "Vi vil bruge data til at planlægge bedre, og vi deler data på tværs af forvaltningerne, når borgerne har givet samtykke til det. " * 2
    table = Table("saetninger", ["kommune", "saetning", "andel"], [["Hjørring", long, 0.5], ["Ærø", "Kort.", 0.25]], {"andel"}, {"saetning"})
    path = tmp_path / "w.xlsx"
    write_tables(path, [table])
    sheet = load_workbook(path)["saetninger"]
    assert sheet.auto_filter.ref == "A1:C3"
    widths = {k: sheet.column_dimensions[k].width for k in "ABC"}
    assert 8 <= widths["A"] <= 12  # "Hjørring" and the header, not the default
    assert widths["B"] > 60 and sheet["B2"].alignment.wrap_text  # a sentence column: wide and wrapped
    assert not sheet["A2"].alignment.wrap_text


def test_json_round_trip(tmp_path):
    path = tmp_path / "a.json"
    write_tables(path, [sample()])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["andele"][0]["andel"] == 0.125


def test_missing_folder_is_input_error_and_no_file(tmp_path):
    with pytest.raises(InputError, match="findes ikke"):
        write_tables(tmp_path / "nope" / "a.csv", [Table("a", ["a"], [[1]])])
    assert not (tmp_path / "nope").exists()


def test_neutralise_leaves_numbers():
    assert neutralise(-3) == -3 and neutralise(-0.5) == -0.5 and neutralise("-x") == "'-x"


def test_export_command_writes_every_table_to_xlsx(runner, workspace_dir, tmp_path):
    from openpyxl import load_workbook

    from strategikompas.cli import app

    out = tmp_path / "alt.xlsx"
    result = runner.invoke(app, ["export", str(out), "--workspace", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert {"linksamling", "matrix", "andele", "dokumenter", "belaeg", "saerlige_ord", "lighed"} <= set(book.sheetnames)
    assert book["linksamling"].max_row == 65
    matrix = book["matrix"]
    header = [c.value for c in matrix[1]]
    assert header[:4] == ["kommune", "periode", "saetninger", "borger"] and "antal_borger" in header
    assert matrix.cell(row=2, column=4).number_format == "0.0%"
    for row in matrix.iter_rows(min_row=2, values_only=True):  # each share beside its count and base
        values = dict(zip(header, row, strict=True))
        assert values["antal_borger"] == round(values["borger"] * values["saetninger"])
    # the sentence sheet (read by SQLite out of the stored JSON) says what the store's rows say
    from strategikompas.store import Store
    from strategikompas.workspace import open_workspace

    sheet = book["saetninger"]
    columns = [c.value for c in sheet[1]]
    ids = [c for c in columns if f"score_{c}" in columns]
    by_doc: dict[str, list[dict]] = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        by_doc.setdefault(row[columns.index("dokument")], []).append(dict(zip(columns, row, strict=True)))
    assert by_doc and len(ids) == 10
    with Store(open_workspace(workspace_dir).store_path) as store:
        for doc_id, got in by_doc.items():
            stored = store.sentences(doc_id, terms=False)
            assert [g["nr"] for g in got] == [r.sentence_no for r in stored]
            for g, r in zip(got, stored, strict=True):
                assert g["saetning"] == r.sentence and g["side"] == r.page
                assert {lid for lid in ids if g[lid] == 1} == set(r.labels) and all(g[lid] in (0, 1) for lid in ids)
                assert [g[f"score_{lid}"] for lid in ids] == [r.scores.get(lid, 0.0) for lid in ids]


def test_export_command_csv_per_table(runner, workspace_dir, tmp_path):
    from strategikompas.cli import app

    result = runner.invoke(app, ["export", str(tmp_path / "alt.csv"), "--workspace", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "alt_linksamling.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "alt_andele.csv").exists()
    # Bug: the message said "Wrote .../alt.csv", a file that is not there; it names the files written.
    assert str(tmp_path / "alt.csv") not in result.output
    named = result.output.split("filer: ", 1)[1].split(" (")[0].split(", ")
    assert sorted(named) == sorted(str(p) for p in tmp_path.glob("alt_*.csv")) and len(named) == 10


def test_list_xlsx_and_json(runner, workspace_dir, tmp_path):
    from openpyxl import load_workbook

    from strategikompas.cli import app

    x, j = tmp_path / "l.xlsx", tmp_path / "l.json"
    result = runner.invoke(app, ["list", "--xlsx", str(x), "--json", str(j), "--workspace", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    assert load_workbook(x)["linksamling"].max_row == 65
    assert len(json.loads(j.read_text(encoding="utf-8"))["linksamling"]) == 64


def test_list_export_missing_folder_exit_2_no_file(runner, workspace_dir, tmp_path):
    from strategikompas.cli import app

    result = runner.invoke(app, ["list", "--xlsx", str(tmp_path / "nope" / "l.xlsx"), "--workspace", str(workspace_dir)])
    assert result.exit_code == 2 and "findes ikke" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_formula_injection_from_a_strategy_sentence_is_neutralised_in_compare_exports(runner, workspace_dir, tmp_path):
    """A strategy whose sentence starts with '=' reaches the evidence table neutralised."""
    from openpyxl import load_workbook

    from strategikompas.cli import app

    text_file = next((workspace_dir / "corpus" / "hjoerring").glob("*.txt"))
    text = text_file.read_text(encoding="utf-8")
    nasty = ['=HYPERLINK("http://x";"klik") ' + p for p in text.split("\n\n") if p.strip()]
    text_file.write_text("\n\n".join(nasty), encoding="utf-8")  # every paragraph now opens with a formula
    x, c = tmp_path / "c.xlsx", tmp_path / "c.csv"
    result = runner.invoke(app, ["compare", "hjoerring", "horsens", "--xlsx", str(x), "--workspace", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(x)["belaeg"]
    column = [c.value for c in sheet[1]].index("saetning") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert any("HYPERLINK" in c.value for c in cells), [c.value for c in cells]
    assert all(c.data_type == "s" and (c.quotePrefix or not c.value.startswith(("=", "+", "-", "@"))) for c in cells)
    score = [c.value for c in sheet[1]].index("score") + 1
    assert all(isinstance(sheet.cell(row=r, column=score).value, (int, float)) for r in range(2, sheet.max_row + 1))
    assert runner.invoke(app, ["export", str(c), "--workspace", str(workspace_dir)]).exit_code == 0
    rows = list(csv.reader((tmp_path / "c_belaeg.csv").open(encoding="utf-8-sig", newline=""), delimiter=";"))[1:]
    assert any("HYPERLINK" in r[3] for r in rows)
    assert all(not r[3].startswith(("=", "+", "-", "@")) for r in rows)


def test_export_without_a_suffix_bug_classified_everything_before_refusing(runner, workspace_dir, tmp_path):
    from strategikompas.cli import app

    """Bug: 'export kortlaegning' (no .xlsx) classified every document, then said
    "Unknown export format ''"."""
    result = runner.invoke(app, ["export", str(tmp_path / "kortlaegning"), "--workspace", str(workspace_dir)])
    assert result.exit_code == 2 and "lad filnavnet ende på .csv, .xlsx, .json" in result.output
    assert "Læst" not in result.output
    assert not (workspace_dir / "results" / "strategikompas.sqlite").exists()
    assert not (tmp_path / "kortlaegning").exists()


def test_xlsx_cells_of_every_kind_read_back_as_written(tmp_path):
    """The workbook is written as SpreadsheetML by our own writer: openpyxl reads each kind
    of cell back as it was given (text with spaces at its ends, a carriage return, a tab,
    quotes and markup characters, booleans, ints, floats, an empty cell), characters XML
    cannot hold are dropped, and a number that is not finite is left empty."""
    from openpyxl import load_workbook

    rows = [
        ["  to mellemrum foran", 1, 0.5, True],
        ["<b>&amp;</b> \"citat\" 'enkelt'", -2, 1e-7, False],
        ["linje\rnæste", None, float("nan"), 3],
        ["styre\x01tegn\x0b", 2**40, float("inf"), "=1+1"],
    ]
    write_tables(tmp_path / "k.xlsx", [Table("celler", ["tekst", "heltal", "decimal", "blandet"], rows), Table("anden", ["a"], [["b"]])])
    book = load_workbook(tmp_path / "k.xlsx")
    sheet = book["celler"]
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert got[0] == ["  to mellemrum foran", 1, 0.5, True]
    assert got[1] == ["<b>&amp;</b> \"citat\" 'enkelt'", -2, 1e-7, False]
    assert got[2] == ["linje\rnæste", None, None, 3]
    assert got[3] == ["styretegn", 2**40, None, "=1+1"] and sheet["D5"].quotePrefix and sheet["D5"].data_type == "s"
    assert book.sheetnames == ["celler", "anden"] and book["anden"]["A2"].value == "b"


def test_xlsx_rows_of_text_and_numbers_through_the_fast_path(tmp_path):
    """Rows of only text, ints and finite floats are written through a template per row
    shape; the same odd texts come back as written that way too (a text longer than a
    cell can hold is cut with an ellipsis)."""
    from openpyxl import load_workbook

    texts = ["  mellemrum i begge ender  ", "<b>&amp;</b> {0} {1}", "linje\rnæste\nlinje", "fane\tfane", "\x01 styretegn foran", "x" * 40_000]
    rows = [[t, i, i / 3] for i, t in enumerate(texts)]
    write_tables(tmp_path / "f.xlsx", [Table("hurtig", ["tekst", "nr", "tredjedel"], rows)])
    got = [[c.value for c in row] for row in load_workbook(tmp_path / "f.xlsx")["hurtig"].iter_rows(min_row=2)]
    expected = [[t.replace("\x01", ""), i, i / 3] for i, t in enumerate(texts)]
    expected[-1][0] = "x" * 32_766 + "…"  # Excel's limit on a cell: 32,767 characters
    assert got == expected


def test_xlsx_empty_cell_in_a_fast_row_keeps_the_cells_after_it_in_their_columns(tmp_path):
    """The fast path writes cells without references, one after another: an empty value
    (a text document's page) is an empty cell, so the columns after it do not move left."""
    from openpyxl import load_workbook

    rows = [["Horsens", None, "Sætning uden side.", 1, 0.25], ["Horsens", 4, "Sætning på side 4.", 0, 0.75],
            [None, 5, "Uden kommune.", 0, 0.5], ["Horsens", 6, "Uden score.", 1, None]] * 3
    write_tables(tmp_path / "t.xlsx", [Table("saetninger", ["kommune", "side", "saetning", "data", "score_data"], rows)])
    sheet = load_workbook(tmp_path / "t.xlsx")["saetninger"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == rows
    assert sheet["C2"].value == "Sætning uden side." and sheet["E2"].value == 0.25 and sheet["B2"].value is None


def test_sheet_named_with_a_quote_keeps_its_filter(tmp_path):
    import zipfile

    from openpyxl import load_workbook

    write_tables(tmp_path / "q.xlsx", [Table("kommunens' tal", ["a", "b"], [[1, 2], [3, 4]])])
    sheet = load_workbook(tmp_path / "q.xlsx")["kommunens' tal"]
    assert sheet.auto_filter.ref == "A1:B3" and sheet["B3"].value == 4
    workbook = zipfile.ZipFile(tmp_path / "q.xlsx").read("xl/workbook.xml").decode("utf-8")
    assert "&apos;kommunens&apos;&apos; tal&apos;!$A$1:$B$3" in workbook or "'kommunens'' tal'!$A$1:$B$3" in workbook


def _long_rows() -> list[list[object]]:
    texts = ["Almindelig sætning.", "linje\n=ikke en formel", "<b>&</b>", "=1+1", "  mellemrum  ", "\x02styretegn"]
    return [[texts[i % len(texts)], i, i / 7, None if i % 5 else "afsnit"] for i in range(41)]


def _sheet_of(rows, split=True):
    from strategikompas import xlsx
    from strategikompas.export import _FORMULA_START

    sheet = xlsx.Sheet("lang", [["tekst", "nr", "andel", "afsnit"], *rows], [10, 5, 5, 8], frozenset({0}), frozenset())
    return b"".join(xlsx._sheet_xml(sheet, True, _FORMULA_START, split))


def _writers(monkeypatch, tmp_path, rows) -> set[str]:
    """Which processes wrote a part of the sheet of ``rows``: each call of ``_render``
    leaves a file named for this process or a forked one."""
    import os

    from strategikompas import xlsx

    parent, render = os.getpid(), xlsx._render

    def recording(writer, rows, start, stop):
        (tmp_path / ("this" if os.getpid() == parent else "forked")).write_text(str(start))
        return render(writer, rows, start, stop)

    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "_render", recording)
        _sheet_of(rows)
    return {p.name for p in tmp_path.iterdir() if p.name in ("this", "forked")}


def test_xlsx_long_sheet_written_in_two_halves_reads_back_whole(tmp_path, monkeypatch):
    """A sheet longer than SPLIT_ROWS is written in two halves at once (the second by a
    forked process): the XML is byte for byte the one written in one piece, and openpyxl
    reads every row back in its place."""
    from openpyxl import load_workbook

    from strategikompas import xlsx

    rows = _long_rows()
    monkeypatch.setattr(xlsx, "SPLIT_ROWS", 10**9)
    whole = _sheet_of(rows)
    monkeypatch.setattr(xlsx, "SPLIT_ROWS", 5)
    assert _sheet_of(rows) == whole
    assert _writers(monkeypatch, tmp_path, rows) == {"this", "forked"}  # the halves really were written by two processes
    write_tables(tmp_path / "l.xlsx", [Table("lang", ["tekst", "nr", "andel", "afsnit"], rows)])
    sheet = load_workbook(tmp_path / "l.xlsx")["lang"]
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert got == [[str(r[0]).replace("\x02", ""), *r[1:]] for r in rows]
    assert sheet["A5"].quotePrefix and not sheet["A3"].quotePrefix


def test_xlsx_half_whose_process_fails_is_written_by_this_process(monkeypatch, tmp_path):
    """If the forked process that writes the second half fails, this process writes that
    half itself: the sheet is the same, nothing is lost or doubled."""
    import os

    from strategikompas import xlsx

    rows = _long_rows()
    monkeypatch.setattr(xlsx, "SPLIT_ROWS", 10**9)
    whole = _sheet_of(rows)
    monkeypatch.setattr(xlsx, "SPLIT_ROWS", 5)
    parent, render = os.getpid(), xlsx._render

    def failing_in_the_child(writer, rows, start, stop):
        if os.getpid() != parent:
            (tmp_path / "forked").write_text(str(start))
            raise RuntimeError("the child fails")
        return render(writer, rows, start, stop)

    monkeypatch.setattr(xlsx, "_render", failing_in_the_child)
    assert _sheet_of(rows) == whole
    assert (tmp_path / "forked").exists()  # a forked process did start on its half, and failed


def _values(path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def _export_split(ws_root, target, monkeypatch, split: bool, in_child=None, in_parent=None):
    """``export_all`` of the workspace to ``target``, its sentence sheet split over two
    processes (``split``: the bundled corpus is short, so the limit is lowered) or not;
    ``in_child`` / ``in_parent`` wrap ``compare.sentence_rows`` in that process."""
    import os

    from strategikompas import codebook, fullexport, xlsx
    from strategikompas import compare as cmp
    from strategikompas.workspace import open_workspace

    ws = open_workspace(ws_root)
    parent, read = os.getpid(), cmp.sentence_rows

    def sentence_rows(ws_, result, columns):
        wrap = in_parent if os.getpid() == parent else in_child
        return wrap(read, ws_, result, columns) if wrap else read(ws_, result, columns)

    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "SPLIT_ROWS", 10 if split else 10**9)
        patch.setattr(fullexport, "usable_cores", lambda: 2)
        patch.setattr(cmp, "sentence_rows", sentence_rows)
        fullexport.export_all(ws, codebook.load(ws.codebook_path), target)
    return _values(target)


def test_export_sentence_sheet_read_and_written_in_two_processes_is_the_one_written_in_one(compared_workspace, tmp_path, monkeypatch):
    # The later documents' sentences are read and written as XML (deflated) in a forked
    # process while this one does the rest: every sheet reads back the same, and the
    # forked process really did read its documents.
    import os

    whole = _export_split(compared_workspace, tmp_path / "one.xlsx", monkeypatch, split=False)
    assert len(whole["saetninger"]) > 20

    def recording(read, ws, result, columns):
        (tmp_path / f"read-by-{os.getpid()}").write_text(",".join(c.doc_id for c in columns))
        return read(ws, result, columns)

    split = _export_split(compared_workspace, tmp_path / "two.xlsx", monkeypatch, split=True, in_child=recording)
    assert split == whole
    child = [p.read_text().split(",") for p in tmp_path.glob("read-by-*")]
    docs = {row[2] for row in whole["saetninger"][1:]}
    assert len(child) == 1 and child[0] and set(child[0]) < docs  # the child read some of the documents, not all


def test_export_sentence_sheet_whose_forked_process_fails_is_written_whole_here(compared_workspace, tmp_path, monkeypatch):
    whole = _export_split(compared_workspace, tmp_path / "one.xlsx", monkeypatch, split=False)

    def failing(read, ws, result, columns):
        raise RuntimeError("the child fails")

    assert _export_split(compared_workspace, tmp_path / "two.xlsx", monkeypatch, split=True, in_child=failing) == whole


def test_export_sentence_sheet_bug_rows_numbered_wrong_when_the_store_changed_after_the_sentences_were_counted(compared_workspace, tmp_path, monkeypatch):
    # The forked process numbers its rows after the count of the earlier documents'
    # sentences; if the store holds another number by the time they are read here (a
    # classify run in between), its rows would leave a gap or overwrite others. They are
    # then read and numbered here: the sheet holds every row read, once, in order.
    whole = _export_split(compared_workspace, tmp_path / "one.xlsx", monkeypatch, split=False)
    dropped = []

    def one_less(read, ws, result, columns):
        rows = read(ws, result, columns)
        if not dropped:  # the parent's first read: its documents
            dropped.append(rows.pop(0))
        return rows

    split = _export_split(compared_workspace, tmp_path / "two.xlsx", monkeypatch, split=True, in_parent=one_less)
    expected = [row for row in whole["saetninger"] if row[2:4] != tuple(dropped[0][2:4])]  # (dokument, nr) names a sentence
    assert split["saetninger"] == expected and len(expected) == len(whole["saetninger"]) - 1


def test_zip_archive_of_pieces_deflated_here_and_elsewhere_reads_back(tmp_path):
    # a member made of bytes deflated here and parts deflated by another process (raw
    # deflate streams one after another): zipfile reads each member back whole, CRC checked
    import zipfile

    from strategikompas import xlsx

    texts = [b"<a>" * 5000, b"", "æøå\n".encode() * 3000, b"x"]
    parts = [xlsx.Part(t, 1, xlsx.deflated(t)) for t in texts]
    members = [("one.xml", [texts[0]]), ("mixed.xml", [texts[0], parts[2], texts[3], parts[1], parts[0]]), ("parts.xml", parts), ("empty.xml", [])]
    data = xlsx.zip_archive(members)
    assert data == xlsx.zip_archive(members)  # the same pieces, the same bytes
    (tmp_path / "a.zip").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert archive.testzip() is None
        assert archive.read("mixed.xml") == texts[0] + texts[2] + texts[3] + texts[1] + texts[0]
        assert archive.read("parts.xml") == b"".join(texts) and archive.read("empty.xml") == b""
