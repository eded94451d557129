"""PDF text with layout facts, page by page, with pypdfium2.

pdfium groups a page's characters into text runs ("rects"). One run is read with a
handful of calls: its box, its text (the box's middle band, so a big heading's
descenders do not pull in the next line), and the font size and weight of its first
character. Runs on one baseline are joined into lines; lines are put in reading order
(full-width lines split the page into bands; inside a band the left column is read
before the right one); running headers, footers and page numbers are dropped; lines
become paragraphs, and a paragraph's size and weight against the body text make it a
heading. Pages are read one at a time: no character lists are kept.

pdfplumber gives the same facts per character but is some 25 times slower on the real
PDF (bench/bench_extract.py); it stays for tables and link annotations."""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import ocr
from .detect import DocumentError
from .model import Block, Read, join_continuations, page_span
from .structure import MARKER
from .text import page_text_blocks

_PAGE_NUMBER = re.compile(r"^\s*(side\s+)?\d{1,3}\s*(/\s*\d{1,3})?\s*$", re.IGNORECASE)
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_BULLET = re.compile(r"^\s*[•●▪■◦·‣–-]\s+")
_TOC = re.compile(r"(\.\s?){4,}\s*\d{1,3}\s*$|…{2,}\s*\d{1,3}\s*$")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
MARGIN = 0.07  # top and bottom share of the page where running headers and footers live
# A scan with a few characters stamped on it ("Side 3 af 12", "Bilag 4"): a text layer of
# fewer than STAMP_CHARS characters over a picture that covers at least STAMP_PICTURE of
# the page. Such a page is read by OCR too, and OCR's text replaces the layer's when it has
# at least STAMP_GAIN times its words (and 20 or more): a designed page with a full-page
# photo and a short caption keeps its text layer. (The real PDF's photo pages hold 79-204
# characters.)
STAMP_CHARS = 40
STAMP_PICTURE = 0.8
STAMP_GAIN = 3


def expand_ligatures(text: str) -> str:
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    return text


def undouble(text: str) -> str:
    """"VViissiioonn" (fake bold: every character drawn twice) back to "Vision"."""
    letters = text.replace(" ", "")
    if len(letters) >= 4 and all(letters[i] == letters[i + 1] for i in range(0, len(letters) - 1, 2)):
        words = [w[::2] if len(w) % 2 == 0 else w for w in text.split(" ")]
        return " ".join(words)
    return text


@dataclass
class Line:
    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    hyphen: bool = False  # ends in a hyphen pdfium marked as a line-break hyphen
    lead: str = ""  # a bold run-in heading that opens the line ("Digitalt først: Vi ...")


def _run_starts(textpage, boxes: list[tuple[float, float, float, float]]) -> list[int | None]:
    """The index of each run's first character, or None where it cannot be trusted.

    pdfium builds the runs in character order, so a run's text is the page text from its
    first character to the next run's; a start that does not increase is not trusted."""
    starts: list[int | None] = []
    last = -1
    for left, bottom, right, top in boxes:
        index = textpage.get_index(left + min(0.5, (right - left) / 2), (bottom + top) / 2, 1, (top - bottom) / 2)
        if index is None or index < 0 or index <= last:
            starts.append(None)
        else:
            starts.append(index)
            last = index
    return starts


def _segments(textpage, raw, full: str):
    """(start, text, boxes) for each of pdfium's text lines (the page text between its
    generated line breaks), with the boxes pdfium gives that character range. A line with
    one box is one run; only lines with several need a position lookup per box."""
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    start = 0
    for segment in full.split("\r\n"):
        if segment.strip():
            count = raw.FPDFText_CountRects(textpage, start, len(segment))
            boxes = []
            for k in range(count):
                raw.FPDFText_GetRect(textpage, k, left, top, right, bottom)
                boxes.append((left.value, bottom.value, right.value, top.value))
            yield start, segment, boxes
        start += len(segment) + 2


def _runs(textpage, raw) -> list[Line]:
    """The page's text runs with their box, text, size and weight."""
    full = textpage.get_text_range()
    if len(full) != textpage.count_chars():
        return _runs_by_box(textpage, raw)
    pieces: list[tuple[int, str, tuple[float, float, float, float]]] = []
    for start, segment, boxes in _segments(textpage, raw, full):
        if len(boxes) == 1:
            pieces.append((start, segment, boxes[0]))
            continue
        found = _run_starts(textpage, boxes)
        starts = [i for i in found if i is not None and start <= i < start + len(segment)]
        if len(starts) < len(found):  # a run whose position cannot be trusted: each box's own text
            pieces += [(-1, _box_text(textpage, box), box) for box in boxes]
            continue
        ends = [*starts[1:], start + len(segment)]
        pieces += [(i, full[i:end], box) for i, end, box in zip(starts, ends, boxes, strict=True)]
    return [run for piece in pieces if (run := _run(textpage, raw, *piece))]


def _box_text(textpage, box: tuple[float, float, float, float]) -> str:
    """A box's text, without its top third (a big heading's neighbours reach into it)."""
    left, bottom, right, top = box
    height = top - bottom
    text = textpage.get_text_bounded(left, bottom + height * 0.1, right, top - height * 0.35)
    return text if text.strip() else textpage.get_text_bounded(left, bottom, right, top)


def _run(textpage, raw, index: int, text: str, box: tuple[float, float, float, float]) -> Line | None:
    """One run with its font size (the first character's loose box) and weight."""
    left, bottom, right, top = box
    if not text.strip() and not text.startswith(("\x02", "\ufffe")):
        return None
    if index < 0:
        found = textpage.get_index(left + min(0.5, (right - left) / 2), (bottom + top) / 2, 2, 2)
        index = found if found is not None else -1
    size, bold = top - bottom, False
    if index >= 0:
        loose = raw.FS_RECTF()
        if raw.FPDFText_GetLooseCharBox(textpage, index, loose):
            size = loose.top - loose.bottom
        bold = raw.FPDFText_GetFontWeight(textpage, index) >= 600
        if not bold:  # the standard fonts report no weight: their name says it ("Helvetica-Bold")
            name, flags = ctypes.create_string_buffer(64), ctypes.c_int()
            raw.FPDFText_GetFontInfo(textpage, index, name, 64, ctypes.byref(flags))
            bold = bool(_BOLD_NAME.search(name.value.decode("latin-1")) or flags.value & 0x40000)
    return Line(text.replace("\r", "").replace("\n", " "), 0, left, bottom, right, top, size, bold)


def _runs_by_box(textpage, raw) -> list[Line]:
    """Fallback when the page text and the character count disagree: text by box."""
    boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    return [run for box in boxes if (run := _run(textpage, raw, -1, _box_text(textpage, box), box))]


def _join_runs(runs: list[Line]) -> list[Line]:
    """Runs on one baseline and close together are one line; pdfium's hyphen marks end it."""
    lines: list[Line] = []
    for run in runs:
        soft = run.text.strip() in ("\x02", "\ufffe") and run.x1 - run.x0 < 4
        last = lines[-1] if lines else None
        if last is not None:
            overlap = min(last.y1, run.y1) - max(last.y0, run.y0)
            gap = run.x0 - last.x1
            if soft and abs(run.x0 - last.x1) < 4 and run.y0 >= last.y0 - 2 and run.y1 <= last.y1 + 2:
                last.hyphen = True
                continue
            if overlap > 0.5 * min(last.y1 - last.y0, run.y1 - run.y0) and -1 <= gap < 0.6 * max(last.size, 4):
                if last.bold and not run.bold and not last.lead:
                    last.lead, last.bold = last.text.strip(), False
                last.text = last.text.rstrip() + (" " if gap > 0.15 * last.size or last.text.endswith(" ") or run.text.startswith(" ") else "") + run.text.lstrip()
                last.x1, last.y0, last.y1 = run.x1, min(last.y0, run.y0), max(last.y1, run.y1)
                continue
        if soft:
            continue
        lines.append(run)
    for line in lines:
        text = line.text.strip()
        if text.endswith(("\x02", "\ufffe")):
            text, line.hyphen = text[:-1], True
        line.text = re.sub(r"\s+", " ", expand_ligatures(text.replace("\ufffe", "").replace("\x02", "")))
    return [line for line in lines if line.text]


def _drop_doubles(lines: list[Line]) -> list[Line]:
    """Fake bold drawn as the same text twice, a hair apart: keep one."""
    kept: list[Line] = []
    for line in lines:
        line.text = undouble(line.text)
        if any(k.text == line.text and abs(k.x0 - line.x0) < 3 and abs(k.y0 - line.y0) < 3 for k in kept[-6:]):
            continue
        kept.append(line)
    return kept


def _detached_below(column: list[Line], limit: float) -> list[Line]:
    """The lines of a column (top to bottom) below ``limit`` that stand apart from the
    text above them: a box under both columns. A longer column's last lines that run on
    from the paragraph above at normal line spacing stay in the column."""
    above = [x for x in column if x.y1 >= limit]
    below = [x for x in column if x.y1 < limit]
    previous = above[-1] if above else None
    for i, line in enumerate(below):
        runs_on = (
            previous is not None
            and 0 <= previous.y0 - line.y1 < 0.9 * max(line.y1 - line.y0, 1)
            and abs(line.size - previous.size) < 0.12 * previous.size
        )
        if not runs_on:
            return below[i:]
        previous = line
    return []


def reading_order(lines: list[Line], width: float) -> list[Line]:
    """Top to bottom, with two columns read one after the other: a line that crosses the
    middle of the page ends a band; inside a band the left column comes first."""
    middle = width / 2
    ordered: list[Line] = []
    band: list[Line] = []

    def columns(lines: list[Line]) -> list[Line]:
        left = sorted((x for x in lines if x.x1 <= middle + 8), key=lambda x: -x.y1)
        right = sorted((x for x in lines if x.x1 > middle + 8), key=lambda x: -x.y1)
        if not left or not right:
            return left + right
        # a box under both columns (a callout, a caption) comes after both
        height = 2 * max(x.y1 - x.y0 for x in lines)
        right_bottom = min(x.y0 for x in right)
        tail = _detached_below(left, right_bottom - height)
        left = [x for x in left if x not in tail]
        left_bottom = min((x.y0 for x in left), default=right_bottom)
        tail += _detached_below(right, left_bottom - height)
        right = [x for x in right if x not in tail]
        if not tail or not (left or right):
            return left + right + sorted(tail, key=lambda x: -x.y1)
        return left + right + columns(tail)

    def flush() -> None:
        ordered.extend(columns(band))
        band.clear()

    for line in sorted(lines, key=lambda x: -x.y1):
        if line.x0 < middle - 8 and line.x1 > middle + 8:
            flush()
            ordered.append(line)
        else:
            band.append(line)
    flush()
    return ordered


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Lines into paragraphs: a new one at a change of size or weight, a gap, a column
    change or a bullet."""
    paragraphs: list[list[Line]] = []
    for line in lines:
        last = paragraphs[-1][-1] if paragraphs else None
        if last is not None:
            height = max(last.y1 - last.y0, 1)
            same_style = abs(line.size - last.size) < 0.12 * last.size and line.bold == last.bold
            below = 0 <= last.y0 - line.y1 < 0.9 * height or (0 <= last.y0 - line.y0 < 1.9 * height)
            aligned = abs(line.x0 - last.x0) < 0.6 * max(last.x1 - last.x0, 1) and line.x0 < last.x1
            if same_style and below and aligned and not _BULLET.match(line.text):
                paragraphs[-1].append(line)
                continue
        paragraphs.append([line])
    return paragraphs


def line_end_hyphen(text: str, following: str) -> bool:
    """"digitali-" + "sering": a hyphen at a line end before a lowercase letter is a break
    hyphen, unless it follows a capital or digit ("IT-", "EU-"), where it is part of a word."""
    return bool(re.fullmatch(r"[a-zæøåéü]-", text[-2:])) and bool(re.match(r"[a-zæøå]", following))


# abbreviations Danish joins to a word with a hyphen: "it-\nsystemer" stays "it-systemer"
_HYPHEN_PREFIXES = {"it", "ikt", "e", "sms", "pc", "tv", "cpr", "cvr", "gis", "hr", "ai"}


def join_words(text: str, following: str) -> str:
    """Two pieces of one paragraph, across a line end or a page break: a break hyphen
    goes ("digitali-" + "sering"), a word's own hyphen stays ("it-" + "systemer")."""
    if line_end_hyphen(text, following):
        prefix = re.search(r"(\w+)-$", text)
        keep = prefix is not None and prefix.group(1).lower() in _HYPHEN_PREFIXES
        return (text if keep else text[:-1]) + following
    return f"{text} {following}"


def paragraph_text(lines: list[Line]) -> str:
    text = ""
    for line in lines:
        if not text:
            text = line.text
        elif text.endswith("\x00"):
            text = text[:-1] + line.text
        else:
            text = join_words(text, line.text)
        if line.hyphen:
            text += "\x00"
    # a break hyphen at the paragraph's very end stays visible, so that a paragraph cut
    # by a page break can still be joined ("digitali-" + "seringen", join_words)
    if text.endswith("\x00"):
        text = text[:-1] + "-"
    return text.replace("\x00", "").strip()


@dataclass
class PageLines:
    number: int
    height: float
    width: float
    lines: list[Line]
    chars: int = 0  # characters in the page's text layer (0: a scan, a picture or blank)
    stamped: bool = False  # a few characters over a full-page picture: perhaps a stamped scan


def read_pages(pdf, raw):
    """Each page's lines in reading order (one page in memory at a time)."""
    for number in range(len(pdf)):
        page = pdf[number]
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            chars = textpage.count_chars()
            lines = _drop_doubles(_join_runs(_runs(textpage, raw)))
            stamped = 0 < chars < STAMP_CHARS and _picture_share(page, raw) >= STAMP_PICTURE
        finally:
            textpage.close()
            page.close()
        for line in lines:
            line.page = number + 1
        top = [x for x in lines if x.y0 > height * (1 - MARGIN)]
        bottom = [x for x in lines if x.y1 < height * MARGIN and x not in top]
        body = [x for x in lines if x not in top and x not in bottom]
        # running headers and footers are not part of the columns
        ordered = sorted(top, key=lambda x: (-x.y1, x.x0)) + reading_order(body, width) + sorted(bottom, key=lambda x: (-x.y1, x.x0))
        yield PageLines(number + 1, height, width, ordered, chars, stamped)


def _picture_share(page, raw) -> float:
    """The largest share of the page one picture covers (0 without pictures)."""
    width, height = page.get_size()
    best = 0.0
    for picture in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        left, bottom, right, top = picture.get_bounds()
        covered = max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
        best = max(best, covered / (width * height))
    return best


def heading_level(size: float, bold: bool, text: str, body: float) -> int:
    words = len(text.split())
    if words > 20 or text[-1:] in ".;," and words > 3:
        return 0
    ratio = size / body
    if ratio >= 1.9:
        return 1
    if ratio >= 1.35:
        return 2
    if ratio >= 1.1 or (bold and words <= 14):
        return 3
    return 0


@dataclass
class _Para:
    """A paragraph before its heading level is known (that needs the body size)."""

    text: str
    page: int
    size: float
    bold: bool
    bullet: bool
    margin: str | None = None  # the repeat key of a line in the top or bottom margin
    lead: str = ""


def page_paras(page: PageLines, sizes: Counter[float]) -> list[_Para]:
    """One page's paragraphs; a paragraph wholly in the top or bottom margin gets a repeat
    key, so a running header or footer can be dropped once it is seen on several pages."""
    paras = []
    lines = []
    for line in page.lines:
        sizes[round(line.size, 1)] += len(line.text)
        margin = line.y0 > page.height * (1 - MARGIN) or line.y1 < page.height * MARGIN
        if not (margin and _PAGE_NUMBER.match(line.text)):
            lines.append(line)
    if sum(bool(_TOC.search(line.text)) for line in lines) >= 3:
        return []  # a table of contents repeats the headings with page numbers
    for group in _paragraphs(lines):
        text = paragraph_text(group)
        if not text or _PAGE_NUMBER.match(text):
            continue
        margin = all(x.y0 > page.height * (1 - MARGIN) or x.y1 < page.height * MARGIN for x in group)
        bullet = bool(_BULLET.match(text))
        text = _BULLET.sub("", text) if bullet else text
        key = re.sub(r"\d+", "#", text.lower()).strip() if margin else None
        lead = group[0].lead.rstrip(" :.–-") if len(group[0].lead.split()) <= 10 and text.startswith(group[0].lead) else ""
        paras.append(_Para(text, page.number, max(x.size for x in group), all(x.bold for x in group), bullet, key, lead))
    return paras


def page_blocks(pages, count: int) -> list[Block]:
    """Pages (streamed) into blocks: running headers/footers and page numbers dropped,
    headings by size and weight against the body text's size."""
    sizes: Counter[float] = Counter()
    paras = [para for page in pages for para in page_paras(page, sizes)]
    margins = Counter(p.margin for p in paras if p.margin)
    repeated = {key for key, n in margins.items() if n >= max(2, count // 4)}
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    blocks = []
    for para in paras:
        if para.margin in repeated:
            continue
        level = 0 if para.bullet else heading_level(para.size, para.bold, para.text, body)
        blocks.append(Block(para.text, para.page, level, para.bullet, para.lead if not level else ""))
    return join_continuations(blocks, join_words)


def open_pdf(path: Path):
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            problem = "krypteret (kræver en adgangskode)"
        elif re.search(rb"/Count\s+0\b", path.read_bytes()[-65536:]):
            problem = "PDF'en har ingen sider"  # pdfium refuses an empty page tree
        else:
            problem = f"ødelagt eller ikke en PDF ({exc})"
        raise DocumentError(f"{path}: {problem}.") from exc


def read_pdf(path: Path) -> Read:
    """Blocks (with their page and heading level), the page count, warnings, and the pages
    without a text layer: read by OCR when tesseract is installed, else named as unread."""
    import pypdfium2.raw as raw

    pdf = open_pdf(path)
    try:
        count = len(pdf)
        if count == 0:
            raise DocumentError(f"{path}: PDF'en har ingen sider.")
        textless: list[int] = []
        stamped: list[int] = []
        blocks = page_blocks(_noting_textless(read_pages(pdf, raw), textless, stamped), count)
        scanned = [n for n in textless if _has_ink(pdf, n)]
        layer_words = {n: sum(len(b.text.split()) for b in blocks if b.page == n) for n in stamped}
        read = read_scans(pdf, scanned, path.name, layer_words)
    finally:
        pdf.close()
    if stamped:  # a stamped scan's few characters give way to OCR's page
        blocks = [b for b in blocks if b.page not in read.ocr_pages]
    if read.blocks:
        blocks = join_continuations(sorted([*blocks, *read.blocks], key=lambda b: b.page or 0), join_words)
    if not blocks:
        if not scanned and not (stamped and ocr.engine() is None):
            raise DocumentError(f"{path}: ingen tekst: siderne er tomme.")
        if read.ocr_pages:
            raise DocumentError(f"{path}: intet tekstlag, og OCR fandt ingen tekst på {_pages(read.ocr_pages)}.")
        if ocr.engine() is None:
            raise DocumentError(f"{path}: intet tekstlag: kræver OCR ({ocr.missing()}).")
        raise DocumentError(f"{path}: intet tekstlag, og OCR fejlede: {read.warnings[-1].split(': ', 1)[1]}.")
    return Read(blocks, count, replacement_warnings(blocks, path.name) + read.warnings, read.ocr_pages, read.unread_pages)


def _noting_textless(pages, textless: list[int], stamped: list[int]):
    for page in pages:
        if not page.chars:
            textless.append(page.number)
        elif page.stamped:
            stamped.append(page.number)
        yield page


def _has_ink(pdf, number: int) -> bool:
    page = pdf[number - 1]
    try:
        return ocr.has_ink(page)
    finally:
        page.close()


def read_scans(pdf, numbers: list[int], name: str, stamped: dict[int, int] | None = None) -> Read:
    """The scanned pages ``numbers`` by OCR: paragraphs with their page; short title-like
    ones are headings, as in plain text.
    Without tesseract they are named in a warning as unread; a page tesseract fails on is
    named too, and the other pages are still read.

    ``stamped``: pages with a few characters over a full-page picture, with the words of
    their text layer. OCR reads them too, and keeps a page only when it found at least
    ``STAMP_GAIN`` times as many words (and 20): a stamped scan. Otherwise (a photo with a
    caption, or OCR unavailable or failing) the page keeps its layer, silently."""
    stamped = stamped or {}
    if not numbers and not stamped:
        return Read([])
    engine = ocr.engine()
    if engine is None:
        warnings = [f"{name}: {_pages(numbers)} uden tekstlag blev ikke læst: {ocr.missing()}"] if numbers else []
        if stamped:
            warnings.append(f"{name}: {_pages(sorted(stamped))}: nogle få tegn over et helsidesbillede; hvis det er en scanning, "
                            f"kræver den OCR: {ocr.missing()}")
        return Read([], warnings=warnings, unread_pages=numbers)
    texts, errors = ocr.read_pages(pdf, sorted([*numbers, *stamped]), engine)
    for number, layer in stamped.items():
        errors.pop(number, None)
        if number in texts and len(texts[number].split()) < max(20, STAMP_GAIN * layer):
            del texts[number]
    warnings = [f"{name}: side {number} (intet tekstlag): {error}" for number, error in errors.items()]
    done, failed = list(texts), list(errors)
    blocks = [block for number, text in _drop_running_lines(texts).items() for block in page_text_blocks(text, number)]
    if done:
        warnings.insert(0, f"{name}: {_pages(done)} uden tekstlag er læst med OCR ({engine.describe()}): tjek citater mod PDF'en")
    return Read(blocks, warnings=warnings, ocr_pages=done, unread_pages=failed)


def _drop_running_lines(texts: dict[int, str]) -> dict[int, str]:
    """Pages' OCR text without what is not content, as pages with a text layer lose it:

    - a short line that recurs as the first or last line of several scanned pages alike,
      its page number aside ("12 DEN FÆLLESOFFENTLIGE ... 2026-2029", "... 2026-2029 3"):
      a running header or footer, dropped wherever OCR put it on the page;
    - a page number on a line of its own at the top or bottom of the page;
    - a table of contents: "Indhold" and the lines that end in page numbers after it;
    - specks read as letters: a line with no word of three letters and no digit ("O", "eN").

    Lines, not paragraphs: OCR may put a header in one paragraph with the text."""
    key = lambda line: " ".join(re.findall(r"[^\W\d_]+", line.lower()))  # noqa: E731
    # page numbers aside; a marker atop several pages ("FOKUSOMRÅDE 1", "FOKUSOMRÅDE 3") is structure
    lines = {page: [line for line in text.splitlines() if key(line) and not MARKER.match(line.strip())] for page, text in texts.items()}
    edges = Counter(k for page in lines.values() for k in {key(line) for line in (page[:1] + page[-1:])})
    repeated = {k for k, n in edges.items() if n >= max(2, len(texts) // 4) and len(k.split()) <= 12}
    out = {}
    for page, text in texts.items():
        kept = [line for line in text.splitlines() if not line.strip() or (key(line) not in repeated and not _is_speck(line))]
        filled = [i for i, line in enumerate(kept) if line.strip()]
        for i in {filled[0], filled[-1]} if filled else ():
            if re.fullmatch(r"\s*\d{1,3}\s*", kept[i]):
                kept[i] = ""
        out[page] = "\n".join(_drop_contents_lines(kept))
    return out


def _is_speck(line: str) -> bool:
    return bool(line.strip()) and not re.search(r"[^\W\d_]{3}|\d", line)


def _drop_contents_lines(lines: list[str]) -> list[str]:
    """A table of contents in OCR text: "Indhold" and at least three lines after it that end in
    a page number (after dot leaders OCR reads as letters): drop them and what lies between."""
    for i, line in enumerate(lines):
        if re.fullmatch(r"\s*(indhold|indholdsfortegnelse)\s*", line.lower()):
            numbered = [j for j in range(i + 1, len(lines)) if re.search(r"\s\d{1,3}\s*$", lines[j])]
            if len(numbered) >= 3:
                return lines[:i] + lines[numbered[-1] + 1:]
    return lines


def _pages(numbers: list[int]) -> str:
    return f"{'siderne' if len(numbers) > 1 else 'side'} {page_span(numbers)}"


def replacement_warnings(blocks: list[Block], name: str) -> list[str]:
    """U+FFFD means the PDF's fonts do not map some glyphs to text: say where."""
    bad = sorted({b.page for b in blocks if "\ufffd" in b.text and b.page is not None})
    if not bad:
        return []
    return [f"{name}: indeholder U+FFFD (tegn, som PDF'ens skrifttyper ikke oversætter til tekst) på {'side' if len(bad) == 1 else 'siderne'} {page_span(bad)}"]
