"""``strategikompas extract``: a document's structure as a tree or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.tree import Tree

from .main import WorkspaceOpt, app, workspace


@app.command()
def extract(
    target: Annotated[str, typer.Argument(help="A kommune in the corpus (Hjørring, hjoerring) or a path to a PDF, web page or text file.")],
    format: Annotated[str, typer.Option("--format", help="tree or json.")] = "tree",
    kommune: Annotated[str | None, typer.Option(help="The kommune a PATH belongs to.", show_default=False)] = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Show a document's structure: title, period, type, sections with their pages.

    Example: strategikompas extract hjoerring --format json
    """
    from ..extract import extract_target

    if format not in ("tree", "json"):
        raise typer.BadParameter("use tree or json", param_hint="--format")
    strategy = extract_target(workspace(ws_path), target, kommune)
    if format == "json":
        typer.echo(json.dumps(strategy.to_json_dict(), ensure_ascii=False, indent=2))
        return
    tree = Tree(f"[bold]{strategy.title}[/bold] ({strategy.kommune or 'ukendt kommune'}, {strategy.pages or '-'} sider)")
    for section in strategy.sections:
        page = f"s. {section.page}: " if section.page else ""
        tree.add(f"[{section.kind}] {page}{section.title or section.text[:80]}", highlight=False)
    for warning in strategy.warnings:
        tree.add(f"[yellow]advarsel:[/yellow] {warning}")
    Console().print(tree)
