"""The typer app, the error boundary and the options shared by every command."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from ..errors import StrategikompasError, os_problem
from ..workspace import ENV_VAR as WORKSPACE_ENV
from ..workspace import Workspace

if TYPE_CHECKING:
    from ..codebook import Codebook

INTERRUPTED = ("Afbrudt (Ctrl-C): det, der blev gjort færdigt, er gemt (hele dokumenter og hele filer, intet halvt); "
               "kør den samme kommando igen for at gøre resten.")


class _Group(TyperGroup):
    """Turns the library's typed errors into one line on stderr and an exit status."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except StrategikompasError as exc:
            typer.echo(f"Fejl: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:
            # A file the library did not expect to fail (no permission, disk full): name
            # it in one line. No permission is the user's to fix (2); the rest is a failed run.
            where = f"{exc.filename}: " if exc.filename else ""
            typer.echo(f"Fejl: {where}{os_problem(exc)}.", err=True)
            raise typer.Exit(2 if isinstance(exc, PermissionError) else 1) from None
        except KeyboardInterrupt:
            # Every write is atomic and each document is stored whole: say so, and how to go on.
            typer.echo(INTERRUPTED, err=True)
            raise typer.Exit(130) from None


app = typer.Typer(
    cls=_Group,
    name="strategikompas",
    help="Sammenlign kommunernes digitaliseringsstrategier.\n\n"
    "Eksempel: strategikompas compare hjoerring horsens",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"strategikompas {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Vis versionen og afslut.")] = False,
) -> None:
    """Sammenlign kommunernes digitaliseringsstrategier.

    Eksempel: strategikompas compare hjoerring horsens
    """

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar=WORKSPACE_ENV,
        help="Arbejdsmappe (data/linksamling.csv, corpus/, results/). Standard: den aktuelle mappe, hvis den er en arbejdsmappe, ellers den medfølgende.",
        show_default=False,
    ),
]
CsvOpt = Annotated[Path | None, typer.Option("--csv", help="Skriv også tabellen til denne CSV-fil.", show_default=False)]
XlsxOpt = Annotated[Path | None, typer.Option("--xlsx", help="Skriv også tabellerne til denne Excel-fil (et ark pr. tabel).", show_default=False)]
JsonOpt = Annotated[Path | None, typer.Option("--json", help="Skriv også tabellerne til denne JSON-fil.", show_default=False)]
DialectOpt = Annotated[str, typer.Option("--dialect", help="CSV-dialekt: excel-dk (UTF-8 med BOM, semikolon, decimalkomma) eller standard (komma, ingen BOM, decimalpunktum).")]
CodebookOpt = Annotated[Path | None, typer.Option("--codebook", help="Brug denne kodebog (TOML) i stedet for arbejdsmappens data/fokusomraader.toml.", show_default=False)]


def make_console(stderr: bool = False):
    """The one way the commands get a rich console.

    Into a file or pipe (a log, a CliRunner) nothing is broken into lines at the assumed 80
    columns, so a path in "Skrev ..." stays whole; on a terminal rich wraps prose between
    words at the real width. Tables are laid out to the width either way."""
    from rich.console import Console

    # markup=False: no string is ever read as Rich markup, so a title such as
    # "Digitaliseringsstrategi [/] 2024-2028" prints as it is; styles come from ``styled``.
    console = Console(stderr=stderr, markup=False)
    console.soft_wrap = not console.is_terminal
    return console


def styled(*parts):
    """Styled text without markup: ``styled("tekst", "dim")`` or ``styled(("sprunget over:", "yellow"), " ", problem)``;
    every part is taken literally, so dynamic text needs no escaping."""
    from rich.text import Text

    if len(parts) == 2 and all(isinstance(p, str) for p in parts) and not parts[1].startswith(" "):
        return Text(parts[0], style=parts[1])
    return Text.assemble(*[(str(p[0]), p[1]) if isinstance(p, tuple) else str(p) for p in parts])


def workspace(path: Path | None):
    from ..workspace import open_workspace

    return open_workspace(path)


def load_codebook(ws: Workspace, path: Path | None) -> Codebook:
    from .. import codebook

    return codebook.load(path or ws.codebook_path)


@contextmanager
def reading_progress(console=None):
    """A progress bar while documents are classified; yields (on_plan, on_document).

    Progress goes to stderr whatever ``console`` the command prints its results on, so
    piped output is the same on the first run as on the second. Each document also gets a
    "Læst ..." line as it is done (documents are worked on at once, so they finish in
    their own order), so a log without a terminal shows it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = make_console(stderr=True)

    with Progress(TextColumn("Klassificerer"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = None

        def on_plan(total: int) -> None:
            nonlocal task
            task = progress.add_task("", total=total)

        def on_document(doc) -> None:
            progress.console.print(styled(f"Læst {doc.kommune}: {doc.title}", "dim"), highlight=False)
            if task is not None:
                progress.update(task, advance=1, description=doc.kommune)

        yield on_plan, on_document
