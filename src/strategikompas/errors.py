"""Typed exceptions. The library raises these; only the CLI turns them into a
one-line message and an exit status."""

from __future__ import annotations


class StrategikompasError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(StrategikompasError):
    """Bad usage or bad input from the user (a name, a file, an option): exit 2."""

    exit_code = 2


class DataFileError(InputError):
    """A data file (CSV, TOML, manifest) is missing or malformed.

    The message names the file and, where known, the line and column."""

    def __init__(self, path: object, problem: str, line: int | None = None, column: str | None = None):
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem


class UnknownKommuneError(InputError):
    def __init__(self, name: str, suggestions: list[str]):
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown kommune '{name}'.{hint}")
        self.name = name
        self.suggestions = suggestions


class NoDocumentError(InputError):
    """A known kommune with no document in the corpus."""


class RunError(StrategikompasError):
    """A run that failed for a reason other than the user's input: exit 1."""
