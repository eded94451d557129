"""The benchmark scripts call the library as it is now (they are not run by the tests: speed
is measured in bench/, not in timed tests)."""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_extract_bug_read_pdf_indexed_as_a_tuple(tmp_path):
    """Bug: bench_extract's text-quality step still took ``read_pdf(path)[0]`` after
    read_pdf began to return a Read, and the script failed half-way."""
    bench = _bench("bench_extract")
    texts = bench.texts(bench.generate(tmp_path / "to-sider.pdf", 2))
    assert set(texts) == {"raw pypdfium2", "ours", "pdfplumber"}
    assert "Fokusområde 2" in texts["ours"] and "KOMMUNENS DIGITALISERINGSSTRATEGI" not in texts["ours"]
    assert "KOMMUNENS DIGITALISERINGSSTRATEGI" in texts["raw pypdfium2"]


def test_bench_scale_builds_a_corpus_of_text_and_pdf_documents(tmp_path):
    """bench_scale's synthetic corpus: as many documents as asked, over as many kommuner,
    half of them PDFs, every one in the manifest and about DOC_CHARS characters long."""
    from strategikompas.corpus import load_manifest
    from strategikompas.extract import extract_path

    bench = _bench("bench_scale")
    root = bench.build_corpus(tmp_path / "ws", 4, None)
    docs = load_manifest(root / "corpus" / "manifest.csv")
    assert len(docs) == 4 and len({d.kommune for d in docs}) == 4
    assert sorted(d.file.rsplit(".", 1)[1] for d in docs) == ["pdf", "pdf", "txt", "txt"]
    for doc in docs:
        text = " ".join(s.text for s in extract_path(root / "corpus" / doc.file).sections)
        assert 0.8 * bench.DOC_CHARS < len(text) < 1.3 * bench.DOC_CHARS, (doc.file, len(text))
