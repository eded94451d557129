"""The national corpus: extract and classify 10, 100 and 1,000 documents, and what a re-run costs.

A synthetic corpus is built for each size: 98 kommuner (Denmark's, by name), about ten
documents each at 1,000, every document about 60,000 characters made of the team's own
annotated sentences and the bundled corpus's paragraphs, shuffled; half of them 20-page
PDFs made with reportlab, the rest text files. Each step is a fresh ``strategikompas``
process, as an analyst runs it:

- cold: ``classify`` with an empty results store and extraction cache (the model is trained
  before, as after a first run);
- re-run, nothing changed; re-run after one document changed;
- ``export x.xlsx`` and ``report`` on the whole corpus;
- ``--help`` against a bare typer app with one command, and a warm ``compare`` of two
  kommuner against ``--help``: the ratios of the speed issue.

Peak memory is the largest sum of the proportional set size (PSS, shared pages counted
once) over the process and its worker processes, sampled every 0.1 s.

    .venv/bin/python bench/bench_scale.py            # 10, 100 and 1,000 documents
    .venv/bin/python bench/bench_scale.py --quick    # 10 documents (CI)
    .venv/bin/python bench/bench_scale.py --sizes 100
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC_CHARS = 60_000
PDF_PAGES = 20
SEED = 20261202
BARE_TYPER = "import typer\napp = typer.Typer()\n@app.command()\ndef hello(name: str = 'x') -> None:\n    print(name)\napp()\n"


# -- the synthetic corpus ---------------------------------------------------------------

def paragraphs() -> tuple[list[str], list[str], list[str]]:
    """Paragraphs to draw from: the written set grouped by its documents, the bundled
    corpus's paragraphs; and headings (the written set's short lines)."""
    from strategikompas.workspace import bundled_root

    bundled = bundled_root()
    by_doc: dict[str, list[str]] = {}
    headings = []
    for line in (bundled / "data/annotations/written/sentences.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        text = item["text"].strip()
        if len(text.split()) <= 6 and not text.endswith("."):
            headings.append(text)
        else:
            by_doc.setdefault(item["doc"], []).append(text)
    written = []
    for sentences in by_doc.values():
        for i in range(0, len(sentences), 4):
            written.append(" ".join(sentences[i : i + 4]))
    prose = []
    for path in sorted((bundled / "corpus").glob("*/*.txt")):
        prose += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 80]
    return written, prose, headings


# The share of paragraphs drawn from the bundled documents' prose (longer sentences than
# the written set's): about 350 sentences in 60,000 characters, as the corpus had.
PROSE_SHARE = 0.9


def document_text(rng: random.Random, pools: tuple[list[str], list[str], list[str]], title: str) -> list[tuple[str, str]]:
    """(kind, text) blocks of one document: a title, then headings each followed by paragraphs."""
    written, prose, headings = pools
    blocks = [("title", title)]
    size = len(title)
    while size < DOC_CHARS:
        heading = rng.choice(headings)
        blocks.append(("heading", heading))
        size += len(heading)
        for _ in range(rng.randint(4, 9)):
            text = rng.choice(prose if rng.random() < PROSE_SHARE else written)
            blocks.append(("para", text))
            size += len(text)
    return blocks


def write_text(path: Path, blocks: list[tuple[str, str]]) -> None:
    path.write_text("\n\n".join(text for _, text in blocks) + "\n", encoding="utf-8")


def write_pdf(path: Path, blocks: list[tuple[str, str]]) -> None:
    """A PDF of about PDF_PAGES pages: headings in bold, paragraphs wrapped, page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    total = sum(len(t) for _, t in blocks)
    per_page = max(1, total // PDF_PAGES)
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    y, used, page = height - 70, 0, 1

    def new_page():
        nonlocal y, used, page
        pdf.setFont("Helvetica", 8)
        pdf.drawString(width / 2, 30, str(page))
        pdf.showPage()
        y, used, page = height - 70, 0, page + 1

    for kind, text in blocks:
        if used >= per_page or y < 120:
            new_page()
        if kind in ("title", "heading"):
            pdf.setFont("Helvetica-Bold", 18 if kind == "title" else 13)
            pdf.drawString(60, y, text)
            y -= 26
        else:
            pdf.setFont("Helvetica", 10)
            for line in textwrap.wrap(text, 100):
                if y < 60:
                    new_page()
                    pdf.setFont("Helvetica", 10)
                pdf.drawString(60, y, line)
                y -= 13
            y -= 8
        used += len(text)
    new_page()
    pdf.save()


def build_corpus(folder: Path, n_docs: int, models: Path | None) -> Path:
    """A workspace of ``n_docs`` synthetic documents over min(98, n_docs) kommuner."""
    from strategikompas.corpus import Document, save_manifest
    from strategikompas.names import KOMMUNER, slugify
    from strategikompas.workspace import init_workspace

    ws = init_workspace(folder)
    shutil.rmtree(ws.corpus)
    ws.corpus.mkdir()
    pools = paragraphs()
    rng = random.Random(SEED + n_docs)
    kommuner = list(KOMMUNER)[: min(len(KOMMUNER), n_docs)]
    docs = []
    for i in range(n_docs):
        kommune = kommuner[i % len(kommuner)]
        version = i // len(kommuner)
        start = 2000 + 4 * version
        slug = slugify(kommune)
        title = f"{kommune} Kommune, Digitaliseringsstrategi {start}-{start + 3}"
        blocks = document_text(rng, pools, title)
        (ws.corpus / slug).mkdir(exist_ok=True)
        suffix = ".pdf" if i % 2 else ".txt"
        relative = f"{slug}/{slug}-digitaliseringsstrategi-{start}-{start + 3}{suffix}"
        (write_pdf if suffix == ".pdf" else write_text)(ws.corpus / relative, blocks)
        docs.append(Document(kommune=kommune, slug=slug, title=title, period_text=f"{start}-{start + 3}", start_year=start,
                             end_year=start + 3, source="syntetisk (bench_scale)", file=relative, sha256="", added="2026-12-02"))
    save_manifest(ws.manifest_path, docs)
    if models is not None:
        shutil.copytree(models, ws.models_dir)
    return ws.root


# -- measuring a process ----------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds and peak memory (MB, PSS over the process tree) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _pss_mb(_tree(proc.pid)))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return elapsed, peak


def median_run(args: list[str], env: dict[str, str], runs: int = 5) -> float:
    return sorted(run(args, env)[0] for _ in range(runs))[runs // 2]


def sentences_in(root: Path) -> int:
    import sqlite3

    with sqlite3.connect(root / "results" / "strategikompas.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]


def measure(root: Path, env: dict[str, str], whole: bool) -> dict:
    tool = [sys.executable, "-m", "strategikompas"]
    ws = ["--workspace", str(root)]
    out: dict = {}
    out["cold"], out["cold_mb"] = run([*tool, "classify", *ws], env)
    out["sentences"] = sentences_in(root)
    out["unchanged"], out["unchanged_mb"] = run([*tool, "classify", *ws], env)
    changed = next(p for p in sorted((root / "corpus").glob("*/*.txt")))
    with changed.open("a", encoding="utf-8") as handle:
        handle.write("\nVi vil styrke borgernes digitale kompetencer gennem kurser på bibliotekerne.\n")
    out["one_changed"], _ = run([*tool, "classify", *ws], env)
    if whole:
        with tempfile.TemporaryDirectory() as tmp:
            out["export"], _ = run([*tool, "export", str(Path(tmp) / "x.xlsx"), *ws], env)
            out["report"], _ = run([*tool, "report", "--out", tmp, *ws], env)
    return out


def help_ratios(root: Path, env: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_TYPER, encoding="utf-8")
        t_bare = median_run([sys.executable, str(bare), "--help"], env)
    t_help = median_run([sys.executable, "-m", "strategikompas", "--help"], env)
    from strategikompas.names import KOMMUNER, slugify

    pair = [slugify(k) for k in list(KOMMUNER)[:2]]
    t_compare = median_run([sys.executable, "-m", "strategikompas", "compare", *pair, "--workspace", str(root)], env)
    return {"bare_typer": t_bare, "help": t_help, "compare": t_compare}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 documents only (CI)")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    options = parser.parse_args()
    sizes = options.sizes or ([10] if options.quick else [10, 100, 1000])

    from strategikompas import codebook
    from strategikompas.classifier import load_or_train
    from strategikompas.workspace import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        env.pop("STRATEGIKOMPAS_WORKSPACE", None)
        models = None
        results = []
        for n in sizes:
            t0 = time.perf_counter()
            root = build_corpus(Path(tmp) / f"ws{n}", n, models)
            built = time.perf_counter() - t0
            if models is None:  # trained once, as after a first run; copied to the other sizes
                ws = open_workspace(root)
                load_or_train(ws.annotations_dir, codebook.load(ws.codebook_path), ws.models_dir)
                models = ws.models_dir
            figures = measure(root, env, whole=n == max(sizes))
            figures.update(docs=n, built=built)
            results.append(figures)
            print(json.dumps(figures), file=sys.stderr)
        ratios = help_ratios(Path(tmp) / f"ws{sizes[0]}", env)

    print(f"bench_scale {time.strftime('%Y-%m-%d')} ({os.cpu_count()} cores)")
    print("| documents | sentences | cold s | sentences/s | peak MB | re-run s | re-run MB | one changed s | export s | report s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['docs']} | {r['sentences']} | {r['cold']:.1f} | {r['sentences'] / r['cold']:.0f} | {r['cold_mb']:.0f} | "
              f"{r['unchanged']:.2f} | {r['unchanged_mb']:.0f} | {r['one_changed']:.2f} | "
              f"{r.get('export', float('nan')):.2f} | {r.get('report', float('nan')):.2f} |")
    print(f"--help {ratios['help'] * 1000:.0f} ms against a bare typer app {ratios['bare_typer'] * 1000:.0f} ms: "
          f"ratio {ratios['help'] / ratios['bare_typer']:.2f} (target <= 1.3)")
    print(f"compare of two kommuner, warm: {ratios['compare'] * 1000:.0f} ms, {ratios['compare'] / ratios['help']:.2f} x --help (target <= 4)")


if __name__ == "__main__":
    main()
