"""One self-contained HTML report: heatmap, a profile per kommune, link-collection status.

Charts are drawn by matplotlib to inline SVG; the file needs no network to open."""

from __future__ import annotations

import datetime as dt
import html
import io
from collections import Counter
from pathlib import Path

from . import codebook as cb
from . import compare as cmp
from . import linksamling
from .errors import InputError
from .fileio import atomic_write_text
from .workspace import Workspace

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222}
h1{font-size:1.6rem}h2{border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f8}.profile{border:1px solid #ddd;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
blockquote{margin:.2rem 0 .6rem 1rem;color:#444;font-style:italic}.bar{background:#1f4e79;height:.7rem;display:inline-block}
"""


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def heatmap_svg(result: cmp.Comparison) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [name for _, name in result.labels]
    data = [[c.shares[lid] * 100 for lid, _ in result.labels] for c in result.columns]
    fig, ax = plt.subplots(figsize=(1.0 + 0.8 * len(names), 0.9 + 0.45 * len(result.columns)))
    image = ax.imshow(data, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(len(result.columns)), [c.kommune for c in result.columns], fontsize=9)
    for i, row in enumerate(data):
        for j, value in enumerate(row):
            ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=7, color="white" if value > 20 else "black")
    fig.colorbar(image, ax=ax, label="% af sætninger")
    svg = _svg(fig)
    plt.close(fig)
    return svg


def build_html(ws: Workspace, book: cb.Codebook, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    result = cmp.classified_columns(ws, book)
    e = html.escape
    parts = [f"<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Strategikompas</title><style>{CSS}</style></head><body>",
             f"<h1>Strategikompas: kommunernes digitaliseringsstrategier</h1><p>Genereret {today.isoformat()}.</p>"]
    parts.append("<h2 id='heatmap'>Fokusområder pr. kommune</h2>")
    if result.columns:
        parts.append(f"<div id='heatmap-chart'>{heatmap_svg(result)}</div>")
    else:
        parts.append("<p>Ingen klassificerede dokumenter endnu: kør <code>strategikompas classify</code>.</p>")
    rows = linksamling.load(ws.linksamling_path)
    forms = Counter(r.form_type for r in rows)
    states = Counter(r.status(today) for r in rows)
    parts.append("<h2 id='status'>Linksamlingen</h2><table><tr><th>Form</th><th>Antal</th></tr>")
    parts += [f"<tr><td>{e(k)}</td><td>{v}</td></tr>" for k, v in forms.most_common()]
    parts.append("</table><table><tr><th>Status</th><th>Antal</th></tr>")
    parts += [f"<tr><td>{e(s)}</td><td>{states[s]}</td></tr>" for s in linksamling.STATUSES]
    parts.append("</table>")
    parts.append("<h2 id='profiler'>Profiler</h2>")
    if result.columns:
        detail = cmp.details(ws, result, today)
        for i, (col, facts) in enumerate(zip(result.columns, detail.facts, strict=True)):
            parts.append(f"<section class='profile' id='profil-{e(col.slug)}'><h3>{e(col.kommune)}</h3><table>")
            for label, value in (("Titel", facts.title), ("Form", facts.form), ("Periode", facts.period), ("Status", facts.status),
                                 ("Sider", facts.pages), ("Model", facts.pipeline), ("Sætninger", col.n_sentences)):
                parts.append(f"<tr><th>{label}</th><td>{e(str(value if value is not None else '-'))}</td></tr>")
            parts.append("</table>")
            if detail.structure:
                parts.append("<h4>Struktur</h4><table>")
                for name, *cells in detail.structure:
                    parts.append(f"<tr><th>{e(str(name))}</th><td>{e(str(cells[i]))}</td></tr>")
                parts.append("</table>")
            parts.append("<h4>Fokusområder</h4>")
            for lid, name in sorted(result.labels, key=lambda x: -col.shares[x[0]]):
                share = col.shares[lid]
                parts.append(f"<div><span class='bar' style='width:{share * 300:.0f}px'></span> {e(name)}: {share:.0%}</div>")
                ev = detail.evidence[lid][i]
                if ev is not None and share > 0:
                    quote = " ".join(ev.sentence.split())
                    quote = quote if len(quote) <= 400 else quote[:399] + "…"
                    parts.append(f"<blockquote>{e(ev.lead())}»{e(quote)}«{e(ev.where())}</blockquote>")
            if detail.terms[i]:
                parts.append("<p><b>Særlige ord:</b> " + e(", ".join(w for w, _ in detail.terms[i])) + "</p>")
            parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


def report(
    ws: Workspace,
    book: cb.Codebook,
    out_dir: Path,
    on_document=None,
    on_plan=None,
    today: dt.date | None = None,
) -> Path:
    """Classify what is not classified yet, then write ``out_dir/strategikompas.html``.

    ``out_dir`` is made when its parent folder exists ("--out rapport"). The target is
    checked first: a missing parent, a file in the way or an unwritable folder fails before
    the classification, which can take minutes."""
    from .export import check_target

    out_dir = Path(out_dir)
    path = out_dir / "strategikompas.html"
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"Cannot write the report into {out_dir}: it is a file, not a folder.")
    check_target(path if out_dir.exists() else out_dir)
    cmp.compare_all(ws, book, on_document=on_document, on_plan=on_plan)
    out_dir.mkdir(exist_ok=True)
    atomic_write_text(path, build_html(ws, book, today))
    return path
