from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REAL_PDF = SHARED / "pdfs" / "faellesoffentlig-digitaliseringsstrategi-2026-2029.pdf"


def needs_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (tests that use ../shared need the project's shared folder)")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workspace_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trained_models: Path) -> Path:
    """A fresh workspace copied from the bundled one, with its own results folder. The
    classifier trained once per session is put in it (training is a minute and more; the
    tests of training itself use folders of their own); nothing else is classified."""
    from strategikompas.workspace import init_workspace

    monkeypatch.delenv("STRATEGIKOMPAS_WORKSPACE", raising=False)
    ws = init_workspace(tmp_path / "ws")
    shutil.copytree(trained_models, ws.models_dir, dirs_exist_ok=True)
    return ws.root


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Results of the bundled workspace go to a per-session cache, never the user's."""
    cache = tmp_path_factory.getbasetemp() / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("STRATEGIKOMPAS_WORKSPACE", raising=False)


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def run_unprivileged(cmd: list[str], *, home: Path, env: dict[str, str] | None = None):
    """Run ``cmd`` as a user who lacks root's permissions: as root through setpriv as
    nobody (root may write anywhere, so a permission test would test nothing), else as is.
    ``home`` must be a folder that user can reach."""
    import subprocess

    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root without setpriv cannot drop to a user without the permission")
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        probe = subprocess.run([*drop, sys.executable, "-c", "import strategikompas"], cwd="/", capture_output=True, timeout=60)
        if probe.returncode != 0:
            pytest.skip(f"nobody cannot run this project's Python from {ROOT} (a folder only root may enter)")
        cmd = [*drop, *cmd]
    env = {**os.environ, "HOME": str(home), **(env or {})}
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def unprivileged_tmp() -> Path:
    """A fresh folder under /tmp that nobody can reach (pytest's tmp_path is root-only)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="strategikompas-", dir="/tmp"))
    base.chmod(0o755)
    return base


__all__ = ["ROOT", "SHARED", "SEEDS", "REAL_PDF", "needs_shared", "copy_tree", "os", "run_unprivileged", "unprivileged_tmp"]


@pytest.fixture(scope="session")
def trained_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The classifier trained once per test session on the bundled annotated set."""
    from strategikompas import codebook
    from strategikompas.classifier import load_or_train
    from strategikompas.workspace import bundled_root

    folder = tmp_path_factory.mktemp("models")
    root = bundled_root()
    load_or_train(root / "data" / "annotations", codebook.load(root / "data" / "fokusomraader.toml"), folder)
    return folder


@pytest.fixture
def classified_workspace(workspace_dir: Path) -> Path:
    """A fresh workspace whose results folder already holds the trained model (every
    ``workspace_dir`` does now; the name says what the tests that use it rely on)."""
    return workspace_dir


def small_annotations(tmp_path: Path, per_source: int = 25) -> Path:
    """Three documents' first sentences of the annotated set (no written set): a quick set
    for the tests that train or cross-validate."""
    import json

    from strategikompas.workspace import bundled_root

    source = bundled_root() / "data" / "annotations"
    folder = tmp_path / "annotations"
    folder.mkdir()
    keep, counts = [], {}
    for line in (source / "sentences.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["source"] in ("hjoerring", "norddjurs", "faellesoffentlig-2026") and counts.get(row["source"], 0) < per_source:
            counts[row["source"]] = counts.get(row["source"], 0) + 1
            keep.append(row["id"])
            with (folder / "sentences.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
    gold = {json.loads(x)["id"]: x for x in (source / "gold.jsonl").read_text(encoding="utf-8").splitlines()}
    (folder / "gold.jsonl").write_text("".join(gold[i] + "\n" for i in keep), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def _compared_once(tmp_path_factory: pytest.TempPathFactory, trained_models: Path) -> Path:
    """A workspace with every bundled document (each version) classified, made once per session."""
    from strategikompas import codebook
    from strategikompas.classify import classify_documents
    from strategikompas.corpus import load_manifest
    from strategikompas.workspace import init_workspace

    root = tmp_path_factory.mktemp("compared") / "ws"
    ws = init_workspace(root)
    shutil.copytree(trained_models, ws.models_dir)
    report = classify_documents(ws, load_manifest(ws.manifest_path), codebook.load(ws.codebook_path))
    assert not report.failed, report.failed
    return root


@pytest.fixture
def compared_workspace(_compared_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of a workspace whose bundled documents are all classified already
    (for the tests of what compare, export, report and the notebook show)."""
    monkeypatch.delenv("STRATEGIKOMPAS_WORKSPACE", raising=False)
    return copy_tree(_compared_once, tmp_path / "ws")


def sigint_as_usual() -> None:
    """For a child process the tests interrupt: Ctrl-C at its default. A shell starts
    background jobs (a CI run started with "&") with SIGINT ignored, and a child inherits
    that; the tool rightly keeps an ignored SIGINT ignored, so the test would wait forever."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
