"""The one cleaning pass over a document's blocks, whatever its format, before its title
and structure are found.

Real input is web pages saved as text, document transcripts (docplayer and the like) and
designed PDFs. Their page furniture ("Skip navigationen", "Læs op", "Del", "Side 2 af 8"),
menus, a site header repeated between sub-pages, tables of contents and the page numbers a
transcript runs into the first line of each page are not content: they are dropped here, and
what was dropped is counted, so ``extract`` can say so. Numbered lists run together on one
line ("1. … 2. … 3. …") are split into their items."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .model import Block

# Whole lines that are a page's furniture: navigation, sharing, reading aids, cookie
# banners, a transcript's viewer controls. Matched against the whole line, case-folded.
_FURNITURE = re.compile(
    r"((skip|spring|gå|hop)(\s+direkte)?(\s+over)?(\s+til)?(\s+\w+){0,2}?\s+((hoved)?indhold\w*|navigation\w*|menu\w*|søgning\w*|forsiden)"
    r"|skip\s+navigation\w*|ingen\s+resultater(\s+fundet)?|icon(\s+-\s+\w+)*"
    r"|skift\s+til:?.*|læs\s+op|lyt\s+til\s+(siden|teksten)|anbefal(\s+(denne\s+side|siden))?|del(\s+(siden|artiklen|dette|på\s+\w+))?"
    r"|print(\s+siden)?|udskriv(\s+siden)?|til\s+toppen|tilbage(\s+til\s+(toppen|forsiden|oversigten))?|menu|søg|luk|forside|"
    r"cookie\w*(\s+\w+){0,3}|accepter\s+(alle\s+)?cookies|størrelse:\s*px|starte\s+visningen\s+fra\s+side:?|transkript:?"
    r"|download\s+(\"[^\"]*\"|pdf)|side\s+\d{1,3}\s+af\s+\d{1,3}|var\s+(denne\s+side|siden|indholdet)\s+(nyttig|brugbar)\??|ja\s*/?\s*nej"
    r"|facebook|linkedin|twitter|x|e-?mail|instagram|youtube|rss|(sidst\s+)?(opdateret|redigeret|ændret)(\s+den)?:?\s+[\d./ -]+\w*(\s+\d{4})?"
    r"|du\s+er\s+her:?.*|brødkrumme.*|relaterede\s+(links|sider|artikler)|læs\s+også|se\s+også|vis\s+(mere|alle)|indlæser.*"
    r"|[\w.-]+\.(png|jpe?g|gif|svg|webp)|\d{1,3}|side\s+\d{1,3})",
    re.IGNORECASE,
)
# a breadcrumb: "Forside > Borger > Digital Post" (short parts between separators)
_CRUMB = re.compile(r"^[^>»/|·•]{1,40}(\s+[>»/|·•]\s+[^>»/|·•]{1,40}){2,}$")
# a menu: five or more short lines in a row (headings of at most four words, no text between)
MENU_RUN = 5
MENU_WORDS = 4
# a table-of-contents line: dot leaders, or a short heading ending in its page number
_DOT_LEADER = re.compile(r"(\.\s?){4,}\s*(s\.\s*)?\d{0,3}\s*$|…{2,}\s*\d{0,3}\s*$")
_TOC_HEAD = re.compile(r"(indhold|indholdsfortegnelse|indhold\s+i\s+strategien)", re.IGNORECASE)
_ENDS_IN_PAGE = re.compile(r"^[A-ZÆØÅ0-9][^.!?:]{2,80}?\s+\d{1,3}$")
# a transcript runs the page number (and sometimes the page's printed number) into the first line
_PAGE_PREFIX = re.compile(r"^(\d{1,3})\s+(?:\d{1,3}\s+)?(?=[A-ZÆØÅ])")
# "1. … 2. … 3. …" on one line: a number, a full stop or bracket, a capital
_INLINE_NUMBER = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[.)]\s+(?=[A-ZÆØÅ])")
# a short line of the page's first blocks seen this often is the site's header, repeated
# between sub-pages (a label such as "Forklaring" under each principle is not: it is not at the top)
REPEATS = 3
HEADER_BLOCKS = 6


@dataclass
class Cleaned:
    blocks: list[Block]
    dropped: list[str] = field(default_factory=list)  # the lines dropped, in order


def is_furniture(text: str) -> bool:
    text = text.strip()
    return bool(_FURNITURE.fullmatch(text) or _CRUMB.match(text))


# a transcript's contents run together: "2 Indholdsfortegnelse Indledning Baggrund Vision …",
# or one entry with its page and the next entry's number: "Ansvar og organisation 3 3."
_CONTENTS_BLOCK = re.compile(r"^(\d{1,3}\s+)?(indholdsfortegnelse|indhold)\s+\S+(\s+\S+){4,}", re.IGNORECASE)
_ENTRY_AND_NEXT = re.compile(r"^[A-ZÆØÅ][^.!?:]{2,70}\s\d{1,3}\s+\d{1,2}\.?$")


def is_contents_line(text: str) -> bool:
    if _DOT_LEADER.search(text) or _ENTRY_AND_NEXT.match(text):
        return True
    return bool(_CONTENTS_BLOCK.match(text)) and not re.search(r"(?<!\d)[.!?]\s+[A-ZÆØÅ]", text)


def _contents_run(blocks: list[Block], start: int) -> int:
    """After an "Indhold" heading: how many of the following blocks are its entries (short
    lines ending in page numbers, dot leaders, or numbered short headings)."""
    end = start
    while end < len(blocks):
        text = blocks[end].text.strip()
        if is_contents_line(text) or (_ENDS_IN_PAGE.match(text) and len(text.split()) <= 12):
            end += 1
        else:
            break
    return end


def split_inline_numbers(block: Block) -> list[Block]:
    """ "Vi har fem principper: 1. Digitalt først 2. Genbrug 3. …" -> the lead and one item
    per number, when the numbers run 1, 2, 3 … (at least three of them)."""
    if block.level:
        return [block]
    marks = list(_INLINE_NUMBER.finditer(block.text))
    run: list[re.Match] = []
    for match in marks:
        if int(match.group(1)) == len(run) + 1:
            run.append(match)
        elif run and int(match.group(1)) == 1:
            break
    if len(run) < 3:
        return [block]
    out = []
    lead = block.text[: run[0].start()].strip()
    if lead:
        out.append(Block(lead, block.page, lead=block.lead))
    for k, match in enumerate(run):
        end = run[k + 1].start() if k + 1 < len(run) else len(block.text)
        item = block.text[match.end() : end].strip()
        if item:
            out.append(Block(item, block.page, bullet=True))
    return out


def _strip_page_prefixes(blocks: list[Block]) -> None:
    """A transcript's pages start with their number ("4 3 Vores mål …"): strip it when at
    least two blocks start so and the numbers rise."""
    found = [(i, int(m.group(1))) for i, b in enumerate(blocks) if not b.bullet and (m := _PAGE_PREFIX.match(b.text))]
    numbers = [n for _, n in found]
    if len(found) < 2 or numbers != sorted(numbers) or len(set(numbers)) < len(numbers):
        return
    for i, _ in found:
        blocks[i].text = _PAGE_PREFIX.sub("", blocks[i].text, count=1)


def tidy(blocks: list[Block]) -> Cleaned:
    """The blocks without furniture, repeated headers and tables of contents; inline
    numbered lists split into items."""
    dropped: list[str] = []
    kept: list[Block] = []
    for block in blocks:
        text = block.text.strip()
        if block.toc or is_furniture(text) or is_contents_line(text):
            dropped.append(text)
        else:
            kept.append(block)
    # a table of contents: "Indhold" and the entries after it
    out: list[Block] = []
    i = 0
    while i < len(kept):
        if _TOC_HEAD.fullmatch(kept[i].text.strip().rstrip(":")):
            end = _contents_run(kept, i + 1)
            if end - i > 2:
                dropped += [b.text for b in kept[i:end]]
                i = end
                continue
        out.append(kept[i])
        i += 1
    counts = Counter(b.text.strip().lower() for b in out if len(b.text.split()) <= 10 and not re.search(r"[.!?]$", b.text.strip()))
    header = {b.text.strip().lower() for b in out[:HEADER_BLOCKS]}
    seen: set[str] = set()
    result: list[Block] = []
    for block in out:
        key = block.text.strip().lower()
        if counts.get(key, 0) >= REPEATS and key in seen and key in header:
            dropped.append(block.text)
            continue
        seen.add(key)
        result.extend(split_inline_numbers(block))
    _strip_page_prefixes(result)
    return Cleaned(_drop_menus(result, dropped), dropped)


def _is_menu_line(block: Block) -> bool:
    return bool(block.level) and not block.bullet and len(block.text.split()) <= MENU_WORDS


def _drop_menus(blocks: list[Block], dropped: list[str]) -> list[Block]:
    """A run of MENU_RUN or more short headings with no text between them is a site's
    menu or a list of links, not the document's structure."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and _is_menu_line(blocks[j]):
            j += 1
        run = blocks[i:j]
        if j - i >= MENU_RUN and not any(_TOC_HEAD.fullmatch(b.text.strip().rstrip(":")) for b in run):
            # the last line heads the text that follows it, when text follows
            keep_last = j < len(blocks) and not blocks[j].level and not blocks[j].bullet
            gone = run[:-1] if keep_last else run
            dropped += [b.text for b in gone]
            if keep_last:
                out.append(run[-1])
            i = j
            continue
        out.append(blocks[i])
        i += 1
    return out
