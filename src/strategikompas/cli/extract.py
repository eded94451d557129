"""``strategikompas extract``: a document's structure as a tree or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.tree import Tree

from ..danish import shorten
from .main import WorkspaceOpt, app, make_console, styled, workspace


@app.command()
def extract(
    target: Annotated[str, typer.Argument(help="En kommune i korpus (Hjørring, hjoerring) eller stien til en PDF, et Word-dokument (.docx), en webside eller en tekstfil.")],
    format: Annotated[str, typer.Option("--format", help="tree (træ) eller json.")] = "tree",
    kommune: Annotated[str | None, typer.Option(help="Den kommune, en fil angivet med sti hører til.", show_default=False)] = None,
    ws_path: WorkspaceOpt = None,
) -> None:
    """Vis et dokuments struktur: titel, periode, type og afsnit med deres sider.

    Eksempel: strategikompas extract hjoerring --format json
    """
    from ..classify import extract_target

    if format not in ("tree", "json"):
        from ..errors import InputError

        raise InputError(f"Ukendt --format '{format}'; brug tree eller json.")
    strategy = extract_target(workspace(ws_path), target, kommune)
    if format == "json":
        typer.echo(json.dumps(strategy.to_json_dict(), ensure_ascii=False, indent=2))
        return
    make_console().print(outline_tree(strategy), soft_wrap=False)  # a tree wraps its long labels under their branch


def outline_tree(strategy) -> Tree:
    """The Strategy as a rich tree: facts, vision, principles, themes, then the sections
    (a section that runs over several pages is shown once, with its first page)."""
    from ..compare import kind_name

    facts = f"{strategy.kommune or 'ukendt kommune'}, {strategy.pages or '-'} sider, {strategy.document_type}, {strategy.period or 'ukendt periode'}, sprog {strategy.language}"
    tree = Tree(styled((strategy.title, "bold"), f" ({facts})"))
    if strategy.vision:
        branch = tree.add(styled("Vision", "bold"))
        for goal in strategy.vision:
            branch.add(shorten(goal, 90))
    for label, items in (("Principper", strategy.principles), ("Temaer", strategy.themes)):
        if items:
            branch = tree.add(styled((label, "bold"), f" ({len(items)})"))
            for item in items:
                page = f"s. {item.page}: " if item.page else ""
                branch.add(f"{page}{shorten(item.title, 90)}")
    branch = tree.add(styled("Sektioner", "bold"))
    previous = None
    for section in strategy.sections:
        if previous and section.title and (section.kind, section.title) == (previous.kind, previous.title):
            continue
        previous = section
        page = f"s. {section.page}: " if section.page else ""
        branch.add(f"[{kind_name(section.kind)}] {page}{shorten(section.title or section.text, 90)}")
    for warning in strategy.warnings:
        tree.add(styled(("advarsel:", "yellow"), f" {warning}"))
    return tree


