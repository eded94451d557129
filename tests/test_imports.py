"""--help and importing the package must not pull in spaCy, scikit-learn or pandas."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "sklearn", "pandas", "matplotlib", "openpyxl", "trafilatura", "pdfplumber", "pypdfium2")

PROBE = """
import sys
from typer.testing import CliRunner
import strategikompas
from strategikompas.cli import app
result = CliRunner().invoke(app, {args!r})
assert result.exit_code == 0, result.output
loaded = sorted(m for m in {heavy!r} if m in sys.modules)
print(",".join(loaded))
"""


def loaded_after(args: list[str]) -> str:
    code = PROBE.format(args=args, heavy=HEAVY)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_help_imports_nothing_heavy():
    assert loaded_after(["--help"]) == ""


def test_command_help_imports_nothing_heavy():
    assert loaded_after(["compare", "--help"]) == ""
    assert loaded_after(["list", "--help"]) == ""


def test_list_imports_nothing_heavy():
    assert loaded_after(["list"]) == ""


def test_compare_of_classified_documents_imports_no_nlp(compared_workspace):
    """compare on stored results reads the store: the library's modules are imported at
    their tops, but spaCy, scikit-learn and pandas stay inside the functions that need them."""
    assert loaded_after(["compare", "hjoerring", "horsens@2011-2015", "-w", str(compared_workspace)]) == ""
