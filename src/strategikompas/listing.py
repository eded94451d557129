"""The link collection as a filtered table with status and summary (``strategikompas list``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import linksamling
from .errors import InputError
from .workspace import Workspace


@dataclass
class LinkTable:
    rows: list[linksamling.LinkRow]
    statuses: list[str]
    today: dt.date

    def summary_line(self) -> str:
        forms = Counter(r.form_type for r in self.rows)
        states = Counter(self.statuses)
        form_text = ", ".join(f"{k} {v}" for k, v in forms.most_common())
        state_text = ", ".join(f"{s} {states[s]}" for s in linksamling.STATUSES if states[s])
        return f"{len(self.rows)} kommuner pr. {self.today.isoformat()}: {form_text}. Status: {state_text}."


    def export_table(self):
        """The rows as an export table (the link collection's columns plus ``status``)."""
        from .export import Table

        return Table("linksamling", [*linksamling.COLUMNS, "status"], [[getattr(r, c) for c in linksamling.COLUMNS] + [s] for r, s in zip(self.rows, self.statuses, strict=True)])


def link_table(
    ws: Workspace,
    form: str | None = None,
    status: str | None = None,
    today: dt.date | None = None,
    csv_path: Path | None = None,
    *,
    xlsx_path: Path | None = None,
    json_path: Path | None = None,
    dialect: str = "excel-dk",
) -> LinkTable:
    today = today or dt.date.today()
    if form is not None and form not in linksamling.FORM_TYPES:
        raise InputError(f"Unknown form '{form}'; use one of {', '.join(linksamling.FORM_TYPES)}.")
    if status is not None and status not in linksamling.STATUSES:
        raise InputError(f"Unknown status '{status}'; use one of {', '.join(linksamling.STATUSES)}.")
    rows = linksamling.load(ws.linksamling_path)
    rows = [r for r in rows if (form is None or r.form_type == form) and (status is None or r.status(today) == status)]
    table = LinkTable(rows, [r.status(today) for r in rows], today)
    targets = [(p, f) for p, f in ((csv_path, "csv"), (xlsx_path, "xlsx"), (json_path, "json")) if p is not None]
    if targets:
        from .export import DIALECTS, check_target, write_tables

        if dialect not in DIALECTS:
            raise InputError(f"Unknown CSV dialect '{dialect}'; use one of {', '.join(DIALECTS)}.")
        for path, _ in targets:
            check_target(path)
        for path, fmt in targets:
            write_tables(path, [table.export_table()], fmt, dialect)
    return table
