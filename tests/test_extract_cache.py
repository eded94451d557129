"""The extraction cache: keyed by content hash and EXTRACTOR_VERSION, atomic, self-healing."""

from __future__ import annotations

import json

import pytest

from strategikompas.extract import cache as extract_cache
from strategikompas.extract import extract_cached, extract_path
from strategikompas.extract.detect import DocumentError
from test_extract_layout import two_column_pdf


def entries(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def cached_once(tmp_path):
    """A small text document extracted once through the cache: (document, cache, its entry)."""
    doc = tmp_path / "s.txt"
    doc.write_text("Strategi 2024-2027\n\nVision\n\nVi vil være digitale.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    extract_cached(doc, cache)
    [name] = entries(cache)
    return doc, cache, cache / name


def test_second_run_reads_the_cache_not_the_pdf(tmp_path):
    pdf = two_column_pdf(tmp_path / "strategi.pdf", pages=2)
    cache = tmp_path / "cache"
    first = extract_cached(pdf, cache, kommune="Odder")
    assert first == extract_path(pdf, kommune="Odder")
    [name] = entries(cache)
    # prove the hit: an entry edited by hand is what the second run returns
    path = cache / name
    data = json.loads(path.read_text(encoding="utf-8"))
    data["strategy"]["title"] = "Fra cachen"
    path.write_text(json.dumps(data), encoding="utf-8")
    second = extract_cached(pdf, cache, kommune="Skanderborg")
    assert second.title == "Fra cachen" and second.kommune == "Skanderborg"
    assert second.themes == first.themes and second.sections == first.sections


def test_changed_file_misses(tmp_path):
    doc = tmp_path / "s.txt"
    doc.write_text("Strategi 2024-2027\n\nVision\n\nVi vil være digitale.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    assert extract_cached(doc, cache).vision == ["Vi vil være digitale."]
    doc.write_text("Strategi 2024-2027\n\nVision\n\nVi vil være mere digitale.\n", encoding="utf-8")
    assert extract_cached(doc, cache).vision == ["Vi vil være mere digitale."]
    assert len(entries(cache)) == 2


def test_new_extractor_version_invalidates(tmp_path, monkeypatch):
    doc, cache, entry = cached_once(tmp_path)
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["strategy"]["title"] = "Gammel version"
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert extract_cached(doc, cache).title == "Gammel version"
    monkeypatch.setattr(extract_cache, "EXTRACTOR_VERSION", extract_cache.EXTRACTOR_VERSION + "-next")
    assert extract_cached(doc, cache).title == "Strategi 2024-2027"
    assert json.loads(entry.read_text(encoding="utf-8"))["version"].startswith(extract_cache.EXTRACTOR_VERSION)
    assert "-next+" in extract_cache.version()


@pytest.mark.parametrize("garbage", ['{"version": "', "[]", '{"version": "VERSION", "sha256": "SHA", "strategy": {"title": 1}}'])
def test_corrupt_cache_entry_is_rebuilt_not_crashed(tmp_path, garbage):
    doc, cache, entry = cached_once(tmp_path)
    entry.write_text(garbage.replace("VERSION", extract_cache.version()).replace("SHA", entry.stem), encoding="utf-8")
    assert extract_cached(doc, cache).vision == ["Vi vil være digitale."]
    assert json.loads(entry.read_text(encoding="utf-8"))["strategy"]["vision"] == ["Vi vil være digitale."]


def test_bad_document_leaves_nothing_in_the_cache(tmp_path):
    cache = tmp_path / "cache"
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(two_column_pdf(tmp_path / "whole.pdf").read_bytes()[:300])
    with pytest.raises(DocumentError, match="cut.pdf: ødelagt"):
        extract_cached(bad, cache)
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError, match="tom.txt: filen er tom"):
        extract_cached(empty, cache)
    assert entries(cache) == []


def test_extract_command_uses_the_workspace_cache(runner, workspace_dir):
    from strategikompas.cli import app
    from strategikompas.workspace import open_workspace

    result = runner.invoke(app, ["extract", "norddjurs", "--format", "json", "--workspace", str(workspace_dir)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["themes"]) == 12
    folder = open_workspace(workspace_dir).results / extract_cache.CACHE_FOLDER
    assert len(entries(folder)) == 1


def test_unwritable_cache_folder_still_extracts(tmp_path):
    doc = tmp_path / "s.txt"
    doc.write_text("Strategi 2024-2027\n\nVision\n\nVi vil være digitale.\n", encoding="utf-8")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    assert extract_cached(doc, blocked / "cache").vision == ["Vi vil være digitale."]
