"""strategikompas add: a document the analyst has, into the corpus, then compared."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scans import make_scan
from strategikompas.cli import app

TEXT = [
    "Digitaliseringsstrategi for Odder Kommune 2024-2027",
    "",
    "Vi vil styrke informationssikkerheden, så borgerne kan have tillid til os.",
    "Medarbejderne skal have de digitale kompetencer, der skal til.",
]


def _manifest(ws: Path) -> list[dict[str, str]]:
    with (ws / "corpus" / "manifest.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _flat(output: str) -> str:
    return " ".join(output.split())


def test_added_pdf_is_in_the_manifest_and_compared(runner, classified_workspace: Path, tmp_path: Path):
    source = make_scan(tmp_path / "Odder strategi.pdf", [TEXT], scanned=set())
    result = runner.invoke(app, ["add", "odder", str(source), "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    assert "Tilføjet til korpus: Odder: Digitaliseringsstrategi for Odder Kommune 2024-2027 (2024-2027), PDF, 1 side -> corpus/odder/odder-strategi.pdf" in _flat(result.output)
    row = _manifest(classified_workspace)[-1]
    assert (row["kommune"], row["slug"], row["file"], row["start_year"], row["end_year"]) == ("Odder", "odder", "odder/odder-strategi.pdf", "2024", "2027")
    copied = classified_workspace / "corpus" / row["file"]
    assert copied.read_bytes() == source.read_bytes()
    import hashlib

    assert row["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    compared = runner.invoke(app, ["compare", "odder", "hjoerring", "-w", str(classified_workspace)])
    assert compared.exit_code == 0, compared.output
    assert "Digitaliseringsstrategi for Odder Kommune 2024-2027" in _flat(compared.output)


def test_kommune_outside_the_link_collection_can_be_added(runner, classified_workspace: Path, tmp_path: Path):
    source = make_scan(tmp_path / "strategi.pdf", [["Bornholms digitaliseringsstrategi 2025-2028", "", *TEXT[2:]]], scanned=set())
    result = runner.invoke(app, ["add", "Bornholm", str(source), "--title", "Bornholm: digital strategi", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    assert _manifest(classified_workspace)[-1]["title"] == "Bornholm: digital strategi"
    compared = runner.invoke(app, ["compare", "bornholm", "horsens", "-w", str(classified_workspace)])
    assert compared.exit_code == 0, compared.output
    assert "Bornholm: digital strategi" in _flat(compared.output)


def test_unknown_kommune_or_unreadable_file_adds_nothing(runner, workspace_dir: Path, tmp_path: Path):
    before = (workspace_dir / "corpus" / "manifest.csv").read_bytes()
    folders = sorted(p.name for p in (workspace_dir / "corpus").iterdir())
    good = make_scan(tmp_path / "strategi.pdf", [TEXT], scanned=set())
    empty = tmp_path / "tom.pdf"
    empty.write_bytes(b"")
    broken = tmp_path / "itu.pdf"
    broken.write_bytes(good.read_bytes()[:300])
    cases = [
        (["add", "Oder", str(good)], "Ukendt kommune 'Oder'. Mente du: Odder"),
        (["add", "odder", str(empty)], "tom.pdf: filen er tom."),
        (["add", "odder", str(broken)], "itu.pdf: "),
        (["add", "odder", str(tmp_path / "findes-ikke.pdf")], "findes-ikke.pdf: filen findes ikke."),
    ]
    for args, message in cases:
        result = runner.invoke(app, [*args, "-w", str(workspace_dir)])
        assert result.exit_code == 2, (args, result.output)
        assert message in _flat(result.output), result.output
        assert "Traceback" not in result.output
    assert (workspace_dir / "corpus" / "manifest.csv").read_bytes() == before
    assert sorted(p.name for p in (workspace_dir / "corpus").iterdir()) == folders


def test_same_file_twice_is_refused(runner, workspace_dir: Path, tmp_path: Path):
    source = make_scan(tmp_path / "strategi.pdf", [TEXT], scanned=set())
    assert runner.invoke(app, ["add", "odder", str(source), "-w", str(workspace_dir)]).exit_code == 0
    again = runner.invoke(app, ["add", "Odder", str(source), "-w", str(workspace_dir)])
    assert again.exit_code == 2
    assert "strategi.pdf: findes allerede i korpus for Odder som corpus/odder/strategi.pdf" in _flat(again.output)
    assert [r["kommune"] for r in _manifest(workspace_dir)].count("Odder") == 1


def test_older_document_does_not_displace_the_newest(runner, classified_workspace: Path, tmp_path: Path):
    source = make_scan(tmp_path / "gammel.pdf", [["Hjørring Kommunes it-strategi", "", *TEXT[2:]]], scanned=set())
    result = runner.invoke(app, ["add", "hjørring", str(source), "--period", "2010-2013", "-w", str(classified_workspace)])
    assert result.exit_code == 0, result.output
    assert "Hjørring har et nyere dokument, som compare og classify bruger: Hjørring Kommunes Digitaliseringsstrategi 2030 (2025-2030)" in _flat(result.output)
    compared = runner.invoke(app, ["compare", "hjoerring", "horsens", "-w", str(classified_workspace)])
    assert compared.exit_code == 0, compared.output
    assert "Digitaliseringsstrategi 2030" in _flat(compared.output) and "it-strategi" not in compared.output


def test_bundled_workspace_is_not_changed(runner, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a workspace: the bundled one is used
    source = make_scan(tmp_path / "strategi.pdf", [TEXT], scanned=set())
    result = runner.invoke(app, ["add", "odder", str(source)])
    assert result.exit_code == 2
    assert "er den medfølgende arbejdsmappe, projektets eget korpus: opret din egen med 'strategikompas init DIR'" in _flat(result.output)


def test_matrix_has_one_column_per_kommune_bug_older_document_was_a_second_column(runner, classified_workspace: Path, tmp_path: Path):
    """Bug: compare --all (and the report and export built on it) listed every classified
    document, so a kommune with an older document added and classified got two columns."""
    from strategikompas import codebook
    from strategikompas.compare import classified_columns
    from strategikompas.workspace import open_workspace

    source = make_scan(tmp_path / "gammel.pdf", [["Hjørring Kommunes it-strategi", "", *TEXT[2:]]], scanned=set())
    assert runner.invoke(app, ["add", "hjørring", str(source), "--period", "2010-2013", "-w", str(classified_workspace)]).exit_code == 0
    assert runner.invoke(app, ["classify", "-w", str(classified_workspace)]).exit_code == 0  # classifies both Hjørring documents
    ws = open_workspace(classified_workspace)
    columns = classified_columns(ws, codebook.load(ws.codebook_path)).columns
    kommuner = [c.kommune for c in columns]
    assert len(kommuner) == len(set(kommuner)) == 4
    assert [c.title for c in columns if c.kommune == "Hjørring"] == ["Hjørring Kommunes Digitaliseringsstrategi 2030"]


def test_list_shows_which_kommuner_have_a_document(runner, workspace_dir: Path, tmp_path: Path):
    def listed() -> tuple[dict[str, str], str]:
        out = tmp_path / "liste.csv"
        result = runner.invoke(app, ["list", "--csv", str(out), "--dialect", "standard", "-w", str(workspace_dir)])
        assert result.exit_code == 0, result.output
        with out.open(encoding="utf-8", newline="") as handle:
            return {r["kommune"]: r["dokument"] for r in csv.DictReader(handle)}, _flat(result.output)

    documents, output = listed()
    assert documents["Hjørring"] == "hjoerring/hjoerring-digitaliseringsstrategi-2030.txt"
    assert documents["Odder"] == "" and sum(1 for d in documents.values() if d) == 4
    assert "Med dokument i korpus: 4." in output
    source = make_scan(tmp_path / "strategi.pdf", [TEXT], scanned=set())
    assert runner.invoke(app, ["add", "odder", str(source), "-w", str(workspace_dir)]).exit_code == 0
    documents, output = listed()
    assert documents["Odder"] == "odder/strategi.pdf" and "Med dokument i korpus: 5." in output


def test_remove_takes_an_added_document_out_with_its_results(runner, classified_workspace: Path, tmp_path: Path):
    from strategikompas.store import Store

    source = make_scan(tmp_path / "strategi.pdf", [TEXT], scanned=set())
    before = (classified_workspace / "corpus" / "manifest.csv").read_bytes()
    assert runner.invoke(app, ["add", "odder", str(source), "-w", str(classified_workspace)]).exit_code == 0
    assert runner.invoke(app, ["compare", "odder", "hjoerring", "-w", str(classified_workspace)]).exit_code == 0
    store = classified_workspace / "results" / "strategikompas.sqlite"
    with Store(store) as s:
        assert s.document("odder/strategi.pdf") is not None
    result = runner.invoke(app, ["remove", "corpus/odder/strategi.pdf", "-w", str(classified_workspace)])  # a path works too
    assert result.exit_code == 0, result.output
    assert "Fjernet fra korpus: Odder: Digitaliseringsstrategi for Odder Kommune 2024-2027 (corpus/odder/strategi.pdf)" in _flat(result.output)
    assert (classified_workspace / "corpus" / "manifest.csv").read_bytes() == before
    assert not (classified_workspace / "corpus" / "odder" / "strategi.pdf").exists()
    with Store(store) as s:
        assert s.document("odder/strategi.pdf") is None
    again = runner.invoke(app, ["compare", "odder", "hjoerring", "-w", str(classified_workspace)])
    assert again.exit_code == 2 and "'Odder' har intet dokument i korpus" in _flat(again.output)


def test_remove_of_a_file_not_in_the_corpus_names_what_is(runner, workspace_dir: Path):
    before = (workspace_dir / "corpus" / "manifest.csv").read_bytes()
    result = runner.invoke(app, ["remove", "odder/findes-ikke.pdf", "-w", str(workspace_dir)])
    assert result.exit_code == 2
    assert "odder/findes-ikke.pdf: ikke et dokument i korpus (corpus/manifest.csv indeholder: hjoerring/" in _flat(result.output)
    assert (workspace_dir / "corpus" / "manifest.csv").read_bytes() == before


def test_title_with_square_brackets_crashed_add_classify_and_compare(runner, classified_workspace: Path, tmp_path: Path):
    """Issue: a document titled "Digitaliseringsstrategi [/] 2024-2028" made add fail with a
    Rich MarkupError after writing, then classify, compare and compare --all crash on every
    run. No string is read as Rich markup now: the title prints as it is."""
    title = "Digitaliseringsstrategi [/] 2024-2028 [bold]"
    source = tmp_path / "strategi.txt"
    source.write_text(f"{title}\n\nOdder Kommune vil styrke borgernes digitale kompetencer og sikre data.\n\n"
                      "Vi samarbejder med KL om fælles løsninger for alle borgere.\n", encoding="utf-8")
    added = runner.invoke(app, ["add", "odder", str(source), "--title", title, "-w", str(classified_workspace)])
    assert added.exit_code == 0, added.output
    for args in (["classify", "odder"], ["compare", "odder", "hjoerring"], ["compare", "--all"], ["extract", "odder"]):
        result = runner.invoke(app, [*args, "-w", str(classified_workspace)])
        assert result.exit_code == 0, (args, result.output)
        assert "MarkupError" not in result.output
    shown = runner.invoke(app, ["compare", "odder", "hjoerring", "-w", str(classified_workspace)])
    assert "[/]" in " ".join(shown.output.split())


def _added_text(runner, ws: Path, tmp_path: Path) -> Path:
    source = tmp_path / "strategi.txt"
    source.write_text("Digital strategi for Odder Kommune 2025-2028\n\nOdder Kommune vil gøre det let for borgerne at bruge de digitale løsninger. "
                      "Vi samarbejder med nabokommunerne om fælles data.\n", encoding="utf-8")
    assert runner.invoke(app, ["add", "odder", str(source), "-w", str(ws)]).exit_code == 0
    return ws / "corpus" / "odder" / "strategi.txt"


def test_remove_with_a_corrupt_store_deleted_the_row_and_orphaned_the_file(runner, workspace_dir: Path, tmp_path: Path):
    """Issue: remove deleted the manifest row, then failed on a corrupt store and left the
    file orphaned. The store is changed first: on failure nothing is removed."""
    path = _added_text(runner, workspace_dir, tmp_path)
    manifest = (workspace_dir / "corpus" / "manifest.csv").read_bytes()
    store = workspace_dir / "results" / "strategikompas.sqlite"
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(app, ["remove", "odder/strategi.txt", "-w", str(workspace_dir)])
    assert result.exit_code == 2 and "ødelagt" in _flat(result.output)
    assert (workspace_dir / "corpus" / "manifest.csv").read_bytes() == manifest
    assert path.is_file()


def test_remove_through_a_symlinked_folder_deleted_a_file_outside_the_workspace(runner, workspace_dir: Path, tmp_path: Path):
    """Issue: a symlinked folder inside corpus/ let remove delete a file outside the workspace."""
    path = _added_text(runner, workspace_dir, tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "strategi.txt").write_text("a file of the user's own", encoding="utf-8")
    folder = path.parent
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    result = runner.invoke(app, ["remove", "odder/strategi.txt", "-w", str(workspace_dir)])
    assert result.exit_code == 2 and "uden for korpus" in _flat(result.output)
    assert (outside / "strategi.txt").read_text(encoding="utf-8") == "a file of the user's own"


def test_add_accepted_an_html_login_page_named_pdf_silently(runner, workspace_dir: Path, tmp_path: Path):
    """Issue: `add odder login.pdf`, really an HTML login page, was accepted as the kommune's
    strategy. The mismatch is named and nothing is written; --force adds it all the same."""
    login = tmp_path / "login.pdf"
    login.write_text("<html><head><title>Log ind</title></head><body><main><h1>Log ind</h1><p>Log ind med dit MitID for at se "
                     "dokumentet om kommunens digitale strategi og de mange nye digitale løsninger for borgerne.</p>"
                     "<p>Har du glemt din adgangskode, kan du kontakte kommunens servicecenter på telefon hver dag.</p></main></body></html>",
                     encoding="utf-8")
    before = (workspace_dir / "corpus" / "manifest.csv").read_bytes()
    result = runner.invoke(app, ["add", "odder", str(login), "-w", str(workspace_dir)])
    assert result.exit_code == 2
    assert "navnet siger en PDF, men indholdet er en webside (HTML)" in _flat(result.output) and "--force" in result.output
    assert (workspace_dir / "corpus" / "manifest.csv").read_bytes() == before and not (workspace_dir / "corpus" / "odder").exists()
    forced = runner.invoke(app, ["add", "odder", str(login), "--force", "-w", str(workspace_dir)])
    assert forced.exit_code == 0, forced.output


@pytest.mark.parametrize("content", ["root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", "abc"])
def test_add_accepted_etc_passwd_or_a_3_byte_file_as_a_strategy(runner, workspace_dir: Path, tmp_path: Path, content: str):
    """Issue: add accepted /etc/passwd or a 3-byte file as a strategy. A file without Danish
    sentences is refused with the reason, and nothing is written."""
    source = tmp_path / "strategi.txt"
    source.write_text(content, encoding="utf-8")
    before = (workspace_dir / "corpus" / "manifest.csv").read_bytes()
    result = runner.invoke(app, ["add", "odder", str(source), "-w", str(workspace_dir)])
    assert result.exit_code == 2, result.output
    assert "strategi.txt" in _flat(result.output)
    assert (workspace_dir / "corpus" / "manifest.csv").read_bytes() == before
