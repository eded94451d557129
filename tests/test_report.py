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
def report_file(tmp_path_factory):
    from typer.testing import CliRunner

    from strategikompas.workspace import init_workspace

    base = tmp_path_factory.mktemp("report")
    ws = init_workspace(base / "ws").root
    out = base / "out"  # not there yet: report makes it
    result = CliRunner().invoke(app, ["report", "--out", str(out), "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    return out / "strategikompas.html"


def test_report_is_self_contained(report_file):
    text = report_file.read_text(encoding="utf-8")
    assert "<svg" in text and "id='heatmap-chart'" in text
    assert "profil-hjoerring" in text and "profil-horsens" in text
    assert "gældende" in text and "digitaliseringsstrategi" in text
    assert "<h4>Struktur</h4>" in text and "»" in text
    # XML namespaces in the SVG are names, not fetches; nothing may load from elsewhere.
    for needle in ('src="http', "src='http", 'href="http', "href='http", "url(http", "@import", "<link ", "<script"):
        assert needle not in text, needle


def test_report_renders_in_headless_chromium(report_file, tmp_path):
    binary = chromium()
    flags = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, "--window-size=1200,1600", f"--screenshot={shot}", report_file.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20000
    dom = subprocess.run([*flags, "--dump-dom", report_file.as_uri()], capture_output=True, text=True, timeout=120, check=False).stdout
    assert 'id="heatmap-chart"' in dom and "<svg" in dom
    assert 'id="profil-hjoerring"' in dom and "Fokusområder" in dom


def test_report_missing_out_folder_bug_found_only_after_classifying(tmp_path, workspace_dir):
    """Bug: report classified every document (minutes on a real corpus) and only then
    found that the --out folder did not exist."""
    from typer.testing import CliRunner

    for out, message in ((tmp_path / "nope" / "rapport", "does not exist"), (workspace_dir / "data" / "linksamling.csv", "is a file")):
        result = CliRunner().invoke(app, ["report", "--out", str(out), "--workspace", str(workspace_dir)])
        assert result.exit_code == 2 and message in result.output
        assert "Reading" not in result.output
        assert not (workspace_dir / "results" / "strategikompas.sqlite").exists()
    assert not (tmp_path / "nope").exists()
