"""compare beyond the shares: evidence, keyness, TF-IDF cosine, structure, --all, exports."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from strategikompas import compare as cmp
from strategikompas import textstats
from strategikompas.cli import app
from strategikompas.digest import Digest
from strategikompas.extract.model import Item, Strategy
from strategikompas.store import SentenceRow


def run(runner, *args, ws):
    return runner.invoke(app, [*args, "--workspace", str(ws)])


def row(no, text, labels, score=0.5, page=1):
    return SentenceRow(no, "other", "", page, text, labels, {lab: score for lab in labels}, {lab: ["x"] for lab in labels})


def test_strongest_evidence_takes_highest_score():
    rows = [row(1, "svag", ["data"], 0.5), row(2, "stærk", ["data"], 1.0, page=7), row(3, "anden", ["borger"], 1.0)]
    evidence = Digest.of(rows, None).evidence
    assert (evidence["data"][0].sentence, evidence["data"][0].page) == ("stærk", 7)
    assert [q.sentence for q in evidence["data"]] == ["stærk", "svag"] and "sikkerhed" not in evidence


def test_keyness_finds_overused_word_and_skips_stop_words():
    a = {"velfærdsteknologi": 20, "borger": 5}
    b = {"borger": 25, "data": 10}
    top = textstats.keyness(a, b)
    assert top[0][0] == "velfærdsteknologi" and top[0][1] > 0
    assert "og" not in textstats.words("Borgere og data og velfærd")
    assert textstats.words("Borgere og data") == ["borgere", "data"]
    assert textstats.words("40 km² og ½del, 3D-print og IT2030") == ["del", "print"]  # letters only, as isalpha reads them


def test_cosine_identical_and_disjoint():
    _, m = textstats.terms_and_similarity([{"a": 2, "b": 1}, {"a": 2, "b": 1}, {"c": 3}])
    assert abs(m[0][1] - 1.0) < 1e-9 and m[0][2] == 0.0 and abs(m[2][2] - 1.0) < 1e-9


def test_structure_side_by_side_with_built_strategies():
    one = Strategy("A", "T", "", "strategi", "da", None, vision=["Digitalt for alle"], principles=[Item("Borgeren først", "", 2)])
    two = Strategy("B", "T", "", "strategi", "da", None, themes=[Item("Data", "", 3), Item("Sikkerhed", "", 4)])
    rows = cmp.structure_rows([Digest.of([], s.to_json_dict()).outline for s in (one, two)])
    assert rows[0] == ["vision", "ja", "nej"]
    assert rows[1] == ["principper", 1, 0] and rows[2] == ["temaer", 0, 2]
    assert rows[4] == ["tematitler", "-", "Data; Sikkerhed"]


def test_compare_shows_facts_evidence_terms_similarity(runner, workspace_dir, tmp_path):
    out = tmp_path / "c.xlsx"
    result = run(runner, "compare", "hjoerring", "horsens", "--xlsx", str(out), ws=workspace_dir)
    assert result.exit_code == 0, result.output
    for part in ("Dokumenter", "Struktur", "vision", "Status", "Forskel", "Stærkeste belæg", "Særlige ord", "cosinus", "█"):
        assert part in result.output, part
    assert "»" in result.output
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert {"andele", "dokumenter", "belaeg", "saerlige_ord", "lighed"} <= set(book.sheetnames)
    header = [c.value for c in book["andele"][1]]
    assert header == ["kommune", "periode", "fokusomraade", "navn", "andel", "antal", "saetninger"]
    assert book["andele"].cell(row=2, column=5).number_format == "0.0%"
    for row in book["andele"].iter_rows(min_row=2, values_only=True):  # every share has its count and base
        assert row[5] == round(row[4] * row[6])


def test_compare_csv_default_is_danish_excel(runner, workspace_dir, tmp_path):
    out = tmp_path / "c.csv"
    assert run(runner, "compare", "hjoerring", "horsens", "--csv", str(out), ws=workspace_dir).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline=""), delimiter=";"))
    assert rows[0]["fokusomraade"] == "borger"
    shares = [r["hjoerring"] for r in rows]  # Danish decimals: a comma, never a point
    assert all(re.fullmatch(r"\d+(,\d+)?", v) for v in shares) and any("," in v for v in shares), shares


def test_compare_all_matrix_sorted(runner, workspace_dir, tmp_path):
    out = tmp_path / "m.json"
    result = run(runner, "compare", "--all", "--sort", "data", "--json", str(out), ws=workspace_dir)
    assert result.exit_code == 0, result.output
    import json

    matrix = json.loads(out.read_text(encoding="utf-8"))["matrix"]
    assert len(matrix) >= 2
    values = [r["data"] for r in matrix]
    assert values == sorted(values, reverse=True)


def test_compare_unknown_dialect_exit_2(runner, workspace_dir, tmp_path):
    result = run(runner, "compare", "hjoerring", "horsens", "--csv", str(tmp_path / "x.csv"), "--dialect", "tsv", ws=workspace_dir)
    assert result.exit_code == 2 and "Ukendt CSV-dialekt" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_compare_on_classified_documents_imports_no_spacy_or_sklearn(workspace_dir):
    cli = [sys.executable, "-c", "import sys; from strategikompas.cli import app; sys.argv=['strategikompas', *sys.argv[1:]]\n"
           "try:\n    app()\nexcept SystemExit as e:\n    code = e.code\nheavy = [m for m in ('spacy', 'sklearn') if m in sys.modules]\n"
           "print('HEAVY', heavy); sys.exit(code or 0)"]
    args = ["compare", "hjoerring", "horsens", "--workspace", str(workspace_dir)]
    first = subprocess.run([*cli, *args], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([*cli, *args], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "HEAVY []" in second.stdout, second.stdout[-500:]


def test_compare_all_bad_options_are_one_line_exit_2(runner, workspace_dir):
    for args, message in (
        (["compare", "--all", "--sort", "xyz"], "Ukendt fokusområde 'xyz'"),
        (["compare", "--all", "hjoerring"], "tager ingen kommuner"),
        (["compare", "hjoerring", "horsens", "--sort", "data"], "--sort virker med --all"),
    ):
        result = run(runner, *args, ws=workspace_dir)
        assert result.exit_code == 2, result.output
        assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_strongest_evidence_run_on_list_does_not_win_every_label():
    long = "data " + " ".join(["ord"] * 200)
    rows = [row(1, long, ["data"], 1.0), row(2, "Data bruges til bedre beslutninger.", ["data"], 1.0)]
    assert Digest.of(rows, None).evidence["data"][0].sentence.startswith("Data bruges")


def test_shares_per_section_kind_and_their_export_table():
    from strategikompas.compare import Comparison, Detail, shares_by_kind, tables

    rows = [row(1, "a", ["borger"]), row(2, "b", []), row(3, "c", ["data", "borger"])]
    rows[2].section_kind = "themes"
    kinds = shares_by_kind(Digest.of(rows, None), ["borger", "data"])
    assert kinds == {"other": (2, {"borger": 0.5, "data": 0.0}), "themes": (1, {"borger": 1.0, "data": 1.0})}
    from strategikompas.compare import Column

    col = Column("Testby", "testby", "T", "2020-2024", "d", {"borger": 2 / 3, "data": 1 / 3}, 3)
    result = Comparison([("borger", "Borgeren i centrum"), ("data", "Data")], [col])
    detail = Detail([], {"borger": [None], "data": [None]}, [[]], [[1.0]], [], [kinds])
    table = next(t for t in tables(result, detail) if t.name == "andele_afsnit")
    assert table.columns == ["kommune", "periode", "afsnitstype", "fokusomraade", "navn", "andel", "antal", "saetninger"]
    assert table.rows[0] == ["Testby", "2020-2024", "temaer", "borger", "Borgeren i centrum", 1.0, 1, 1]  # vision/principles/themes first
    assert ["Testby", "2020-2024", "øvrige", "data", "Data", 0.0, 0, 2] in table.rows


def test_distinctive_words_leave_out_the_kommuners_own_names():
    rows = [row(1, "Horsens Kommune vil digitalisere Horsens", []), row(2, "Horsens satser på velfærdsteknologi", [])]
    counts = textstats.word_counts(rows, frozenset({"horsens"}))
    assert "horsens" not in counts and counts["velfærdsteknologi"] == 1
    assert textstats.word_counts(rows)["horsens"] == 3


def test_compare_all_bug_cut_headers_sam_was_two_focus_areas(runner, workspace_dir, monkeypatch):
    """Bug: on an 80-column terminal the headers were cut to "sam…" for both sammenhaeng
    and samarbejde. A narrow terminal now gets numbered columns and a legend."""
    from strategikompas.cli import compare as cli_compare

    ids = ["borger", "sikkerhed", "vaerdi", "sammenhaeng", "effektivisering", "kompetencer", "teknologi", "data", "samarbejde", "organisering"]
    monkeypatch.setattr(cli_compare.console, "width", 80)
    narrow = run(runner, "compare", "--all", ws=workspace_dir)
    assert narrow.exit_code == 0, narrow.stdout
    assert "…" not in narrow.stdout
    table = narrow.stdout[narrow.stdout.index("Fokusområder: andel") :]
    assert all(len(line) <= 80 for line in table.splitlines()), table
    lines = narrow.stdout.splitlines()
    legend = " ".join(lines[lines.index(next(line for line in lines if line.startswith("1=borger"))):-1]).split()
    assert legend == [*(f"{n}={lid}" for n, lid in enumerate(ids, 1)), "Sætn.=sætninger"]

    monkeypatch.setattr(cli_compare.console, "width", 200)
    wide = run(runner, "compare", "--all", ws=workspace_dir)
    header = next(line for line in wide.stdout.splitlines() if "Kommune" in line)
    assert header.split()[2:] == ids
    assert "1=borger" not in wide.stdout


def test_compare_all_bug_numbered_even_at_120_columns(runner, workspace_dir, monkeypatch):
    """Bug: at 120 columns the matrix was still numbered; the ids now go over two
    header lines where one does not fit, and every row shows its number of sentences."""
    from strategikompas.cli import compare as cli_compare

    monkeypatch.setattr(cli_compare.console, "width", 120)
    result = run(runner, "compare", "--all", ws=workspace_dir)
    assert result.exit_code == 0, result.stdout
    table = result.stdout[result.stdout.index("Fokusområder: andel") :]
    assert "1=borger" not in table and all(len(line) <= 120 for line in table.splitlines()), table
    lines = table.splitlines()
    head = " ".join(lines[1:3])
    for word in ("Kommune", "Sætninger", "borger", "sammen-", "haeng", "samar-", "bejde", "data"):
        assert word in head.split(), head
    hjoerring = next(line for line in lines if line.startswith("Hjørring"))
    assert hjoerring.split()[1].isdigit() and "%" in hjoerring


def test_two_line_headers_break_between_syllables():
    from strategikompas.cli.compare import two_lines

    assert two_lines("data") == "data"
    assert two_lines("sammenhaeng") == "sammen-\nhaeng"
    assert two_lines("organisering") == "organi-\nsering"
    assert all(len(part) <= 9 for w in ("effektivisering", "kompetencer", "samarbejde") for part in two_lines(w).split("\n"))


def test_list_item_evidence_was_quoted_without_the_words_it_continues(runner, workspace_dir, tmp_path):
    """Bug: Herning's strongest borger evidence was the list item "det daglige møde med
    borgere og virksomheder", which means nothing without "Uanset, om vi er optaget af" in
    front of it. A list item's first sentence keeps its lead-in: stored, exported and shown."""
    from openpyxl import load_workbook

    from strategikompas.store import Store
    from strategikompas.workspace import open_workspace

    out = tmp_path / "sammenligning.xlsx"
    result = run(runner, "compare", "herning", "hjoerring", "--xlsx", str(out), ws=workspace_dir)
    assert result.exit_code == 0, result.output
    with Store(open_workspace(workspace_dir).store_path) as store:
        doc = next(d for d in store.db.execute("SELECT doc_id FROM documents WHERE kommune = 'Herning'"))[0]
        rows = store.sentences(doc)
    by_text = {r.sentence: r.context for r in rows}
    assert by_text["det daglige møde med borgere og virksomheder"] == "Uanset, om vi er optaget af"
    assert by_text["at understøtte faglig udvikling"] == "Uanset, om vi er optaget af"
    led = [r for r in rows if r.context]
    assert led and all(not r.sentence.endswith(":") for r in led)
    assert by_text["Med andre ord – en digitaliseringsstrategi til det samfund vi ønsker, og som har et ophæng i den samlede værdikæde."] == ""
    sheet = load_workbook(out)["belaeg"]
    header = [c.value for c in sheet[1]]
    quotes = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    for q in quotes:
        assert q["kontekst"] in ("", None) or q["kontekst"] == by_text.get(q["saetning"], q["kontekst"])
    flat = " ".join(result.output.split())
    table = tmp_path / "saetninger.csv"
    assert run(runner, "classify", "herning", "--csv", str(table), "--dialect", "standard", ws=workspace_dir).exit_code == 0
    with table.open(encoding="utf-8", newline="") as handle:
        in_csv = {r["saetning"]: r["kontekst"] for r in csv.DictReader(handle)}
    assert in_csv == by_text
    shown = [q for q in quotes if q["kommune"] == "Herning" and q["kontekst"]]
    assert shown  # Herning's list items carry several of its strongest quotes
    for q in shown:
        assert f"({q['kontekst']} …) »" in flat


def test_distinctive_terms_and_cosine_equal_the_pairwise_definitions():
    """The fast forms (total minus own, for every column at once; one matrix product) give the
    numbers of the definitions: each column against the sum of the others, and the cosine
    of two TF-IDF vectors computed pair by pair."""
    import math
    import random

    rng = random.Random(7)
    vocab = [f"ord{i}" for i in range(60)]
    counts = [{w: rng.randint(1, 6) for w in rng.sample(vocab, 25)} for _ in range(5)] + [{}]
    distinctive, matrix = textstats.terms_and_similarity(counts)
    for i, terms in enumerate(distinctive):
        reference: dict[str, int] = {}
        for j, other in enumerate(counts):
            if j != i:
                for w, n in other.items():
                    reference[w] = reference.get(w, 0) + n
        expected = textstats.keyness(counts[i], reference)
        assert [w for w, _ in terms] == [w for w, _ in expected]
        assert [g for _, g in terms] == pytest.approx([g for _, g in expected], rel=1e-12)
    n = len(counts)
    df = {w: sum(w in c for c in counts) for c in counts for w in c}
    vec = [{w: tf * (math.log((1 + n) / (1 + df[w])) + 1) for w, tf in c.items()} for c in counts]
    norm = [math.sqrt(sum(v * v for v in x.values())) for x in vec]
    for i in range(n):
        for j in range(n):
            expected = sum(v * vec[j].get(w, 0.0) for w, v in vec[i].items()) / (norm[i] * norm[j]) if norm[i] and norm[j] else 0.0
            assert matrix[i][j] == pytest.approx(expected, abs=1e-12)
