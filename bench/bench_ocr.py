"""OCR of scanned PDF pages: speed against the same pages with a text layer, and how much
of the text comes back.

A scanned PDF of PAGES pages of Danish strategy text is made (tests/scans.py: reportlab
draws the text, pypdfium2 renders it at 200 dpi, a new PDF holds only the pictures), and
its source with a text layer is kept. Reported, median of RUNS, all in the same run:
  text layer   ``read_pdf`` on the source PDF (the baseline)
  render       pypdfium2 rendering the scanned pages in grey at ocr.DPI (OCR's first step)
  OCR          ``read_pdf`` on the scanned PDF (render + tesseract, one OpenMP thread,
               ocr.WORKERS pages at once)
  OCR, one page at a time   the same with ocr.WORKERS = 1
  OCR, default threads  one page at a time with tesseract's own OpenMP thread count
               (ocr.THREADS = 0)
as seconds per page and as a ratio to the text layer, and the share of the source's words
(in order, by difflib) that OCR gives back.
Run: .venv/bin/python bench/bench_ocr.py (needs tesseract-ocr and tesseract-ocr-dan)."""

from __future__ import annotations

import difflib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAGES = int(os.environ.get("BENCH_PAGES", "5"))

TEXT = (
    "Vi vil styrke informationssikkerheden, så borgerne kan have tillid til kommunens digitale "
    "løsninger. Medarbejderne skal have de digitale kompetencer, der skal til for at bruge ny "
    "teknologi i hverdagen. Data skal deles sikkert på tværs af forvaltningerne, og vi vil "
    "bruge data til at træffe bedre beslutninger. Sammen med erhvervslivet, foreningerne og "
    "de andre kommuner i regionen udvikler vi sammenhængende services, der sparer tid for "
    "både borgere og medarbejdere. Digitaliseringen skal frigøre ressourcer til kerneopgaverne."
)


def lines_of(text: str, width: int = 80) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def seconds(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import pypdfium2

    from scans import make_scan
    from strategikompas.extract import ocr
    from strategikompas.extract.pdf import read_pdf

    if ocr.engine() is None:  # say so, and let `make bench` go on with the others
        print(f"bench_ocr: skipped: {ocr.missing()}", file=sys.stderr)
        return
    headings = ["Borgeren i centrum", "Datasikkerhed", "Digitale kompetencer", "Ny teknologi", "Samarbejde", "Organisering"]
    sentences = [x.strip() + "." for x in TEXT.split(".") if x.strip()]
    pages = [[headings[n % len(headings)], "", *lines_of(" ".join(sentences[n:] + sentences[:n]))] for n in range(PAGES)]
    with tempfile.TemporaryDirectory() as tmp:
        scan = make_scan(Path(tmp) / "scan.pdf", pages)
        source = make_scan(Path(tmp) / "tekst.pdf", pages, scanned=set())

        def render() -> None:
            pdf = pypdfium2.PdfDocument(str(scan))
            for page in pdf:
                page.render(scale=ocr.DPI / 72, grayscale=True).close()
                page.close()
            pdf.close()

        base = seconds(lambda: read_pdf(source))
        rendering = seconds(render)
        reading = seconds(lambda: read_pdf(scan))
        workers, ocr.WORKERS = ocr.WORKERS, 1
        one_at_a_time = seconds(lambda: read_pdf(scan))
        ocr.THREADS = 0
        default_threads = seconds(lambda: read_pdf(scan))
        ocr.THREADS, ocr.WORKERS = 1, workers
        got = " ".join(b.text for b in read_pdf(scan).blocks).split()
    want = " ".join(" ".join(p) for p in pages).split()
    match = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    same = sum(block.size for block in match.get_matching_blocks())
    print(f"{PAGES} pages, {ocr.engine().describe()}, {ocr.DPI} dpi, median of {RUNS}")
    print(f"{'':26} {'s/page':>8} {'ratio to text layer':>20}")
    rows = [
        ("text layer", base),
        ("render", rendering),
        (f"OCR, {ocr.WORKERS} pages at once", reading),
        ("OCR, one page at a time", one_at_a_time),
        ("OCR, default threads", default_threads),
    ]
    for name, value in rows:
        print(f"{name:26} {value / PAGES:8.4f} {value / base:20.0f}")
    print(f"rendering's share of OCR time: {rendering / reading:.0%}")
    print(f"words given back by OCR, in order: {same}/{len(want)} ({same / len(want):.1%})")


if __name__ == "__main__":
    main()
