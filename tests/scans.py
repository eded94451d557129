"""Documents the tests generate: scanned PDFs for the OCR tests and bench/bench_ocr.py
(reportlab draws the text, pypdfium2 renders the page to a picture, and a new PDF holds
only the picture), and Word documents (python-docx)."""

from __future__ import annotations

from pathlib import Path


def make_scan(path: Path, pages: list[list[str]], scanned: set[int] | None = None, stamp: str = "") -> Path:
    """A PDF whose pages (numbered from 1) in ``scanned`` (default: all) are pictures of
    their text, with no text layer; the others keep their text. ``stamp``: text (a text
    layer) put over each picture at the foot of the page, "{n}" for the page number."""
    import pypdfium2
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    def draw(c, lines):
        c.setFont("Helvetica", 12)
        for k, line in enumerate(lines):
            c.drawString(60, 780 - 18 * k, line)

    source = path.with_name(path.stem + "-kilde.pdf")
    c = canvas.Canvas(str(source), pagesize=A4)
    for lines in pages:
        draw(c, lines)
        c.showPage()
    c.save()
    pdf = pypdfium2.PdfDocument(str(source))
    out = canvas.Canvas(str(path), pagesize=A4)
    for number in range(1, len(pdf) + 1):
        if scanned is None or number in scanned:
            _draw_picture(out, pdf[number - 1])
            if stamp:
                out.setFont("Helvetica", 9)
                out.drawString(440, 30, stamp.format(n=number))
        else:
            draw(out, pages[number - 1])
        out.showPage()
    out.save()
    pdf.close()
    source.unlink()
    return path


def scan_of(source: Path, path: Path, pages: set[int]) -> Path:
    """A scan of a real PDF: its ``pages`` (numbered from 1) as pictures with no text layer,
    every other page left white, so page numbers stay those of ``source``."""
    import pypdfium2
    from reportlab.pdfgen import canvas

    pdf = pypdfium2.PdfDocument(str(source))
    out = canvas.Canvas(str(path))
    for number in range(1, len(pdf) + 1):
        out.setPageSize(pdf[number - 1].get_size())
        if number in pages:
            _draw_picture(out, pdf[number - 1])
        out.showPage()
    out.save()
    pdf.close()
    return path


def _draw_picture(canvas, page) -> None:
    """The page rendered in grey at 200 dpi, drawn over the whole of the canvas's page."""
    from reportlab.lib.utils import ImageReader

    width, height = page.get_size()
    canvas.drawImage(ImageReader(page.render(scale=200 / 72, grayscale=True).to_pil()), 0, 0, width, height)


def make_docx(path: Path, rendered_breaks: bool = False) -> Path:
    """A Word strategy: a title, a vision, bold-headed principles as a bulleted list, a hard
    page break, themes under numbered headings and a table with a merged cell. With
    ``rendered_breaks`` the page break is also recorded as Word does after laying out the
    pages (a lastRenderedPageBreak where the next page starts)."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_heading("Digitaliseringsstrategi for Odder Kommune 2024-2027", level=0)
    document.add_heading("Vision", level=1)
    document.add_paragraph("Vi vil være en digital kommune, hvor borgerne oplever sammenhængende service.")
    document.add_paragraph().add_run("Digitaliseringsprincipper").bold = True
    document.add_paragraph("Vi tænker digitalt først i alle nye løsninger", style="List Bullet")
    document.add_paragraph("Vi deler data sikkert på tværs af forvaltninger", style="List Bullet")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading = document.add_heading("Indsatsområder", level=1)
    if rendered_breaks:
        heading.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    document.add_heading("1. Digitale kompetencer", level=2)
    document.add_paragraph("Medarbejderne skal have de digitale kompetencer, der skal til for at bruge ny teknologi.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Indsats"
    table.cell(0, 1).text = "Mål"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Alle ledere kender reglerne for informationssikkerhed."
    document.save(str(path))
    return path
