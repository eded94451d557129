"""The analyst's notebook runs top to bottom (nbclient) and is stored without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "sammenligning_hjoerring_horsens.ipynb"


def test_notebook_stored_without_outputs():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")


def test_notebook_executes_and_shows_its_charts(compared_workspace, monkeypatch):
    """Bug: the notebook set the Agg backend, so its chart never showed in Jupyter. Run
    as Jupyter runs it (no MPLBACKEND), it shows the profile and the over-time chart as
    images, the evidence sentences and the shares of the kommuner in its parameter cell."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("STRATEGIKOMPAS_WORKSPACE", str(compared_workspace))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "KOMMUNER = ['Hjørring', 'Horsens']" in params.source
    params.source = params.source.replace("KOMMUNER = ['Hjørring', 'Horsens']", "KOMMUNER = ['Norddjurs', 'Herning']")
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(compared_workspace)}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the profile and Horsens over time
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "Lighed:" in text and "Norddjurs" in text and "Herning" in text and "Hjørring" not in text
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "sætning" in html and "score" in html and "ændring (pp)" in html
