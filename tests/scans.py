"""Scanned PDFs for the OCR tests and bench/bench_ocr.py: reportlab draws the text,
pypdfium2 renders the page to a picture, and a new PDF holds only the picture."""

from __future__ import annotations

from pathlib import Path


def make_scan(path: Path, pages: list[list[str]], scanned: set[int] | None = None) -> Path:
    """A PDF whose pages (numbered from 1) in ``scanned`` (default: all) are pictures of
    their text, with no text layer; the others keep their text."""
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    source = path.with_name(path.stem + "-kilde.pdf")
    c = canvas.Canvas(str(source), pagesize=A4)
    for lines in pages:
        c.setFont("Helvetica", 12)
        for k, line in enumerate(lines):
            c.drawString(60, 780 - 18 * k, line)
        c.showPage()
    c.save()
    pdf = pypdfium2.PdfDocument(str(source))
    out = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for number in range(1, len(pdf) + 1):
        if scanned is None or number in scanned:
            picture = pdf[number - 1].render(scale=200 / 72, grayscale=True).to_pil()
            out.drawImage(ImageReader(picture), 0, 0, width, height)
        else:
            out.setFont("Helvetica", 12)
            for k, line in enumerate(pages[number - 1]):
                out.drawString(60, 780 - 18 * k, line)
        out.showPage()
    out.save()
    pdf.close()
    source.unlink()
    return path
