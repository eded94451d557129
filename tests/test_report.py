"""The HTML report: self-contained, and rendered by headless Chromium."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from strategikompas.cli import app


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed and could not be installed here (.ci/run installs Debian's chromium)")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory, trained_models):
    from typer.testing import CliRunner

    from strategikompas.workspace import init_workspace

    base = tmp_path_factory.mktemp("report")
    ws = init_workspace(base / "ws")
    shutil.copytree(trained_models, ws.models_dir)
    out = base / "out"  # not there yet: report makes it
    result = CliRunner().invoke(app, ["report", "--out", str(out), "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    return out / "strategikompas.html"


def _chromium_flags(tmp_path) -> list[str]:
    return [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]


def _dom(path, tmp_path) -> str:
    return subprocess.run([*_chromium_flags(tmp_path), "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120, check=False).stdout


def test_report_is_self_contained(report_file):
    text = report_file.read_text(encoding="utf-8")
    assert "id='heatmap-chart'><table class='heatmap'>" in text
    assert "profil-hjoerring" in text and "profil-horsens" in text
    assert "gældende" in text and "digitaliseringsstrategi" in text
    assert "<h4>Struktur</h4>" in text and "»" in text
    # nothing may load from elsewhere
    for needle in ('src="http', "src='http", 'href="http', "href='http", "url(http", "@import", "<link ", "<script"):
        assert needle not in text, needle


def test_report_renders_in_headless_chromium(report_file, tmp_path):
    """Chromium renders the report; its screenshot is docs/rapport.png (README shows it),
    so the picture in the docs is always the report as the tool makes it."""
    from conftest import ROOT

    flags = _chromium_flags(tmp_path)
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, "--window-size=1200,1800", "--hide-scrollbars", f"--screenshot={shot}", report_file.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20000
    dom = _dom(report_file, tmp_path)
    assert 'id="heatmap-chart"><table class="heatmap">' in dom
    assert 'id="profil-hjoerring"' in dom and "Fokusområder" in dom
    if (ROOT / "docs").is_dir():
        shutil.copyfile(shot, ROOT / "docs" / "rapport.png")


def test_report_shows_every_share_with_its_count_and_the_caveat_without_evaluate(report_file, tmp_path):
    import re

    from strategikompas import codebook
    from strategikompas import compare as cmp
    from strategikompas.workspace import open_workspace

    dom = _dom(report_file, tmp_path)
    ws = open_workspace(report_file.parent.parent / "ws")
    result = cmp.classified_columns(ws, codebook.load(ws.codebook_path))
    # the profiles: "Data og datainformeret ledelse: 6 % (5 af 80 sætninger)"
    for col in result.columns:
        section = dom[dom.index(f'id="profil-{col.slug}"'):]
        section = section[: section.index("</section>")]
        for lid, name in result.labels:
            assert f"{name}: {round(col.shares[lid] * 100)} % ({col.count(lid)} af {col.n_sentences} sætninger)" in section, (col.slug, name)
        # the heatmap's row label carries the base
        assert f"{col.label} ({col.n_sentences} sætn.)" in dom
    heatmap = dom[dom.index('id="heatmap-chart"'):dom.index('id="noejagtighed"')]
    cells = re.findall(r">(\d+) %<br>\((\d+)\)</td>", heatmap)  # each cell: the share, and under it its count
    assert cells == [(str(round(c.shares[lid] * 100)), str(c.count(lid))) for c in result.columns for lid, _ in result.labels]
    caveat = dom[dom.index('id="noejagtighed"'):]
    assert "Forbehold" in caveat[:400] and "strategikompas evaluate" in caveat[:400]


def test_report_carries_the_measured_f1_after_evaluate(compared_workspace, tmp_path):
    """With an evaluation record for the model in use (as evaluate writes it) the report
    shows each focus area's F1 and no caveat; a record of another model brings the caveat back."""
    import json

    from strategikompas import codebook
    from strategikompas.classifier import model_id
    from strategikompas.evaluate import EVALUATION_FILE
    from strategikompas.report import build_html
    from strategikompas.workspace import open_workspace

    ws = open_workspace(compared_workspace)
    book = codebook.load(ws.codebook_path)
    f1 = {lid: 0.5 + i / 40 for i, lid in enumerate(book.ids)}
    record = {"model": model_id(ws.annotations_dir, book), "classifier": {lid: {"f1": v} for lid, v in f1.items()}}
    (ws.results / EVALUATION_FILE).write_text(json.dumps(record), encoding="utf-8")
    page = tmp_path / "r.html"
    page.write_text(build_html(ws, book), encoding="utf-8")
    dom = _dom(page, tmp_path)
    block = dom[dom.index('id="noejagtighed"'):]
    block = block[: block.index("</table>")]
    assert "Forbehold" not in block
    for lid in book.ids:
        assert f"{book.name(lid)}</td><td class=\"num\">{f1[lid]:.2f}".replace(".", ",") in block, lid
    record["model"] = "m0-other"
    (ws.results / EVALUATION_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert "Forbehold" in build_html(ws, book)


def test_report_shows_the_bundled_horsens_over_time(report_file, tmp_path):
    dom = _dom(report_file, tmp_path)
    section = dom[dom.index('id="udvikling-horsens"'):]
    section = section[: section.index("</section>")]
    assert "2011-2015" in section and "2021-2025" in section and "Ændring" in section
    assert " pp<" in section and "Nye titler:" in section and "Nye belæg" in section


def test_report_missing_out_folder_bug_found_only_after_classifying(tmp_path, workspace_dir):
    """Bug: report classified every document (minutes on a real corpus) and only then
    found that the --out folder did not exist."""
    from typer.testing import CliRunner

    for out, message in ((tmp_path / "nope" / "rapport", "findes ikke"), (workspace_dir / "data" / "linksamling.csv", "det er en fil")):
        result = CliRunner().invoke(app, ["report", "--out", str(out), "--workspace", str(workspace_dir)])
        assert result.exit_code == 2 and message in result.output
        assert "Læst" not in result.output
        assert not (workspace_dir / "results" / "strategikompas.sqlite").exists()
    assert not (tmp_path / "nope").exists()


def _with_versions(runner, root, tmp_path):
    """Two more kommuner with a second version each (texts of the bundled corpus under
    another period), classified: three kommuner in the section over time."""
    from strategikompas import codebook
    from strategikompas.workspace import open_workspace

    texts = sorted((root / "corpus").glob("*/*.txt"))
    for kommune, text, period in (("Hjørring", texts[-1], "2031-2034"), ("Norddjurs", texts[0], "2021-2024")):
        source = tmp_path / f"{kommune}-{period}.txt"
        source.write_text(text.read_text(encoding="utf-8") + "\n\nEn sætning, som kun denne version har om data.\n", encoding="utf-8")
        result = runner.invoke(app, ["add", kommune, str(source), "--period", period, "-w", str(root)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", "--out", str(tmp_path), "-w", str(root)])  # classifies them
    assert result.exit_code == 0, result.output
    ws = open_workspace(root)
    return ws, codebook.load(ws.codebook_path)


def test_report_section_over_time_shared_with_a_forked_process_is_the_one_written_in_one(runner, compared_workspace, tmp_path, monkeypatch):
    import datetime as dt
    import os

    from strategikompas import report as rp

    ws, book = _with_versions(runner, compared_workspace, tmp_path)
    today = dt.date(2026, 12, 3)
    monkeypatch.setattr(rp, "usable_cores", lambda: 1)
    one = rp.build_html(ws, book, today)
    assert one.count("id='udvikling-") == 3 and one.count("id='udvikling'") == 1
    parent, write = os.getpid(), rp.over_time_html

    def recording(ws_, book_, part):
        html_ = write(ws_, book_, part)
        (tmp_path / f"by-{'this' if os.getpid() == parent else 'forked'}").write_text(f"{part}|{html_.count('udvikling-')}")
        return html_

    monkeypatch.setattr(rp, "usable_cores", lambda: 2)
    monkeypatch.setattr(rp, "over_time_html", recording)
    assert rp.build_html(ws, book, today) == one
    here, forked = ((tmp_path / name).read_text().split("|") for name in ("by-this", "by-forked"))
    assert int(here[1]) >= 1 and int(forked[1]) >= 1  # each process wrote some of the kommuner


def test_report_section_over_time_whose_forked_process_fails_is_written_here(runner, compared_workspace, tmp_path, monkeypatch):
    import datetime as dt
    import os

    from strategikompas import report as rp

    ws, book = _with_versions(runner, compared_workspace, tmp_path)
    today = dt.date(2026, 12, 3)
    monkeypatch.setattr(rp, "usable_cores", lambda: 1)
    one = rp.build_html(ws, book, today)
    parent, write = os.getpid(), rp.over_time_html

    def failing_in_the_child(ws_, book_, part):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return write(ws_, book_, part)

    monkeypatch.setattr(rp, "usable_cores", lambda: 2)
    monkeypatch.setattr(rp, "over_time_html", failing_in_the_child)
    assert rp.build_html(ws, book, today) == one
