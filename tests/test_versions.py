"""Versions of a kommune: naming one (horsens@2011-2015, a year, a file), comparing a
kommune with itself over time, and facts that belong to the compared document."""

from __future__ import annotations

import json

import pytest

from strategikompas import compare as cmp
from strategikompas import versions
from strategikompas.cli import app
from strategikompas.errors import InputError
from strategikompas.extract.model import Item, Strategy
from strategikompas.store import SentenceRow, Store
from strategikompas.workspace import open_workspace

OLD = "horsens/horsens-digitaliseringsstrategi-2011-2015.txt"
NEW = "horsens/horsens-digitaliseringspolitik-2021-2025.txt"


def run(runner, *args, ws):
    return runner.invoke(app, [*args, "--workspace", str(ws)])


def files(ws_root, *requested):
    return [s.document.file for s in versions.select(open_workspace(ws_root), list(requested))]


def test_a_version_is_named_by_period_year_or_file(workspace_dir):
    assert files(workspace_dir, "horsens") == [NEW]  # a name alone: the newest
    assert files(workspace_dir, "horsens@2011-2015", "Horsens@2013", "horsens@2021") == [OLD, OLD, NEW]
    assert files(workspace_dir, OLD, str(workspace_dir / "corpus" / NEW), "horsens@horsens-digitaliseringspolitik-2021-2025.txt") == [OLD, NEW, NEW]


@pytest.mark.parametrize(
    "requested, message",
    [
        ("horsens@1999", "Horsens har ingen version '1999' i korpus. Versioner: 2011-2015"),
        ("horsens@2010-2030", "passer på flere versioner af Horsens"),
        ("horsens@", "skriv en periode eller et år efter @"),
        ("horsens/findes-ikke.pdf", "findes ikke"),
        ("hørsholm@2020", "Hørsholm"),
    ],
)
def test_a_version_that_is_not_there_is_an_input_error_that_lists_the_versions(workspace_dir, requested, message):
    with pytest.raises(InputError, match=message):
        versions.select(open_workspace(workspace_dir), [requested])


def test_compare_a_kommune_with_its_earlier_strategy(runner, compared_workspace, tmp_path, monkeypatch):
    from strategikompas.cli import compare as cli_compare

    monkeypatch.setattr(cli_compare.console, "width", 220)  # cells on one line each
    out = tmp_path / "tid.xlsx"
    result = run(runner, "compare", "horsens@2011-2015", "horsens@2021-2025", "--xlsx", str(out), ws=compared_workspace)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Horsens 2011-2015" in text and "Horsens 2021-2025" in text and "Ændring" in text
    # every share with the number of sentences behind it, and the base of each column
    import re

    from strategikompas import codebook

    ws = open_workspace(compared_workspace)
    result_ = cmp.compare(ws, ["horsens@2011-2015", "horsens@2021-2025"], codebook.load(ws.codebook_path))
    for col in result_.columns:
        for lid, name in result_.labels:
            assert re.search(rf"{round(col.shares[lid] * 100)} % \({col.count(lid)}\)", text), (col.label, name)
    assert re.search(rf"sætninger i alt\s*│\s*{result_.columns[0].n_sentences}\s*│\s*{result_.columns[1].n_sentences}", text)
    for part in ("Fra Horsens 2011-2015 til Horsens 2021-2025", "Største ændringer:", "Nye titler:", "Udgåede titler:", "Nye belæg"):
        assert part in text, part
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert {"udvikling", "udvikling_struktur", "udvikling_belaeg"} <= set(book.sheetnames)
    sheet = book["udvikling"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 10 and {r["fra"] for r in rows} == {"2011-2015"} and {r["til"] for r in rows} == {"2021-2025"}
    for r in rows:
        assert r["aendring_pp"] == pytest.approx(round((r["andel_til"] - r["andel_fra"]) * 100, 1), abs=0.051)
    changed = book["udvikling_struktur"]
    assert {r[3] for r in changed.iter_rows(min_row=2, values_only=True)} == {"ny", "udgået"}
    # the struktur sheet names its columns by version
    assert [c.value for c in book["struktur"][1]] == ["felt", "Horsens 2011-2015", "Horsens 2021-2025"]


def test_compare_over_time_takes_every_version_oldest_first(runner, compared_workspace, tmp_path):
    out = tmp_path / "tid.csv"
    result = run(runner, "compare", "horsens", "--over-time", "--csv", str(out), "--dialect", "standard", ws=compared_workspace)
    assert result.exit_code == 0, result.output
    assert result.stdout.index("Horsens 2011-2015") < result.stdout.index("Horsens 2021-2025")
    assert out.read_text(encoding="utf-8").splitlines()[0] == "fokusomraade,navn,horsens@2011-2015,horsens@2021-2025"


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "horsens", "horsens"], "Det samme dokument er nævnt to gange"),
        (["compare", "horsens@2013", OLD], "Det samme dokument er nævnt to gange"),
        (["compare", "hjoerring", "--over-time"], "Hjørring har kun én version i korpus"),
        (["compare", "hjoerring", "horsens", "--over-time"], "--over-time tager én kommune"),
        (["compare", "horsens@2013", "--over-time"], "--over-time tager en kommune uden version"),
    ],
)
def test_versions_bad_usage_is_one_line_exit_2(runner, workspace_dir, args, message):
    result = run(runner, *args, ws=workspace_dir)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_facts_bug_form_and_status_came_from_kls_row_not_the_compared_document(compared_workspace):
    """Bug: compare showed Horsens' form "Digitaliseringspolitik" (KL's 2021-2025 row)
    beside the 2011-2015 document it compared. Every fact is the document's own; KL's row
    stands beside it, labelled as KL's and as another period."""
    from strategikompas import codebook

    ws = open_workspace(compared_workspace)
    book = codebook.load(ws.codebook_path)
    result = cmp.compare(ws, ["hjoerring", "horsens@2011-2015"], book)
    hjoerring, horsens = cmp.details(ws, result).facts
    assert horsens.period == "2011-2015" and horsens.status == "udløbet" and horsens.form == "strategi"
    assert horsens.kl_form == "Digitaliseringspolitik" and horsens.kl_period == "2021-2025" and not horsens.kl_same
    assert hjoerring.period == "2025-2030" and hjoerring.status == "gældende"
    assert hjoerring.kl_period == "2016-2020" and hjoerring.kl_status == "udløbet" and not hjoerring.kl_same


def test_progress_bug_first_compare_printed_reading_lines_on_stdout(runner, classified_workspace):
    """Bug: the first compare in a workspace printed "Reading Hjørring: ..." on stdout, so
    piped output differed from the second run's. Progress goes to stderr only."""
    first = run(runner, "compare", "hjoerring", "herning", ws=classified_workspace)
    second = run(runner, "compare", "hjoerring", "herning", ws=classified_workspace)
    assert first.exit_code == second.exit_code == 0
    assert "Læst Hjørring" in first.stderr and "Læst" not in first.stdout
    assert first.stdout == second.stdout


def _row(no, text, labels, score=0.9):
    return SentenceRow(no, "other", "", None, text, labels, {lab: score for lab in labels}, {})


def _changes(tmp_path, result, rows, strategies):
    """version_changes on a real store holding the documents ``a`` and ``b``."""
    with Store(tmp_path / "s.sqlite") as store:
        for doc_id, doc_rows, strategy in zip(["a", "b"], rows, strategies, strict=True):
            store.put_document(doc_id, "Testby", "T", doc_id, "fp", "p", doc_rows, "now", strategy=strategy.to_json_dict())
        return cmp.version_changes(store, result, store.digests(["a", "b"]))


def _strategy(*titles):
    return Strategy("Testby", "T", "", "strategi", "da", None, themes=[Item(t, "") for t in titles])


def _pair(data_old: float, data_new: float):
    old = cmp.Column("Testby", "testby", "Gammel", "2015-2018", "a", {"data": data_old, "borger": 1 - data_old}, 4)
    new = cmp.Column("Testby", "testby", "Ny", "2022-2025", "b", {"data": data_new, "borger": 1 - data_new}, 4)
    cmp.label_columns([old, new])
    return old, new, cmp.Comparison([("data", "Data"), ("borger", "Borger")], [old, new])


def test_version_changes_points_titles_and_only_new_sentences(tmp_path):
    old, new, result = _pair(0.25, 0.5)
    assert (old.label, new.key) == ("Testby 2015-2018", "testby@2022-2025")
    same = "Vi bruger data til planlægning."
    rows_old = [_row(1, same, ["data"]), _row(2, "Borgerne betjener sig selv.", ["borger"])]
    rows_new = [_row(1, same, ["data"], 0.99), _row(2, "Vi deler data med regionen.", ["data"], 0.6), _row(3, "Ingen mærker her.", [])]
    (change,) = _changes(tmp_path, result, [rows_old, rows_new], [_strategy("Selvbetjening", "Data"), _strategy("data", "Kunstig intelligens")])
    assert change.points == {"data": pytest.approx(0.25), "borger": pytest.approx(-0.25)}
    assert change.appeared == ["Kunstig intelligens"] and change.disappeared == ["Selvbetjening"]  # "Data" ~ "data"
    assert [ev.sentence for ev in change.new_evidence["data"]] == ["Vi deler data med regionen."]  # not the one both have
    assert "borger" not in change.new_evidence


def test_version_changes_find_new_sentences_below_the_quoted_strongest(tmp_path):
    # The digest quotes each label's TOP strongest sentences. When all of them are also in the
    # earlier version, the new ones further down are found by their hashes and read.
    from strategikompas.digest import TOP

    _, _, result = _pair(0.5, 0.5)
    shared = [_row(i, f"Vi bruger data til opgave nummer {i}.", ["data"], 0.99 - i / 1000) for i in range(1, TOP + 3)]
    rows_new = [*shared, _row(TOP + 3, "Vi deler data med regionen.", ["data"], 0.5), _row(TOP + 4, "Data om trafik.", ["data"], 0.4)]
    (change,) = _changes(tmp_path, result, [shared, rows_new], [_strategy(), _strategy()])
    assert [ev.sentence for ev in change.new_evidence["data"]] == ["Vi deler data med regionen.", "Data om trafik."]
    assert [ev.score for ev in change.new_evidence["data"]] == [0.5, 0.4]


def test_stored_evidence_is_the_strongest_of_the_sentences(tmp_path):
    # compare reads each label's evidence from the digest kept in the store: the highest
    # score first; on a tie, the earlier sentence (these rows match no terms)
    from strategikompas.digest import TOP

    rows = [_row(i, f"Sætning {i} om data og borgere.", ["data", "borger"][: 1 + i % 2], 0.3 + (i * 37 % 11) / 20) for i in range(1, 40)]
    with Store(tmp_path / "s.sqlite") as store:
        store.put_document("a", "Testby", "T", "a", "fp", "p", rows, "now")
        digest = store.digests(["a"])["a"]
    for lid in ("data", "borger"):
        tagged = [r for r in rows if lid in r.labels]
        expected = sorted(tagged, key=lambda r: (-r.scores[lid], r.sentence_no))
        assert [q.sentence_no for q in digest.evidence[lid]] == [r.sentence_no for r in expected[:TOP]]
        assert [no for no, _ in digest.ranking[lid]] == [r.sentence_no for r in expected]


def test_export_has_a_sentence_sheet_a_share_is_a_pivot_of(runner, compared_workspace, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "alt.xlsx"
    result = run(runner, "export", str(out), ws=compared_workspace)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    sheet = book["saetninger"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["kommune", "periode", "dokument", "nr", "side", "afsnitstype", "afsnit", "saetning"]
    assert "data" in header and "score_data" in header
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert {r["data"] for r in rows} <= {0, 1} and {r["afsnitstype"] for r in rows} <= {"vision", "principper", "temaer", "øvrige"}
    andele = book["andele"]
    share_header = [c.value for c in andele[1]]
    for values in andele.iter_rows(min_row=2, values_only=True):
        share = dict(zip(share_header, values, strict=True))
        mine = [r for r in rows if r["kommune"] == share["kommune"] and r["periode"] == share["periode"]]
        assert len(mine) == share["saetninger"]
        assert sum(r[share["fokusomraade"]] for r in mine) == share["antal"]
    assert sheet.column_dimensions["H"].width > 60 and sheet["H2"].alignment.wrap_text
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")


def test_list_bug_said_udloebet_for_the_strategy_compare_uses(runner, workspace_dir, tmp_path, monkeypatch):
    """Bug: list said Hjørring's strategy is `udløbet` (KL's 2016-2020 row) while compare
    compares its 2025-2030 document. list shows KL's row as KL's, and beside it the period
    and status of the document compare uses; the export has both."""
    import csv

    from strategikompas.cli import commands

    monkeypatch.setattr(commands.console, "width", 200)
    out = tmp_path / "liste.csv"
    result = run(runner, "list", "--csv", str(out), "--dialect", "standard", ws=workspace_dir)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("│ Hjørring"))
    cells = [c.strip() for c in line.strip("│").split("│")]
    assert cells[2:] == ["2016-2020", "udløbet", "2025-2030, gældende"]
    rows = {r["kommune"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert (rows["Hjørring"]["status"], rows["Hjørring"]["dokument_periode"], rows["Hjørring"]["dokument_status"]) == ("udløbet", "2025-2030", "gældende")
    assert rows["Horsens"]["dokument"] == NEW and rows["Odder"]["dokument_periode"] == ""


def test_version_changes_bug_keyerror_when_another_run_replaced_the_document_after_its_digest_was_read(tmp_path):
    # The report reads every digest first and the few sentences it quotes later; a classify
    # run in between may have replaced the document. A sentence that is no longer the one
    # ranked (another hash) or no longer there is left out, never quoted wrongly or a crash.
    from strategikompas.digest import TOP

    _, _, result = _pair(0.5, 0.5)
    old_rows = [_row(i, f"Vi bruger data til opgave nummer {i}.", ["data"], 0.99 - i / 1000) for i in range(1, TOP + 1)]
    new_rows = [*old_rows, _row(TOP + 1, "Vi deler data med regionen.", ["data"], 0.5)]
    with Store(tmp_path / "s.sqlite") as store:
        store.put_document("a", "Testby", "T", "a", "fp", "p", old_rows, "now", strategy=_strategy().to_json_dict())
        store.put_document("b", "Testby", "T", "b", "fp", "p", new_rows, "now", strategy=_strategy().to_json_dict())
        digests = store.digests(["a", "b"])
        assert [ev.sentence for ev in cmp.version_changes(store, result, digests)[0].new_evidence["data"]] == ["Vi deler data med regionen."]
        replaced = [*old_rows, _row(TOP + 1, "En helt anden sætning om data.", ["data"], 0.5)]
        store.put_document("b", "Testby", "T", "b2", "fp", "p", replaced, "now", strategy=_strategy().to_json_dict())
        assert "data" not in cmp.version_changes(store, result, digests)[0].new_evidence  # the stale digest's pick is not quoted
        store.put_document("b", "Testby", "T", "b3", "fp", "p", old_rows, "now", strategy=_strategy().to_json_dict())
        assert "data" not in cmp.version_changes(store, result, digests)[0].new_evidence  # the sentence is gone: no KeyError


def test_unreadable_digest_is_a_clear_error_naming_the_store(tmp_path):
    import sqlite3

    from strategikompas.errors import InputError

    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        store.put_document("a", "Testby", "T", "a", "fp", "p", [_row(1, "Vi bruger data.", ["data"])], "now")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE documents SET digest = '{}', hashes = x'0102'")
    with Store(path) as store:
        for read in (store.digests, store.hashes, lambda ids: store.digests(ids, evidence=False)):
            with pytest.raises(InputError, match="--rebuild") as caught:
                read(["a"])
            assert str(path) in str(caught.value)


@pytest.mark.parametrize("damage", ["'not json'", """'{"ranking": {"data": "@@not base64@@"}, "kinds": {}, "max_page": null}'"""])
def test_unreadable_digest_read_without_its_quotes_is_the_same_clear_error(tmp_path, damage):
    # without its quotes, SQLite edits the JSON (malformed: an OperationalError of its own)
    # and the ranking is packed text (damaged: a base64 error): both are the store's message
    path = tmp_path / "s.sqlite"
    with Store(path) as store:
        store.put_document("a", "Testby", "T", "a", "fp", "p", [_row(1, "Vi bruger data.", ["data"])], "now")
        store.db.execute(f"UPDATE documents SET digest = {damage}")
        with pytest.raises(InputError, match="--rebuild"):
            store.digests(["a"], evidence=False)


def test_version_changes_are_the_same_without_quotes_and_from_a_ranking_stored_as_lists(tmp_path):
    # The report reads digests without their quotes (the sentences it quotes are read by
    # number) and a store written before the ranking was packed holds [number, hash] lists:
    # the changes are the same in all three cases.
    from strategikompas.digest import TOP, Ranking

    _, _, result = _pair(0.5, 0.5)
    shared = [_row(i, f"Vi bruger data til opgave nummer {i}.", ["data", "borger"][: 1 + i % 2], 0.99 - i / 1000) for i in range(1, TOP + 3)]
    rows_new = [*shared[:3], _row(TOP + 3, "Vi deler data med regionen.", ["data"], 0.995), *shared[3:], _row(TOP + 4, "Borgerne får svar.", ["borger"], 0.4)]
    with Store(tmp_path / "s.sqlite") as store:
        store.put_document("a", "Testby", "T", "a", "fp", "p", shared, "now", strategy=_strategy().to_json_dict())
        store.put_document("b", "Testby", "T", "b", "fp", "p", rows_new, "now", strategy=_strategy("Ny").to_json_dict())
        quoted = cmp.version_changes(store, result, store.digests(["a", "b"]))
        unquoted = cmp.version_changes(store, result, store.digests(["a", "b"], evidence=False))
        as_lists = {d: json.loads(text) for d, text in store.db.execute("SELECT doc_id, digest FROM documents")}
        for d, data in as_lists.items():
            data["ranking"] = {lid: [list(pair) for pair in Ranking(text)] for lid, text in data["ranking"].items()}
            store.db.execute("UPDATE documents SET digest = ? WHERE doc_id = ?", (json.dumps(data), d))
        old_format = store.digests(["a", "b"])
        assert {lid: list(r) for lid, r in old_format["b"].ranking.items()} == {lid: list(r) for lid, r in store.digests(["b"])["b"].ranking.items()}
        from_lists = cmp.version_changes(store, result, old_format)
    assert quoted == unquoted == from_lists
    assert [ev.sentence for ev in quoted[0].new_evidence["data"]] == ["Vi deler data med regionen."]
    assert [ev.sentence for ev in quoted[0].new_evidence["borger"]] == ["Borgerne får svar."]
    assert quoted[0].appeared == ["Ny"]
