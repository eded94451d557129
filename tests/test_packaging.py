"""A wheel carries the bundled workspace, and works from another folder without the clone."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    return next(out.glob("strategikompas-*.whl"))


def test_wheel_contains_bundled_workspace(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "strategikompas/bundled/data/linksamling.csv" in names
    assert "strategikompas/bundled/data/fokusomraader.toml" in names
    assert "strategikompas/bundled/corpus/manifest.csv" in names
    assert "strategikompas/bundled/corpus/hjoerring/hjoerring-digitaliseringsstrategi-2030.txt" in names
    assert not any(n.startswith("strategikompas/bundled/results") for n in names)


def test_installed_wheel_runs_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("STRATEGIKOMPAS_WORKSPACE", None)
    code = "import strategikompas, sys; from strategikompas.cli import main; print(strategikompas.__file__, file=sys.stderr); sys.argv=['strategikompas','compare','hjoerring','herning']; main()"
    result = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert str(target) in result.stderr  # the installed copy ran, not the clone
    assert "Kommissorium" in result.stdout
    package = target / "strategikompas"
    assert not list(package.rglob("*.sqlite")), "results were written into the installed package"
    assert list((tmp_path / "cache").rglob("strategikompas.sqlite"))
