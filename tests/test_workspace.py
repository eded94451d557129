from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from strategikompas.errors import InputError
from strategikompas.workspace import bundled_root, init_workspace, open_workspace

from conftest import run_unprivileged, unprivileged_tmp


def test_init_copies_collection_and_corpus(tmp_path):
    ws = init_workspace(tmp_path / "new")
    assert (ws.root / "data" / "linksamling.csv").read_bytes() == (bundled_root() / "data" / "linksamling.csv").read_bytes()
    assert (ws.root / "corpus" / "manifest.csv").is_file()
    assert (ws.root / "corpus" / "hjoerring").is_dir()
    assert ws.results == ws.root / "results"


def test_init_refuses_non_empty_folder(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="ikke tom"):
        init_workspace(tmp_path / "full")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_resolution_order(tmp_path, monkeypatch):
    a = init_workspace(tmp_path / "a").root
    b = init_workspace(tmp_path / "b").root
    assert open_workspace(a, cwd=b).root == a
    monkeypatch.setenv("STRATEGIKOMPAS_WORKSPACE", str(a))
    assert open_workspace(None, cwd=b).root == a
    monkeypatch.delenv("STRATEGIKOMPAS_WORKSPACE")
    assert open_workspace(None, cwd=b).root == b
    empty = tmp_path / "empty"
    empty.mkdir()
    assert open_workspace(None, cwd=empty).root == bundled_root()


def test_not_a_workspace(tmp_path):
    with pytest.raises(InputError, match="er ikke en arbejdsmappe"):
        open_workspace(tmp_path)


def test_readonly_bundled_workspace_writes_results_to_cache():
    """An installed package's data is read-only: results go to the user's cache. Run as a
    user who really cannot write the workspace (as root, through setpriv as nobody)."""
    base = unprivileged_tmp()
    try:
        ro = init_workspace(base / "ro").root
        cache = base / "cache"
        cache.mkdir(mode=0o777)
        cache.chmod(0o777)
        for path in [ro, *ro.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        code = (
            "import sys; from pathlib import Path; from strategikompas.workspace import open_workspace; "
            "ws = open_workspace(Path(sys.argv[1])); print(ws.bundled, ws.results)"
        )
        result = run_unprivileged([sys.executable, "-c", code, str(ro)], home=base, env={"XDG_CACHE_HOME": str(cache)})
        assert result.returncode == 0, result.stderr
        bundled, results = result.stdout.split()
        assert bundled == "True"
        assert Path(results).is_relative_to(cache) and not Path(results).is_relative_to(ro)
    finally:
        for path in [base, *base.rglob("*")]:
            path.chmod(0o755)
        shutil.rmtree(base)


def test_results_are_ignored_in_a_clone():
    root = Path(__file__).resolve().parents[1]
    assert "results/" in (root / ".gitignore").read_text().splitlines()
