"""The foundation's commands end to end through typer's CliRunner."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from strategikompas.cli import app

from conftest import run_unprivileged, unprivileged_tmp


def run(runner, *args, ws: Path | None = None):
    argv = [*args] + (["--workspace", str(ws)] if ws else [])
    return runner.invoke(app, argv)


def test_list_shows_64_kommuner_and_computed_summary(runner, workspace_dir):
    result = run(runner, "list", ws=workspace_dir)
    assert result.exit_code == 0, result.output
    assert "Linksamling (64 kommuner)" in result.output
    assert "Ringkøbing-Skjern" in result.output
    assert "digitaliseringsstrategi 31" in result.output
    assert "Status:" in result.output


def test_list_filters_and_csv(runner, workspace_dir, tmp_path):
    out = tmp_path / "udl.csv"
    result = run(runner, "list", "--status", "udløbet", "--form", "politik", "--csv", str(out), "--dialect", "standard", ws=workspace_dir)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all(r["status"] == "udløbet" and r["form_type"] == "politik" for r in rows)
    assert {r["kommune"] for r in rows} <= {"Albertslund", "Esbjerg", "Horsens"}


def test_list_unknown_status_is_usage_error(runner, workspace_dir):
    result = run(runner, "list", "--status", "expired", ws=workspace_dir)
    assert result.exit_code == 2
    assert "Ukendt status 'expired'" in result.output


def test_compare_name_variants_give_the_same_table(runner, workspace_dir, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    first = run(runner, "compare", "Hjørring", "horsens", "--csv", str(a), "--dialect", "standard", ws=workspace_dir)
    second = run(runner, "compare", "hjorring", "HORSENS", "--csv", str(b), "--dialect", "standard", ws=workspace_dir)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    rows = list(csv.DictReader(a.open(encoding="utf-8")))
    assert [r["fokusomraade"] for r in rows][:2] == ["borger", "sikkerhed"]
    assert len(rows) == 10
    shares = [float(r["hjoerring"]) for r in rows]
    assert all(0 <= s <= 1 for s in shares) and max(shares) > 0
    assert "Hjørring Kommunes Digitaliseringsstrategi 2030" in first.output


def test_compare_announced_reading_unchanged_documents(runner, workspace_dir):
    """Bug: every compare said "Reading ..." (now "Læser ...") although stored results were reused."""
    first = run(runner, "compare", "hjoerring", "horsens", ws=workspace_dir)
    assert first.exit_code == 0
    assert first.output.count("Læst ") == 2
    store = workspace_dir / "results" / "strategikompas.sqlite"
    before = store.stat().st_mtime_ns
    again = run(runner, "compare", "hjoerring", "horsens", ws=workspace_dir)
    assert again.exit_code == 0
    assert "Læst " not in again.output
    assert store.stat().st_mtime_ns == before
    # A changed document is read again, and only that one.
    doc = workspace_dir / "corpus" / "horsens" / "horsens-digitaliseringspolitik-2021-2025.txt"  # Horsens' newest
    doc.write_text(doc.read_text(encoding="utf-8") + "\nVi vil styrke informationssikkerheden.\n", encoding="utf-8")
    third = run(runner, "compare", "hjoerring", "horsens", ws=workspace_dir)
    assert third.exit_code == 0
    assert "Læst Horsens" in third.output and "Læst Hjørring" not in third.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["compare", "hjoerring", "Hjørring"], "Det samme dokument er nævnt to gange"),
        (["compare", "hjoerring", "Xyzzyby"], "Ukendt kommune 'Xyzzyby'"),
        (["compare", "hjoerring", "Hjorringg"], "Ukendt kommune 'Hjorringg'"),
        (["compare", "hjoerring"], "mindst to kommuner"),
        (["compare", "hjoerring", "odder"], "Kommune 'Odder' har intet dokument i korpus"),
    ],
)
def test_compare_bad_input_is_one_line_exit_2(runner, workspace_dir, args, message):
    result = run(runner, *args, ws=workspace_dir)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unknown_kommune_lists_closest(runner, workspace_dir):
    result = run(runner, "compare", "hjoerring", "Horsen", ws=workspace_dir)
    assert result.exit_code == 2
    assert "Mente du: Horsens" in result.output


def test_compare_unwritable_csv_leaves_no_file(runner, workspace_dir, tmp_path):
    target = tmp_path / "missing" / "out.csv"
    result = run(runner, "compare", "hjoerring", "horsens", "--csv", str(target), ws=workspace_dir)
    assert result.exit_code == 2
    assert "findes ikke" in result.output
    assert not target.parent.exists()


def test_compare_unwritable_folder_leaves_no_partial_file(runner, workspace_dir, tmp_path):
    if os.geteuid() == 0:
        folder = Path("/proc")  # root may write anywhere else; nobody creates files in /proc
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
    before = set(os.listdir(folder))
    result = run(runner, "compare", "hjoerring", "horsens", "--csv", str(folder / "x.csv"), ws=workspace_dir)
    assert result.exit_code == 2, result.output
    assert f"Kan ikke skrive {folder / 'x.csv'}" in result.output
    assert not any(name.startswith((".x.csv", "x.csv")) for name in set(os.listdir(folder)) - before)


def test_malformed_linksamling_names_file_and_line(runner, workspace_dir):
    path = workspace_dir / "data" / "linksamling.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[6].startswith("Dragør,")
    lines[6] = lines[6].replace(",2016,2020", ",2016,20x0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(runner, "list", ws=workspace_dir)
    assert result.exit_code == 2
    assert "linksamling.csv, linje 7, kolonne 'end_year'" in result.output


def test_missing_manifest_is_named(runner, workspace_dir):
    (workspace_dir / "corpus" / "manifest.csv").unlink()
    result = run(runner, "compare", "hjoerring", "horsens", ws=workspace_dir)
    assert result.exit_code == 2
    assert "manifest.csv: korpusmanifestet findes ikke" in result.output


def test_malformed_manifest_is_named(runner, workspace_dir):
    path = workspace_dir / "corpus" / "manifest.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2025,2030,", ",2025,20y0,"), encoding="utf-8")
    result = run(runner, "compare", "hjoerring", "horsens", ws=workspace_dir)
    assert result.exit_code == 2
    assert "manifest.csv, linje 2, kolonne 'end_year'" in result.output


def test_missing_document_file_is_a_failed_run(runner, workspace_dir):
    shutil.rmtree(workspace_dir / "corpus" / "horsens")
    result = run(runner, "compare", "hjoerring", "horsens", ws=workspace_dir)
    assert result.exit_code == 1
    assert "horsens-digitaliseringspolitik-2021-2025.txt" in result.output


def test_workspace_option_must_exist(runner, tmp_path):
    result = run(runner, "list", ws=tmp_path / "nowhere")
    assert result.exit_code == 2
    assert f"Arbejdsmappen {tmp_path / 'nowhere'} findes ikke" in result.output


def test_every_command_help_has_an_example(runner):
    import typer.main

    from strategikompas.cli.main import app as typer_app

    group = typer.main.get_command(typer_app)
    for name, command in group.commands.items():
        assert "Eksempel:" in (command.help or "") or "Eksempler:" in (command.help or ""), f"'{name}' has no example in its help"


def test_installed_console_script(tmp_path):
    """The console script as installed (catches packaging mistakes CliRunner cannot)."""
    script = Path(sys.executable).parent / "strategikompas"
    assert script.exists(), f"{script} missing: is the package installed?"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("STRATEGIKOMPAS_WORKSPACE", None)
    result = subprocess.run([str(script), "compare", "hjorring", "Horsens"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Borgeren i centrum" in result.stdout
    bad = subprocess.run([str(script), "compare", "hjorring", "Nowhere"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("Fejl: Ukendt kommune 'Nowhere'")
    assert "Traceback" not in bad.stderr


def test_doctor_names_pipeline_codebook_and_store(runner, workspace_dir):
    result = run(runner, "doctor", ws=workspace_dir)
    assert result.exit_code == 0, result.output
    assert "blank:da+sentencizer+lookup-lemmas" in result.output
    assert "10 fokusområder" in result.output
    assert "ikke oprettet endnu" in result.output
    assert run(runner, "compare", "hjoerring", "horsens", ws=workspace_dir).exit_code == 0
    after = run(runner, "doctor", ws=workspace_dir)
    assert "2 dokumenter" in after.output


def test_doctor_reports_corrupt_store(runner, workspace_dir):
    (workspace_dir / "results").mkdir(exist_ok=True)
    (workspace_dir / "results" / "strategikompas.sqlite").write_bytes(b"this is not a database" * 100)
    result = run(runner, "doctor", ws=workspace_dir)
    assert result.exit_code == 0
    assert "kan ikke læses" in result.output


def test_doctor_bad_codebook_names_file_and_line(runner, workspace_dir, tmp_path):
    bad = tmp_path / "kodebog.toml"
    bad.write_text('[labels.borger]\nname = "B"\nterms = ["borger"]\n\n[labels.ukendt]\nterms = ["x"]\n', encoding="utf-8")
    result = run(runner, "doctor", "--codebook", str(bad), ws=workspace_dir)
    assert result.exit_code == 2
    assert "kodebog.toml, linje 5: ukendt label-id 'ukendt'" in result.output


def _run_without_root(args, home):
    return run_unprivileged([sys.executable, "-m", "strategikompas", *args], home=home)


def test_unreadable_link_collection_bug_traceback(tmp_path):
    """Bug: a file the user may not read gave a PermissionError traceback; now one line
    that names the file, exit 2."""
    base = unprivileged_tmp()
    try:
        repo = Path(__file__).resolve().parents[1]
        (base / "data").mkdir(mode=0o755)
        shutil.copy(repo / "data" / "linksamling.csv", base / "data" / "linksamling.csv")
        (base / "data" / "linksamling.csv").chmod(0o000)
        result = _run_without_root(["list", "--workspace", str(base)], home=base)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.strip() == f"Fejl: {base / 'data' / 'linksamling.csv'}: ingen adgang."
    finally:
        shutil.rmtree(base)


def test_export_folder_without_write_permission_fails_before_any_work(tmp_path):
    """Bug: a folder without write permission was only found when the file was written,
    after the documents had been classified. Run as a user who really lacks the
    permission (as root, through setpriv as nobody)."""
    base = unprivileged_tmp()
    try:
        folder = base / "ro"
        folder.mkdir(mode=0o555)
        folder.chmod(0o555)
        result = _run_without_root(["list", "--csv", str(folder / "x.csv")], home=base)
        assert result.returncode == 2, result.stderr
        assert f"Kan ikke skrive {folder / 'x.csv'}: ingen tilladelse til at skrive i {folder}." in result.stderr + result.stdout
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)


def test_export_target_that_is_a_folder_is_refused(runner, tmp_path):
    result = runner.invoke(app, ["list", "--csv", str(tmp_path)])
    assert result.exit_code == 2
    assert f"Kan ikke skrive {tmp_path}: det er en mappe" in result.output


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ('[labels.borger]\nname = "Borgeren i centrum"\nterms = []\n', "linje 1: label 'borger' er tom: giv den terms eller phrases"),
        ('[labels.borger]\nterms = ["borger", ""]\n', "linje 1: label 'borger': 'terms' skal være en liste af ikke-tomme tekster"),
        ('[labels.borger]\nterms = "borger"\n', "linje 1: label 'borger': 'terms' skal være en liste af ikke-tomme tekster"),
        ('[labels.borger\nterms = ["borger"]\n', "linje 1"),  # not TOML
    ],
)
def test_classify_with_empty_or_malformed_codebook_label_exit_2(runner, workspace_dir, tmp_path, spec, problem):
    bad = tmp_path / "kodebog.toml"
    bad.write_text(spec, encoding="utf-8")
    result = run(runner, "classify", "hjoerring", "--codebook", str(bad), ws=workspace_dir)
    assert result.exit_code == 2, result.output
    assert f"kodebog.toml, {problem}" in result.output
    assert "Traceback" not in result.output
    assert not (workspace_dir / "results" / "strategikompas.sqlite").exists()  # nothing classified


def test_wrote_message_broke_a_long_path_over_lines(runner, workspace_dir, tmp_path):
    # Rich wrapped messages at 80 columns when the output was not a terminal, so a long
    # path in "Wrote ..." (now "Skrev ...") came out in pieces (and a test matching the line failed on a
    # machine with a longer temporary folder). Messages are soft-wrapped now.
    deep = tmp_path / ("en-meget-lang-mappe-til-eksporter-" * 3)
    deep.mkdir()
    target = deep / "kommuner.csv"
    result = runner.invoke(app, ["list", "--workspace", str(workspace_dir), "--csv", str(target)])
    assert result.exit_code == 0, result.output
    assert len(str(target)) > 80
    assert f"Skrev {target}" in result.output.splitlines()


def test_version_option(runner):
    from strategikompas import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"strategikompas {__version__}"


def test_sort_and_status_were_refused_for_their_case(runner, workspace_dir):
    """Issue: `compare --all --sort Data` and `list --status Udløbet` were refused for their case."""
    for args in (["compare", "--all", "--sort", "Data"], ["compare", "--all", "--sort", "Datasikkerhed"], ["list", "--status", "Udløbet"]):
        result = runner.invoke(app, [*args, "-w", str(workspace_dir)])
        assert result.exit_code == 0, (args, result.output)


def test_no_document_hint_suggested_fetch_for_a_kommune_without_url(runner, workspace_dir):
    """Issue: `compare aarhus horsens` suggested `strategikompas fetch Aarhus`, which has no URL."""
    result = runner.invoke(app, ["compare", "aarhus", "horsens", "-w", str(workspace_dir)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "strategikompas fetch Aarhus" not in said and "linksamling import" in said and "strategikompas add Aarhus FILE" in said


def test_manifest_rewritten_in_place_is_read_again(workspace_dir):
    """A manifest read once is not parsed again while its bytes are the same; written
    again in place at once with other text of the same length, the next read has the new
    text (the bytes decide, not the file's size or time), and a read gives a list of its own."""
    from strategikompas import corpus

    path = workspace_dir / "corpus" / "manifest.csv"
    first = corpus.load_manifest(path)
    again = corpus.load_manifest(path)
    assert again == first and again is not first
    again.clear()
    assert corpus.load_manifest(path) == first
    text = path.read_text(encoding="utf-8")
    assert ",2025,2030," in text
    path.write_text(text.replace(",2025,2030,", ",2025,2031,", 1), encoding="utf-8")  # same size, same instant
    assert [d.end_year for d in corpus.load_manifest(path)] != [d.end_year for d in first]
    assert 2031 in [d.end_year for d in corpus.load_manifest(path)]
