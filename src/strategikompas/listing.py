"""The link collection as a filtered table with status and summary (``strategikompas list``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import linksamling
from .corpus import load_manifest, newest_documents
from .errors import InputError
from .export import Table, Targets
from .workspace import Workspace


@dataclass
class LinkTable:
    rows: list[linksamling.LinkRow]
    statuses: list[str]
    today: dt.date
    documents: list[str] = field(default_factory=list)  # per row: its file in corpus/ that compare uses, or ""
    document_periods: list[str] = field(default_factory=list)  # per row: that document's own period, or ""
    document_statuses: list[str] = field(default_factory=list)  # per row: the status of that document's period, or ""

    def summary_line(self) -> str:
        forms = Counter(r.form_type for r in self.rows)
        states = Counter(self.statuses)
        form_text = ", ".join(f"{k} {v}" for k, v in forms.most_common())
        state_text = ", ".join(f"{s} {states[s]}" for s in linksamling.STATUSES if states[s])
        have = sum(1 for d in self.documents if d)
        return f"{len(self.rows)} kommuner pr. {self.today.isoformat()}: {form_text}. Status: {state_text}. Med dokument i korpus: {have}."


    def export_table(self):
        """The rows as an export table (the link collection's columns plus ``status``)."""
        return Table(
            "linksamling",
            [*linksamling.COLUMNS, "status", "dokument", "dokument_periode", "dokument_status"],
            [[getattr(r, c) for c in linksamling.COLUMNS] + [s, d, p, ds]
             for r, s, d, p, ds in zip(self.rows, self.statuses, self.documents, self.document_periods, self.document_statuses, strict=True)],
        )


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
    form = form.strip().lower() if form is not None else None
    status = status.strip().lower() if status is not None else None
    if form is not None and form not in linksamling.FORM_TYPES:
        raise InputError(f"Ukendt form '{form}'; brug en af {', '.join(linksamling.FORM_TYPES)}.")
    if status is not None and status not in linksamling.STATUSES:
        raise InputError(f"Ukendt status '{status}'; brug en af {', '.join(linksamling.STATUSES)}.")
    targets = Targets(csv_path, xlsx_path, json_path, dialect)  # checked before any work
    rows = linksamling.load(ws.linksamling_path)
    rows = [r for r in rows if (form is None or r.form_type == form) and (status is None or r.status(today) == status)]
    docs = corpus_documents(ws, rows)
    table = LinkTable(rows, [r.status(today) for r in rows], today, [d.file if d else "" for d in docs],
                      [(d.period_text or "-") if d else "" for d in docs],
                      [linksamling.period_status(d.end_year, today) if d else "" for d in docs])
    if targets:
        targets.write([table.export_table()])
    return table


def corpus_documents(ws: Workspace, rows: list[linksamling.LinkRow]) -> list:
    """Per row, the kommune's document in ``corpus/`` that compare uses (None when it has none)."""
    if not ws.manifest_path.is_file():
        return [None for _ in rows]
    newest = {d.kommune: d for d in newest_documents(load_manifest(ws.manifest_path))}
    return [newest.get(r.kommune) for r in rows]
