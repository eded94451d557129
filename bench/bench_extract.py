"""PDF extraction speed and memory: our PDF path vs raw pypdfium2 text and vs pdfplumber.

For each file: pages per second of
  raw        pypdfium2 ``get_textpage().get_text_range()`` per page (the baseline)
  ours       ``extract.pdf.read_pdf`` (runs, lines, reading order, headers, blocks)
  ours+structure  ``extract_path`` (the above plus sections, items, type, period, language)
  pdfplumber ``page.extract_text()`` per page
reported as ratios to raw (aim: ours >= 1/3 of raw). Then the Python peak memory
(tracemalloc) of ``read_pdf`` on a 10- and a 100-page generated PDF: it should stay
near flat, since pages are read one at a time and no character lists are kept.

Files: generated two-column PDFs (reportlab) and the real PDF from ../shared/pdfs when
present (or the path in $BENCH_PDF). Run: .venv/bin/python bench/bench_extract.py"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
REAL = Path(os.environ.get("BENCH_PDF", ROOT.parent / "shared" / "pdfs" / "faellesoffentlig-digitaliseringsstrategi-2026-2029.pdf"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))

WORDS = ("digitalisering borgere data sikkerhed kommunen løsninger fællesskab velfærd teknologi medarbejdere "
         "kompetencer service sammenhæng effektivisering infrastruktur").split()


def generate(path: Path, pages: int) -> Path:
    """Two columns of body text with a heading and a running header on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(50, height - 30, "KOMMUNENS DIGITALISERINGSSTRATEGI 2024-2027")
        c.drawString(width - 70, 25, str(number))
        c.setFont("Helvetica-Bold", 16)
        c.drawString(50, height - 70, f"Fokusområde {number}")
        c.setFont("Helvetica", 8)
        for column, x in enumerate((50, width / 2 + 10)):
            for i in range(52):
                words = [WORDS[(number + column + i + k) % len(WORDS)] for k in range(5)]
                c.drawString(x, height - 100 - 13 * i, " ".join(words).capitalize() + ("." if i % 5 == 4 else ""))
        c.showPage()
    c.save()
    return path


def rate(function, path: Path, pages: int) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - start)
    return pages / statistics.median(times)


def raw(path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()


def ours(path: Path) -> None:
    from strategikompas.extract.pdf import read_pdf

    read_pdf(path)


def ours_structure(path: Path) -> None:
    from strategikompas.extract import extract_path

    extract_path(path)


def plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.flush_cache()


# Phrases of the real PDF that cross a line break, a soft hyphen, a kerning gap or a column:
# how many each engine's text contains (whitespace folded) is its text quality here.
PHRASES = [
    "fællesoffentlige digitaliseringsstrategier tegnet de store linjer",  # "fælles-" + line break
    "digitaliseringen af den offentlige sektor",  # "digita" "liseringen": a kerning gap
    "sektor for borgere og virksomheder, lettet byrder",  # "virksom-" soft hyphen
    "Vi vil sikre en sammenhængende, brugervenlig og inkluderende digital offentlig sektor",  # page 9, left column
    "Et fælles samarbejde om øget digital suverænitet og digital udvikling i Europa",  # a heading over three lines
]
HEADER = "DEN FÆLLESOFFENTLIGE DIGITALISERINGSSTRATEGI 2026-2029"


def texts(path: Path) -> dict[str, str]:
    import pdfplumber
    import pypdfium2

    from strategikompas.extract.pdf import read_pdf

    pdf = pypdfium2.PdfDocument(str(path))
    raw_text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    with pdfplumber.open(str(path)) as doc:
        plumber_text = " ".join(page.extract_text() or "" for page in doc.pages)
    ours_text = " ".join(b.text for b in read_pdf(path).blocks)
    return {"raw pypdfium2": raw_text, "ours": ours_text, "pdfplumber": plumber_text}


def quality(path: Path) -> None:
    print(f"text quality on the real PDF: of {len(PHRASES)} phrases across breaks/columns found, running header lines left")
    for engine, text in texts(path).items():
        folded = " ".join(text.split())
        found = sum(phrase in folded for phrase in PHRASES)
        print(f"  {engine:14} {found}/{len(PHRASES)} phrases, {folded.count(HEADER)} header lines, {folded.count(chr(0xFFFE)) + folded.count(chr(2))} hyphen marks left")


def peak_memory(path: Path) -> int:
    from strategikompas.extract.pdf import read_pdf

    read_pdf(path)  # warm imports
    tracemalloc.start()
    read_pdf(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    import pypdfium2

    with tempfile.TemporaryDirectory() as tmp:
        files = [(f"generated {n} pages", generate(Path(tmp) / f"gen{n}.pdf", n)) for n in (10, 100)]
        if REAL.is_file():
            files.insert(0, ("real PDF (shared/pdfs)", REAL))
        else:
            print(f"(real PDF {REAL} absent: generated files only)")
        print(f"{'file':26} {'pages':>5} {'raw p/s':>9} {'ours p/s':>9} {'ours/raw':>9} {'+struct/raw':>11} {'plumber p/s':>11} {'plumber/raw':>11}")
        for name, path in files:
            pages = len(pypdfium2.PdfDocument(str(path)))
            r, o, s = rate(raw, path, pages), rate(ours, path, pages), rate(ours_structure, path, pages)
            p = rate(plumber, path, pages) if pages <= 20 else None  # pdfplumber on 100 pages takes too long to repeat
            plumber_cells = f"{p:11.1f} {p / r:11.3f}" if p else f"{'-':>11} {'-':>11}"
            print(f"{name:26} {pages:5d} {r:9.1f} {o:9.1f} {o / r:9.2f} {s / r:11.2f} {plumber_cells}")
        if REAL.is_file():
            quality(REAL)
        small, big = peak_memory(files[-2][1]), peak_memory(files[-1][1])
        print(f"peak Python memory of read_pdf: 10 pages {small / 1e6:.2f} MB, 100 pages {big / 1e6:.2f} MB (ratio {big / small:.1f} for 10x the pages)")


if __name__ == "__main__":
    main()
