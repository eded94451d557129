"""One self-contained HTML report: heatmap, a profile per kommune, link-collection status.

The heatmap is an HTML table shaded by share; the file needs no network to open."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from pathlib import Path

from . import codebook as cb
from . import compare as cmp
from . import corpus, linksamling
from .classify import classify_documents
from .danish import number, percent, points, shorten
from .errors import InputError, RunError
from .evaluate import measured_f1
from .export import check_target
from .fileio import alongside, atomic_write_text, usable_cores
from .workspace import Workspace

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222}
h1{font-size:1.6rem}h2{border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f8}.profile{border:1px solid #ddd;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
blockquote{margin:.2rem 0 .6rem 1rem;color:#444;font-style:italic}.bar{background:#1f4e79;height:.7rem;display:inline-block}
#heatmap-chart{overflow-x:auto}.heatmap td,.heatmap th{font-size:.72rem;padding:.15rem .3rem}.heatmap tr:first-child th{font-size:.64rem}.heatmap td{white-space:nowrap}.heatmap tr th:first-child{white-space:nowrap}
.caveat{background:#fff6d6;border-left:4px solid #d9a400;padding:.4rem .8rem}.num{text-align:right}.up{color:#1a6b2f}.down{color:#a3222a}
"""


QUOTE_LIMIT = 400  # characters of an evidence quote
# The heatmap's colour scale, light to dark blue, as matplotlib's "Blues" runs.
LIGHT, DARK = (247, 251, 255), (8, 48, 107)


def _shade(fraction: float) -> str:
    r, g, b = (round(lo + (hi - lo) * fraction) for lo, hi in zip(LIGHT, DARK, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_html(result: cmp.Comparison) -> str:
    """The heatmap as an HTML table: a row per kommune with its base ("(641 sætn.)"), a
    column per focus area, each cell its share and under it how many sentences that is,
    shaded by the share (the darkest cell is the largest share in the table).

    A table, not a drawn chart: its text can be read, searched and copied, and 98 kommuner
    cost milliseconds (a matplotlib figure of 980 labelled cells took seconds)."""
    e = html.escape
    top = max((c.shares[lid] for c in result.columns for lid, _ in result.labels), default=0.0) or 1.0
    parts = ["<table class='heatmap'><tr><th>Kommune (sætninger)</th>"]
    parts += [f"<th>{e(name)}</th>" for _, name in result.labels]
    parts.append("</tr>")
    for col in result.columns:
        parts.append(f"<tr><th>{e(col.label)} ({col.n_sentences} sætn.)</th>")
        for lid, _ in result.labels:
            fraction = col.shares[lid] / top
            ink = "#fff" if fraction > 0.55 else "#000"
            parts.append(f"<td class='num' style='background:{_shade(fraction)};color:{ink}'>{percent(col.shares[lid])}<br>({col.count(lid)})</td>")
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)


OWN_SHARE = 0.3  # of the section over time, written by this process: it writes the rest of the report too


def build_html(ws: Workspace, book: cb.Codebook, today: dt.date | None = None) -> str:
    """The report. Its section over time (every version of every kommune with several,
    most of the work on a national corpus) is shared with a forked process, on the other
    core, which writes its later kommuner while this one writes the rest of the report and
    the first kommuner (``fileio.alongside``; all of it here if that is not possible)."""
    today = today or dt.date.today()
    share = OWN_SHARE if usable_cores() >= 2 else 1.0
    (before, after, over_time), later = alongside(lambda: over_time_html(ws, book, (share, 1.0)).encode(),
                                                  lambda: (*_sections(ws, book, today), over_time_html(ws, book, (0.0, share))), fork=share < 1)
    if share < 1:
        over_time += later.decode() if later is not None else over_time_html(ws, book, (share, 1.0))
    return before + ("<h2 id='udvikling'>Udvikling over tid</h2>" + over_time if over_time else "") + after


def over_time_html(ws: Workspace, book: cb.Codebook, part: tuple[float, float] = (0.0, 1.0)) -> str:
    """The report's section over time ("Udvikling over tid") without its heading: a part
    for each kommune with several versions (of the fraction ``part`` of them)."""
    return "".join(_over_time_html(comparison, changes) for comparison, changes in cmp.versions_over_time(ws, book, part))


def _sections(ws: Workspace, book: cb.Codebook, today: dt.date) -> tuple[str, str]:
    """The report before its section over time and after it."""
    result = cmp.classified_columns(ws, book)
    e = html.escape
    parts = [f"<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Strategikompas</title><style>{CSS}</style></head><body>",
             f"<h1>Strategikompas: kommunernes digitaliseringsstrategier</h1><p>Genereret {today.isoformat()}.</p>"]

    accuracy = measured_f1(ws, book)
    parts.append("<h2 id='heatmap'>Fokusområder pr. kommune</h2>")
    if result.columns:
        parts.append("<p>Andel af dokumentets sætninger med fokusområdet; i parentes antallet af sætninger, "
                     "og ved hver kommune hvor mange sætninger andelene er af.</p>")
        parts.append(f"<div id='heatmap-chart'>{heatmap_html(result)}</div>")
    else:
        parts.append("<p>Ingen klassificerede dokumenter endnu: kør <code>strategikompas classify</code>.</p>")
    parts.append(_accuracy_html(result, accuracy))
    rows = linksamling.load(ws.linksamling_path)
    forms, states = linksamling.summary(rows, today)
    parts.append("<h2 id='status'>Linksamlingen</h2><table><tr><th>Form</th><th>Antal</th></tr>")
    parts += [f"<tr><td>{e(k)}</td><td>{v}</td></tr>" for k, v in forms.most_common()]
    parts.append("</table><table><tr><th>Status</th><th>Antal</th></tr>")
    parts += [f"<tr><td>{e(s)}</td><td>{states[s]}</td></tr>" for s in linksamling.STATUSES]
    parts.append("</table>")
    before = "".join(parts)
    parts = ["<h2 id='profiler'>Profiler</h2>"]
    if result.columns:
        detail = cmp.details(ws, result, today)
        for i, (col, facts) in enumerate(zip(result.columns, detail.facts, strict=True)):
            parts.append(f"<section class='profile' id='profil-{e(col.slug)}'><h3>{e(col.kommune)}</h3><table>")
            for label, value in (("Titel", facts.title), ("Dokumenttype", facts.form), ("Periode", facts.period), ("Status", facts.status),
                                 ("Sider", facts.pages), ("Model", facts.pipeline), ("Sætninger", col.n_sentences),
                                 ("KL's kortlægning", f"{facts.kl_form}, {facts.kl_period} ({facts.kl_status})")):
                parts.append(f"<tr><th>{e(label)}</th><td>{e(str(value if value is not None else '-'))}</td></tr>")
            parts.append("</table>")
            if detail.structure:
                parts.append("<h4>Struktur</h4><table>")
                for name, *cells in detail.structure:
                    parts.append(f"<tr><th>{e(str(name))}</th><td>{e(str(cells[i]))}</td></tr>")
                parts.append("</table>")
            parts.append("<h4>Fokusområder</h4>")
            for lid, name in sorted(result.labels, key=lambda x: -col.shares[x[0]]):
                share = col.shares[lid]
                parts.append(f"<div><span class='bar' style='width:{share * 300:.0f}px'></span> {e(name)}: {percent(share)} "
                             f"({col.count(lid)} af {col.n_sentences} sætninger)</div>")
                ev = detail.evidence[lid][i]
                if ev is not None and share > 0:
                    parts.append(f"<blockquote>{e(ev.lead())}»{e(shorten(ev.sentence, QUOTE_LIMIT))}«{e(ev.where())}</blockquote>")
            if detail.terms[i]:
                parts.append("<p><b>Særlige ord:</b> " + e(", ".join(w for w, _ in detail.terms[i])) + "</p>")
            parts.append("</section>")
    parts.append("</body></html>")
    return before, "".join(parts)


def _accuracy_html(result: cmp.Comparison, accuracy: dict[str, float] | None) -> str:
    """The measured F1 per focus area, or the one-line caveat when it is not measured."""
    if accuracy is None:
        return ("<p class='caveat' id='noejagtighed'>Forbehold: hvor ofte mærkerne er rigtige, er ikke målt for den model, "
                "rapporten bygger på. Kør <code>strategikompas evaluate</code> og lav rapporten igen, så står F1 pr. fokusområde her.</p>")
    rows = "".join(f"<tr><td>{html.escape(name)}</td><td class='num'>{number(accuracy[lid])}</td></tr>"
                   for lid, name in result.labels)
    return ("<div id='noejagtighed'><h3>Målt nøjagtighed</h3><p>F1 pr. fokusområde, målt af <code>strategikompas evaluate</code> "
            "på det annoterede sæt (1 = alle mærker rigtige og ingen glemt).</p>"
            f"<table><tr><th>Fokusområde</th><th>F1</th></tr>{rows}</table></div>")


def _over_time_html(result: cmp.Comparison, changes: list[cmp.Change]) -> str:
    e = html.escape
    kommune = result.columns[0].kommune
    parts = [f"<section class='profile' id='udvikling-{e(result.columns[0].slug)}'><h3>{e(kommune)}: "
             + " → ".join(e(c.period or c.title) for c in result.columns) + "</h3>"]
    parts.append("<table><tr><th>Fokusområde</th>" + "".join(f"<th>{e(c.period)}<br><small>{e(c.title)}</small></th>" for c in result.columns)
                 + "<th>Ændring</th></tr>")
    first, last = result.columns[0], result.columns[-1]
    for lid, name in result.labels:
        change = last.shares[lid] - first.shares[lid]
        css = "up" if round(change * 100) > 0 else "down" if round(change * 100) < 0 else ""
        parts.append(f"<tr><td>{e(name)}</td>" + "".join(f"<td class='num'>{percent(c.shares[lid])} ({c.count(lid)})</td>" for c in result.columns)
                     + f"<td class='num {css}'>{points(change, minus='−')}</td></tr>")
    parts.append("<tr><th>Sætninger</th>" + "".join(f"<td class='num'>{c.n_sentences}</td>" for c in result.columns) + "<td></td></tr></table>")
    names = dict(result.labels)
    for ch in changes:
        a, b = result.columns[ch.before], result.columns[ch.after]
        parts.append(f"<h4>Fra {e(a.period)} til {e(b.period)}</h4>")
        parts.append("<p><b>Nye titler:</b> " + (e("; ".join(ch.appeared)) or "ingen") + "</p>")
        parts.append("<p><b>Udgåede titler:</b> " + (e("; ".join(ch.disappeared)) or "ingen") + "</p>")
        if ch.new_evidence:
            parts.append("<p><b>Nye belæg</b> (sætninger, som den tidligere version ikke har):</p>")
            for lid, evs in ch.new_evidence.items():
                parts.append(f"<blockquote><b>{e(names[lid])}:</b> {e(evs[0].lead())}»{e(shorten(evs[0].sentence, QUOTE_LIMIT))}«{e(evs[0].where())}</blockquote>")
    parts.append("</section>")
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
    out_dir = Path(out_dir)
    path = out_dir / "strategikompas.html"
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"Kan ikke skrive rapporten i {out_dir}: det er en fil, ikke en mappe.")
    check_target(path if out_dir.exists() else out_dir)
    _classify_for_report(ws, book, on_document, on_plan)
    out_dir.mkdir(exist_ok=True)
    atomic_write_text(path, build_html(ws, book, today))
    return path


def _classify_for_report(ws: Workspace, book: cb.Codebook, on_document=None, on_plan=None) -> None:
    """Each kommune's newest document, and every version of a kommune with several (for
    the section over time), classified where not current."""
    docs = corpus.load_manifest(ws.manifest_path)
    counts = Counter(d.kommune for d in docs)
    wanted = corpus.newest_documents(docs)
    newest = {d.doc_id for d in wanted}  # a set: "not in wanted" compared 1,000 documents field by field with each (0.09 s)
    wanted += [d for d in docs if counts[d.kommune] > 1 and d.doc_id not in newest]
    classify_documents(ws, wanted, book, on_document, on_plan=on_plan)
    if not cmp.classified_columns(ws, book).columns:
        raise RunError("Ingen klassificerede dokumenter; kør: strategikompas classify")
