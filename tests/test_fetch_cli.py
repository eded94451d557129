"""The fetch command end to end: CliRunner against a local server, the repository's own
collection pointed at unreachable addresses, and a real process killed mid-download."""

from __future__ import annotations

import csv
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from fetch_servers import RawServer, pdf_head, real_pdf
from strategikompas import linksamling
from strategikompas.corpus import load_manifest
from strategikompas.linksamling import row_from_table

from conftest import ROOT, sigint_as_usual

PDF = real_pdf(padding=256 * 1024)  # about 256 kB
FAST = ["--retries", "0", "--delay", "0", "--timeout", "2"]


@pytest.fixture
def server():
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


def row(kommune: str, url: str):
    return dataclasses.replace(row_from_table(kommune, "Digitaliseringsstrategi", "link", "2021-2025"), url=url)


def fetch(runner, ws: Path, *args: str):
    from strategikompas.cli import app

    return runner.invoke(app, ["fetch", *args, "--workspace", str(ws)])


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_fetch_table_summary_and_exit_0(runner, workspace_dir, server):
    server.expect_request("/o.pdf").respond_with_data(PDF, content_type="application/pdf")
    server.expect_request("/gone.pdf").respond_with_data("", status=404)
    linksamling.save(workspace_dir / "data" / "linksamling.csv", [row("Odder", server.url_for("/o.pdf")), row("Ishøj", server.url_for("/gone.pdf")), row("Assens", "")])
    result = fetch(runner, workspace_dir, *FAST)
    assert result.exit_code == 0, result.output
    assert "Odder" in result.output and "hentet" in result.output
    assert "Ishøj" in result.output and "død" in result.output
    assert "downloaded" not in result.output and "dead" not in result.output  # the ids stay in the manifest
    assert "2 dokumenter: hentet 1, død 1; 1 række uden URL sprunget over" in result.output
    assert "Ingen URL: Assens" in result.output  # every row is accounted for by name
    again = fetch(runner, workspace_dir, *FAST, "odder")
    assert again.exit_code == 0 and "1 dokumenter" not in again.output and "1 dokument: hentet 1" in again.output


def test_dry_run_downloads_nothing(runner, workspace_dir, server):
    linksamling.save(workspace_dir / "data" / "linksamling.csv", [row("Odder", server.url_for("/o.pdf"))])
    before = (workspace_dir / "corpus" / "manifest.csv").read_bytes()
    result = fetch(runner, workspace_dir, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Ville hente 1 dokument" in result.output and "hent" in result.output
    assert server.log == []
    assert (workspace_dir / "corpus" / "manifest.csv").read_bytes() == before


def test_failure_exits_1(runner, workspace_dir):
    linksamling.save(workspace_dir / "data" / "linksamling.csv", [row("Odder", f"http://127.0.0.1:{closed_port()}/x.pdf")])
    result = fetch(runner, workspace_dir, *FAST)
    assert result.exit_code == 1
    assert "fejl" in result.output and "kan ikke forbinde" in result.output


@pytest.mark.parametrize(
    "args, message",
    [(["--contact", "nobody"], "er ikke en e-mailadresse"), (["nowhere-kommune"], "Ukendt kommune"), (["--concurrency", "0"], "--concurrency skal være"), (["--archive-url", "ftp://x"], "--archive-url")],
)
def test_bad_usage_exits_2(runner, workspace_dir, args, message):
    result = fetch(runner, workspace_dir, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_repository_collection_with_unreachable_urls_reports_every_row(runner, workspace_dir):
    """Every row of the real collection gets a URL that cannot be reached (an unresolvable
    .invalid host, or a closed local port): each row is reported, nothing crashes."""
    rows = linksamling.load(ROOT / "data" / "linksamling.csv")
    port = closed_port()
    unreachable = []
    for i, r in enumerate(rows):
        url = f"http://127.0.0.1:{port}/{r.slug}.pdf" if i % 8 == 0 else f"https://www.{r.slug}.invalid/{r.slug}.pdf"
        unreachable.append(dataclasses.replace(r, url=url))
    linksamling.save(workspace_dir / "data" / "linksamling.csv", unreachable)
    result = fetch(runner, workspace_dir, *FAST, "--concurrency", "16")
    assert result.exit_code == 1, result.output  # the closed port is an error (a failed run), DNS failures are dead
    with (workspace_dir / "corpus" / "manifest.csv").open(encoding="utf-8") as handle:
        recorded = {r["slug"]: r for r in csv.DictReader(handle) if r["url"]}
    assert set(recorded) == {r.slug for r in rows}
    for i, r in enumerate(rows):
        assert recorded[r.slug]["status"] == ("error" if i % 8 == 0 else "dead"), r.kommune
    assert f"{len(rows)} dokumenter: død {len(rows) - 8}, fejl 8" in result.output
    assert len(load_manifest(workspace_dir / "corpus" / "manifest.csv")) == len(load_manifest(ROOT / "corpus" / "manifest.csv"))  # the bundled documents, still loadable


class StallingServer(RawServer):
    """Sends half of a PDF and then nothing until released; once released, whole PDFs."""

    def __init__(self):
        self.release = threading.Event()
        super().__init__()

    def answer(self, conn: socket.socket, number: int) -> None:
        stalled = not self.release.is_set()
        conn.sendall(pdf_head(PDF) + (PDF[: len(PDF) // 2] if stalled else PDF))
        if stalled:
            self.release.wait(30)

    def close(self) -> None:
        self.release.set()
        super().close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_killed_fetch_leaves_no_partial_file_and_a_rerun_completes(workspace_dir, tmp_path, sig):
    srv = StallingServer()
    try:
        linksamling.save(workspace_dir / "data" / "linksamling.csv", [row("Odder", srv.url)])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]), "XDG_CACHE_HOME": str(tmp_path / "cache")}
        cmd = [sys.executable, "-c", "from strategikompas.cli import main; main()", "fetch", "--workspace", str(workspace_dir), *FAST, "--timeout", "30"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=sigint_as_usual)
        folder = workspace_dir / "corpus" / "odder"
        deadline = time.monotonic() + 20
        while not (folder.is_dir() and list(folder.glob(".*.tmp"))):  # mid-download
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the download never started"
            time.sleep(0.05)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=20)
        assert proc.returncode != 0
        if sig == signal.SIGINT:  # issue: Ctrl-C ended with exit 130 and no word
            assert proc.returncode == 130
            assert "kør den samme kommando igen" in stderr.decode("utf-8") and "Traceback" not in stderr.decode("utf-8")
        visible = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        assert visible == [], "a partial document is visible in the corpus"
        if sig == signal.SIGINT:
            assert list(folder.iterdir()) == [], "Ctrl-C left a temporary file"
        docs = load_manifest(workspace_dir / "corpus" / "manifest.csv", include_attempts=True)
        assert {"hjoerring", "horsens", "norddjurs", "herning"} <= {d.slug for d in docs}
        assert "odder" not in {d.slug for d in docs}

        srv.release.set()
        rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert "1 dokument: hentet 1" in rerun.stdout
        assert [p.read_bytes() for p in folder.iterdir()] == [PDF]  # the stale temporary file is gone too
    finally:
        srv.close()


def test_archive_url_from_the_environment(runner, workspace_dir, server, monkeypatch):
    original = "http://www.odder.invalid/strategi.pdf"
    server.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {"closest": {"available": True, "timestamp": "20220101093000", "status": "200"}}})
    server.expect_request(f"/web/20220101093000id_/{original}").respond_with_data(PDF, content_type="application/pdf")
    linksamling.save(workspace_dir / "data" / "linksamling.csv", [row("Odder", original)])
    monkeypatch.setenv("STRATEGIKOMPAS_ARCHIVE_URL", server.url_for("/"))
    result = fetch(runner, workspace_dir, *FAST, "--archive")
    assert result.exit_code == 0, result.output
    assert "1 dokument: fra arkivet 1" in result.output
    odder = next(d for d in load_manifest(workspace_dir / "corpus" / "manifest.csv") if d.slug == "odder")
    assert odder.extra["archived_at"] == "2022-01-01" and odder.extra["status"] == "archived"
    assert (workspace_dir / "corpus" / "odder" / "strategi.pdf").read_bytes() == PDF
