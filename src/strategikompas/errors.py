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
            where += f", linje {line}"
        if column is not None:
            where += f", kolonne '{column}'"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem


class UnknownKommuneError(InputError):
    def __init__(self, name: str, suggestions: list[str]):
        hint = f" Mente du: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Ukendt kommune '{name}'.{hint}")
        self.name = name
        self.suggestions = suggestions


class NoDocumentError(InputError):
    """A known kommune with no document in the corpus."""


class RunError(StrategikompasError):
    """A run that failed for a reason other than the user's input: exit 1."""


# The operating system's reasons in Danish (its own strerror is English); the rest as it says.
_OS_PROBLEMS = {
    "EACCES": "ingen adgang",
    "EPERM": "ingen adgang",
    "ENOENT": "findes ikke",
    "ENOSPC": "disken er fuld",
    "EDQUOT": "diskkvoten er brugt op",
    "EROFS": "filsystemet er skrivebeskyttet",
    "EISDIR": "det er en mappe",
    "ENOTDIR": "en del af stien er ikke en mappe",
    "EEXIST": "findes allerede",
    "ENAMETOOLONG": "navnet er for langt",
    "EIO": "læse- eller skrivefejl på disken",
    "EBUSY": "filen er i brug",
}


def os_problem(exc: OSError) -> str:
    """An OSError's reason in lower-case Danish ("ingen adgang"), for a message."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    return _OS_PROBLEMS.get(name) or (exc.strerror or str(exc)).lower()
