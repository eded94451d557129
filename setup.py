"""Packs the bundled workspace (data/ and corpus/) into the wheel as strategikompas/bundled/.

setuptools cannot map folders outside the package into it, so build_py copies them;
a source checkout finds them in place (see workspace.bundled_root)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithBundledWorkspace(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "strategikompas" / "bundled"
        for name in ("data", "corpus"):
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", ".*.tmp", "*.pyc"))


setup(cmdclass={"build_py": BuildWithBundledWorkspace})
