"""Plain text and Markdown documents (the bundled seeds) into blocks.

The seeds are text extracted from PDFs and web pages, with their noise: page numbers
at the end of paragraphs, HTML tags, Markdown headings and bold, tables of contents,
and (Horsens) a list of unrelated document titles in front of a "Transkript:" line."""

from __future__ import annotations

import html
import re

from .clean import is_furniture
from .model import Block, join_continuations
from .structure import MARKER

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,2}\))\s+(?=\S)")
_LEAD = re.compile(r"^\s*(?:\*\*|__|<b>|<strong>)(?P<lead>[^*_<]{2,80}?)(?:\*\*|__|</b>|</strong>)\s*(?P<rest>\S.*)$", re.IGNORECASE)
_TOC_LINE = re.compile(r"(\.{4,}|…{2,})\s*(s\.\s*)?\d*\s*$|\ts\.\s*\d+\s*$", re.IGNORECASE)
_RULE = re.compile(r"^(-{3,}|\*{3,}|_{3,}|\|?[-:| ]+\|?)$")
# a numbered list's item on a line of its own: "  1. Kompetencer", "2) Teknik og drift"
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s+(?=[A-ZÆØÅa-zæøå\"“])")
_PHONE = re.compile(r"\b(telefon|tlf|tel)\b|\b\d{2}(\s\d{2}){3}\s*$", re.IGNORECASE)  # "Telefon: 32 89 01 00"
_LABEL_LINE = re.compile(r"^(\w+\s){0,2}[\w.]*\d[\w.]*\s?:\s|^[A-ZÆØÅ][a-zæøå]{2,20}:\s")
SHORT_LINE = 50  # characters: shorter than any wrapped line of prose
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=[A-ZÆØÅa-zæøå])")
# a page number left at the end of a paragraph ("... påvirkningen af KOMBIT 5"), but not
# "Pejlemærke 1", "Figur 2" or "Fase 0" (a label with its number)
_TRAILING_PAGE = re.compile(r"(?<=[\w.,:;)?!])\s+(\d{1,3})\s*$")
_NUMBER_LABEL = re.compile(r"\b(pejlemærke|fokusområde|figur|tabel|fase|spor|tema|bilag|kapitel|side|punkt|nr|mål|princip|indsats|indsatsområde|version|trin|niveau|bind|del)\.?\s+\d{1,3}\s*$", re.IGNORECASE)
# headings that the seeds glue to the start of the first paragraph ("Indledning Horsens Kommune står ...")
_RUN_IN_HEADING = re.compile(r"^(Indledning|Forord|Baggrund|Resumé|Sammenfatning|Formål|Vision|Mission)\s+(?=[A-ZÆØÅ][a-zæøå])")


_JOINERS = {"i", "og", "for", "til", "af", "med", "på", "om", "fra", "ved", "eller", "samt", "som", "at", "der", "den", "det", "de", "en", "et"}


def clean_line(line: str) -> str:
    """Strip HTML tags and Markdown markers, unescape entities, fold white space."""
    line = html.unescape(_TAG.sub("", line))
    line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
    line = re.sub(r"(\*\*\*|\*\*|__|\*|_)(\S.*?\S|\S)\1", r"\2", line)
    line = line.replace("***", "").replace("**", "")
    return re.sub(r"\s+", " ", line).strip()


def drop_front_matter(text: str) -> str:
    """Drop a scraped page's list of related documents in front of the transcript."""
    match = re.search(r"^\s*Transkript:?\s*$", text, re.MULTILINE)
    if match and match.start() < len(text) // 2:
        return text[match.end():]
    return text


def strip_page_number(text: str, words_needed: int = 4) -> str:
    """Remove a page number left at the end of a paragraph."""
    if len(text.split()) > words_needed and not _NUMBER_LABEL.search(text) and not _PHONE.search(text):
        return _TRAILING_PAGE.sub("", text)
    return text


def is_title_like(text: str, max_words: int = 12) -> bool:
    """A short line without closing punctuation that starts with a capital or a number."""
    words = text.split()
    if re.search(r"www\.|https?:|@|\b(telefon|tlf)\b", text, re.IGNORECASE):
        return False  # a contact line
    return (
        0 < len(words) <= max_words
        and words[-1].lower() not in _JOINERS
        and len(text) <= 100
        and not re.search(r"[.:;,!]$", text)
        and bool(re.match(r"[A-ZÆØÅÉ0-9]", text))
    )


def paragraph_blocks(text: str, scanned: bool = False) -> list[Block]:
    """A blank-line separated paragraph (its lines joined) as one or more blocks
    (``scanned``: an OCR'd page's, see ``body_blocks``)."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            joined = strip_page_number(" ".join(para))
            if joined and not re.fullmatch(r"(side\s+)?\d{1,3}", joined, re.IGNORECASE):
                blocks.extend(body_blocks(joined, scanned))
            para.clear()

    raws = text.split("\n")
    numbered = sum(bool(_LIST_NUMBER.match(r)) for r in raws)
    for raw in raws:
        if _RULE.match(raw.strip()):
            continue
        if _TOC_LINE.search(clean_line(raw)):
            flush()
            blocks.append(Block(clean_line(raw), toc=True))
            continue
        number = _LIST_NUMBER.match(raw)
        if number and (numbered >= 2 or raw[:1].isspace()):
            flush()  # "  1. Kompetencer" / "2. Teknik og drift": a numbered list's items
            item = clean_line(raw[number.end():])
            if item:
                blocks.append(Block(item, bullet=True))
            continue
        heading = _MD_HEADING.match(raw)
        if heading:
            flush()
            title = clean_line(heading.group(2))
            if title:
                blocks.append(Block(title, level=min(len(heading.group(1)), 3)))
            continue
        if _BULLET.match(raw):
            flush()
            item = clean_line(_BULLET.sub("", raw, count=1))
            if item:
                blocks.append(Block(item, bullet=True))
            continue
        lead = _LEAD.match(raw)
        if lead and not para:
            rest = clean_line(lead.group("rest"))
            lead_text = clean_line(lead.group("lead")).rstrip(":").strip()
            if rest and lead_text:
                blocks.append(Block(f"{lead_text}: {rest}", lead=lead_text))
                continue
        line = clean_line(raw)
        if line:
            if blocks and blocks[-1].bullet and not para and raw[:1].isspace():
                blocks[-1].text += " " + line  # a bullet's continuation line
            else:
                if para and not scanned and starts_new_line_unit(para[-1], line):
                    flush()
                para.append(line)
    flush()
    return blocks


def starts_new_line_unit(previous: str, line: str) -> bool:
    """Whether ``line`` starts a paragraph of its own although no blank line comes before it.

    Text extracted from a PDF wraps a paragraph over lines (joined again); a web page saved
    as text puts each heading, menu line and paragraph on a line of its own. A line is its
    own unit when it starts with a capital (or a digit) after a line that ends a sentence,
    or after a short line that cannot be wrapped prose (it ends in no joining word, comma
    or hyphen)."""
    if not re.match(r"[A-ZÆØÅÉ0-9\"“]", line):
        return False
    if is_furniture(previous) or is_furniture(line):
        return True  # "Side 2 af 8", "Læs op": never part of a paragraph
    if _LABEL_LINE.match(line):
        return True  # "AR 1.2: …", "Kontakt: …", "Princip 3: …": a line of its own
    label = _LABEL_LINE.match(previous)
    if label and re.match(r"\w+\s\d", previous) and is_title_like(previous[label.end():]):
        return True  # after "Indsatsområde 3: Velfærdsteknologi og kunstig intelligens", a heading of its own
    if re.search(r"[.!?:]$", previous):
        return True
    last = previous.split()[-1].lower() if previous.split() else ""
    return line[:1].isalpha() and len(previous) < SHORT_LINE and not re.search(r"[,;(\-–]$", previous) and last not in _JOINERS


def body_blocks(text: str, scanned: bool = False) -> list[Block]:
    """A paragraph as blocks: a numbered or title-like short line is a heading, a
    heading glued to the start of a paragraph is split off.

    On a scanned page (``scanned``) a short line of its own is a section heading, and a
    numbered one is an item under it ("Indsatsområder" / "1. Digitale kompetencer"): OCR
    keeps each heading apart but gives no sizes. The seeds' text glues headings to their
    paragraphs and numbers its main headings, hence the other order there."""
    glued = _RUN_IN_HEADING.match(text)
    if glued and len(text.split()) > 12:
        return [Block(glued.group(1), level=3), Block(text[glued.end():])]
    number = _NUMBERED.match(text)
    if number and is_title_like(text[number.end():], 10):
        return [Block(text[number.end():].strip(), level=3 if scanned else 2)]
    if is_title_like(text):
        shouting = _in_capitals(text)  # "EN DEL AF ANDRE STRATEGIER": a section heading
        return [Block(text, level=(1 if shouting else 2) if scanned else (2 if shouting else 3))]
    return [Block(text)]


def page_text_blocks(text: str, page: int) -> list[Block]:
    """One page's plain text (OCR's) as blocks on that page: line-end hyphens joined, then
    read as text is (short title-like paragraphs are headings, bullets are items; see
    ``body_blocks`` for the headings' levels).

    A marker line ("FOKUSOMRÅDE 2") is a block of its own, and the display title OCR breaks
    into short paragraphs after it ("En ansvarlig og" / "værdiskabende" / "anvendelse af ny
    teknologi") is joined again into one, so the item gets its whole title."""
    text = re.sub(r"(\w)-\n(?=[a-zæøå])", r"\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    # OCR may set a numbered heading or a marker in one paragraph with the lines around it
    # (a capitals label too, unless the lines next to it are capitals: a title set in several lines)
    raw = text.split("\n")
    lines = []
    for i, line in enumerate(raw):
        number = _NUMBERED.match(line.strip())
        label = _is_caps_label(line) and not any(_is_caps_label(raw[j]) for j in (i - 1, i + 1) if 0 <= j < len(raw))
        apart = (number and is_title_like(line.strip()[number.end():], 10)) or MARKER.match(line.strip()) or label
        lines += ["", line, ""] if apart else [line]
    text = "\n".join(lines)
    blocks = [block for chunk in re.split(r"\n[ \t\u00a0]*\n", text) for block in paragraph_blocks(chunk, scanned=True)]
    blocks = _join_title_after_marker(blocks)
    for block in blocks:
        block.page = page
    return blocks


def _in_capitals(text: str) -> bool:
    letters = re.sub(r"[^A-Za-zÆØÅæøå]", "", text)
    return len(letters) >= 4 and letters.isupper()


def _is_caps_label(line: str) -> bool:
    """A short line in capitals ("VISIONEN KORT", "FORORD"): a label or heading of its own."""
    return _in_capitals(line) and len(line.split()) <= 6 and not re.search(r"\d", line)


def _join_title_after_marker(blocks: list[Block]) -> list[Block]:
    """After a marker or a capitals label, the next short paragraph is a heading, and short
    lower-case paragraphs after that are the rest of its lines."""
    out: list[Block] = []
    opener: Block | None = None
    for block in blocks:
        if MARKER.match(block.text) or _is_caps_label(block.text):
            out.append(block)
            opener = block
            continue
        fragment = not block.bullet and len(block.text.split()) <= 10 and not re.search(r"[.!?:]$", block.text)
        if opener is not None and fragment:
            if out[-1] is opener:
                out.append(Block(block.text, level=block.level or 3))
                continue
            if block.text[:1].islower() and len(out[-1].text.split()) + len(block.text.split()) <= 20:
                out[-1].text += " " + block.text  # the title's next line
                continue
        opener = None
        out.append(block)
    return out


def text_blocks(text: str) -> list[Block]:
    """Plain text or Markdown as blocks (no page numbers: text has no pages)."""
    text = drop_front_matter(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t\u00a0]*\n", text):
        blocks.extend(paragraph_blocks(chunk))
    return join_continuations(blocks)
