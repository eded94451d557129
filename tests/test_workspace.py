from __future__ import annotations

import os
from pathlib import Path

import pytest

from strategikompas.errors import InputError
from strategikompas.workspace import bundled_root, init_workspace, open_workspace


def test_init_copies_collection_and_corpus(tmp_path):
    ws = init_workspace(tmp_path / "new")
    assert (ws.root / "data" / "linksamling.csv").read_bytes() == (bundled_root() / "data" / "linksamling.csv").read_bytes()
    assert (ws.root / "corpus" / "manifest.csv").is_file()
    assert (ws.root / "corpus" / "hjoerring").is_dir()
    assert ws.results == ws.root / "results"


def test_init_refuses_non_empty_folder(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
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
    with pytest.raises(InputError, match="is not a workspace"):
        open_workspace(tmp_path)


def test_readonly_bundled_workspace_writes_results_to_cache(tmp_path, monkeypatch):
    """An installed package's data is read-only: results go to the user's cache."""
    if os.geteuid() == 0:
        pytest.skip("root can write everywhere; see test_packaging for the installed case")
    ro = init_workspace(tmp_path / "ro").root
    os.chmod(ro, 0o500)
    try:
        ws = open_workspace(ro)
        assert ws.bundled and not str(ws.results).startswith(str(ro))
    finally:
        os.chmod(ro, 0o700)


def test_results_are_ignored_in_a_clone():
    root = Path(__file__).resolve().parents[1]
    assert "results/" in (root / ".gitignore").read_text().splitlines()
