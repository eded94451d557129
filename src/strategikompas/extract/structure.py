"""Blocks into a Strategy's structure: sections with kinds, and the items of the
vision, principles and themes; the title, document type, period and language.

KL's "typisk opbygning": vision and goals first, then principles, then themes or
focus areas. Headings name the part ("Strategiens tre pejlemærker", "4. Fokusområder",
"VISION"); items are found from markers ("Pejlemærke 1", "FOKUSOMRÅDE 2"), weaker
headings, numbered run-in paragraphs ("1. Helhedsorienteret ... service Digitaliserings-
initiativer skal ..."), bold run-in headings, bullets, or, when the heading announces
a count ("fire spor"), the one-sentence lead paragraphs that open each group."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Block, Item, Section

_KIND_WORDS = {
    "vision": r"vision\w*|mission\w*|ambition\w*|pejlemærke\w*|mål|målene|overordnede\s+mål",
    "principles": r"\w*princip\w*",
    "themes": r"tema\w*|\w*indsatsområde\w*|fokusområde\w*|\w*spor|sporene|indsatser|indsatserne|satsningsområde\w*|strategiske\s+områder"
    r"|\w*målsætning\w*|delmål\w*|strategiske\s+mål|indsatsspor\w*|hovedområde\w*|innovationsspor\w*",
}
_OTHER_WORDS = re.compile(
    r"^\s*(\d+\.?\s*)?(forord|indledning|baggrund|organisering|finansiering|proces|godkendelse|opfølgning|implementering|"
    r"information|indhold|indholdsfortegnelse|bilag|kontakt|tidsplan|ansvar|deltager\w*|økonomi|evaluering|"
    # a council or committee case: "Sagsfremstilling / Indstilling / Beslutning / Økonomi"
    r"sagsfremstilling|indstilling|beslutning|høring|resumé|sagsnr|sagens\s+\w+|lovgrundlag|kommunikation|"
    r"definitioner|omfang|gyldighed|revision|formål|kontaktoplysninger|relaterede\s+\w+|læs\s+mere)\b",
    re.IGNORECASE,
)
# A marker heading: "Pejlemærke 1", "FOKUSOMRÅDE 3" (the item's title follows it).
MARKER = re.compile(
    r"^(pejlemærke|fokusområde|indsatsområde|tema|spor|princip|målsætning|mål|indsats|strategisk\s+mål)\s+(\d{1,2}|[ivx]{1,4})\s*[.:]?$",
    re.IGNORECASE,
)
_COUNTS = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12}
_COUNT_WORD = "|".join([*_COUNTS, r"\d{1,2}"])
_RUN_IN_NUMBER = re.compile(r"^(\d{1,2})\.\s+(?=[A-ZÆØÅ])")
# a heading glued in front of a numbered first item: "Horsens Kommunes fem målsætninger for digitalisering 1. Helhedsorienteret ..."
_HEAD_THEN_FIRST = re.compile(r"^(?P<head>[^.!?:]{5,120}?)\s+1\.\s+(?P<rest>[A-ZÆØÅ].*)$")
_VERBS = {"er", "har", "vil", "skal", "kan", "må", "bør", "bliver", "blev", "var", "gør", "får", "skaber", "sikrer", "arbejder", "ønsker", "består", "handler"}
_JOINERS = {"i", "og", "for", "til", "af", "med", "på", "om", "fra", "ved", "eller", "en", "et", "den", "det", "de", "som", "at"}


def kind_of(title: str) -> str | None:
    """The section kind a heading names, or None. The kind word must be one of the
    first three words of the heading, or follow a count ("fem målsætninger")."""
    words = [w.strip(".:,;()\"'") for w in title.lower().replace("-", " ").split()]
    for i, word in enumerate(words):  # the first kind word decides ("Principper og pejlemærker")
        if i >= 3 and not re.fullmatch(_COUNT_WORD, words[i - 1]):
            continue
        for kind, pattern in _KIND_WORDS.items():
            if re.fullmatch(pattern, word):
                return kind
    if re.search(r"\bstrategiske\s+mål\b", title, re.IGNORECASE):
        return "themes"
    if re.search(r"\boverordnede\s+mål\b", title, re.IGNORECASE):
        return "vision"
    return None


# An item named with its marker and title on one line: "Princip 3: Vi genbruger før vi
# køber", "3. princip – Data deles", "Fokusområde 2 - Tryg digitalisering"; up to two words
# of a category may stand before it ("Styring Princip 1: ...").
MARKER_TITLE = re.compile(
    r"^(?:[A-ZÆØÅ][\wæøå-]*\s+){0,2}?(?:(?P<word>pejlemærke|fokusområde|indsatsområde|tema|spor|princip|målsætning|strategisk\s+mål|mål)"
    r"\s+(?:nr\.?\s*)?(?P<n>\d{1,2}|[ivx]{1,4})|(?P<n2>\d{1,2})\.\s+(?P<word2>princip|pejlemærke|fokusområde|indsatsområde|tema|spor|målsætning))"
    r"\s*[:.–—-]\s*(?P<title>[^\W_][^\n]*|[\"“«][^\n]*)$",
    re.IGNORECASE,
)
# A sentence that announces a list: "… ud fra følgende fem fokusområder:", "… disse principper:"
_ANNOUNCES = re.compile(r"[^.!?]*:\s*$")
# A vision said in one sentence: "Visionen er, at …", "Vores ambition er …"
VISION_SENTENCE = re.compile(r"^(?:vores\s+|den\s+overordnede\s+|kommunens\s+|strategiens\s+)?(?:vision|visionen|ambitionen|ambition)\s+(?:for\s+[^,.]{1,60}\s+)?er\b[,:]?\s", re.IGNORECASE)


def vision_sentence(text: str) -> str | None:
    """The sentence of a paragraph that states the vision ("… Visionen er, at …"), if any."""
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", text.strip()):
        if VISION_SENTENCE.match(sentence):
            return sentence
    return None


def announced_kind(text: str) -> str | None:
    """The kind of list a paragraph announces: its last sentence ends with a colon and names
    the kind ("Strategien har følgende hovedspor:", "… arbejdes der efter syv fokusområder:")."""
    match = _ANNOUNCES.search(text.strip())
    if not match:
        return None
    last = re.split(r"(?<=[.!?])\s+", match.group(0).strip())[-1]
    words = [w.strip(".:,;()\"'") for w in last.lower().replace("-", " ").split()]
    for word in reversed(words[-8:]):
        for kind, pattern in _KIND_WORDS.items():
            if re.fullmatch(pattern, word) and word not in ("mål", "målene"):
                return kind
    return None


def marker_title(text: str) -> tuple[str, str, str] | None:
    """ "Princip 3: Vi genbruger før vi køber. Det betyder …" -> (kind, title, rest)."""
    match = MARKER_TITLE.match(text.strip())
    if not match or len(text) > 600:
        return None
    kind = kind_of(match.group("word") or match.group("word2") or "") or "themes"
    rest = match.group("title").strip()
    if len(rest.split()) > 20:
        title, rest = run_in_title(rest)
        return kind, title.strip(), rest.strip()
    return kind, rest, ""


def announced_count(title: str) -> int | None:
    match = re.search(rf"\b({_COUNT_WORD})\s+\w+", title.lower())
    if not match:
        return None
    word = match.group(1)
    return int(word) if word.isdigit() else _COUNTS[word]


def run_in_title(text: str) -> tuple[str, str]:
    """Split "Effektivisering og økonomisk råderum Horsens Kommune vil ..." into the
    title and the text: the text starts at a capitalised word (after a lowercase one,
    not after a joining word) that a verb follows within two words."""
    words = text.split()
    candidates = []
    for i in range(2, min(len(words), 25)):
        word, before = words[i], words[i - 1]
        if not re.match(r"[A-ZÆØÅ]", word) or re.search(r"[.:;!?]$", before) or before.lower() in _JOINERS:
            continue
        following = [w.lower().strip(",.") for w in words[i + 1 : i + 3]]
        if any(w in _VERBS for w in following):
            candidates.append((not before[:1].islower(), i))  # after a lowercase word first
    if candidates:
        i = min(candidates)[1]
        return " ".join(words[:i]).rstrip(" ,–-"), " ".join(words[i:])
    sentence = re.match(r"(.{10,200}?[.!?])\s", text)
    if sentence:
        return sentence.group(1), text[sentence.end():]
    return text, ""


def drop_contents(blocks: list[Block]) -> list[Block]:
    """A table of contents ("Indhold" and a run of headings without text) is not content:
    drop it, keeping the last heading, which opens the first real section."""
    result: list[Block] = []
    i = 0
    while i < len(blocks):
        if blocks[i].level and re.fullmatch(r"(indhold|indholdsfortegnelse|disposition)", blocks[i].text.strip().lower()):
            j = i + 1
            while j + 1 < len(blocks) and blocks[j].level and blocks[j + 1].level:
                j += 1
            if j - i > 2:
                i = j
                continue
        result.append(blocks[i])
        i += 1
    return result


# A signature under a foreword: "Martin Damm," / "Formand for KL og borgmester i Kalundborg
# Kommune", or "Borgmester Arne Boelt". The role line names an office, is short, has no verb
# of its own and does not end a sentence; the name line before it is 1-4 capitalised words.
_ROLE = re.compile(
    r"(?:(?:vice|første\s|anden\s)?borgmester|kommunaldirektør|(?:adm\.|administrerende|vicedirektør|under)?\s?direktør"
    r"|(?:næst|udvalgs|regionsråds|bestyrelses)?formand|rådmand|\w*minister|\w*chef)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"[A-ZÆØÅ][\w'-]+(?:\s(?:[A-ZÆØÅ][\w'-]*\.?|af|von|van|de)){1,3},?")


def _is_role_line(text: str) -> bool:
    text = text.strip()
    words = re.findall(r"\w+", text.lower())
    return bool(_ROLE.match(text)) and len(words) <= 14 and not text.endswith((".", "!", "?", ":")) and not _VERBS & set(words)


def drop_signatures(blocks: list[Block]) -> list[Block]:
    """Signatures (a name and an office, under a foreword) are not content: drop them, so
    "Formand for KL og borgmester i Kalundborg Kommune" is not classified as a sentence
    about organisation."""
    drop: set[int] = set()
    for i, block in enumerate(blocks):
        one_line = re.fullmatch(r"(?P<name>[^,]{3,60}),\s+(?P<role>.+)", block.text.strip())  # OCR: "Martin Damm, Formand for KL ..."
        if one_line and _NAME.fullmatch(one_line["name"]) and _is_role_line(one_line["role"]):
            drop.add(i)
        elif _is_role_line(block.text):
            drop.add(i)
            if i and _NAME.fullmatch(blocks[i - 1].text.strip()) and not kind_of(blocks[i - 1].text):
                drop.add(i - 1)
    return [b for i, b in enumerate(blocks) if i not in drop]


def split_glued_headings(blocks: list[Block]) -> list[Block]:
    """A heading with a kind word glued in front of a numbered first item becomes two blocks."""
    result: list[Block] = []
    for block in blocks:
        match = _HEAD_THEN_FIRST.match(block.text) if block.level == 0 else None
        if match and kind_of(match.group("head")) and len(match.group("head").split()) <= 12:
            result.append(Block(match.group("head").strip(), block.page, level=3))
            result.append(Block("1. " + match.group("rest"), block.page))
        else:
            result.append(block)
    return result


# A heading's paragraph in a section's text starts so (as in Markdown): classify keeps it a
# sentence of its own and says that it is a heading.
HEADING_MARK = "# "


@dataclass
class _Part:
    kind: str
    title: str
    level: int
    page: int | None
    blocks: list[Block] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    markers: bool = False
    # while True, the block after an item marker is that item's title
    expect_title: bool = False
    outro: bool = False
    headed: bool = False  # opened by a heading (its title is a heading of the document)
    announced: bool = False  # opened by a sentence that announces a list: the list's end closes it


def _add_text(item: Item, text: str) -> None:
    item.text = f"{item.text}\n\n{text}" if item.text else text


class Builder:
    """Walks the blocks once, opening a part at each heading that names a kind or is
    at least as strong as the current part's heading."""

    def __init__(self) -> None:
        self.parts: list[_Part] = []
        self.vision_sentences: list[str] = []

    @property
    def part(self) -> _Part | None:
        return self.parts[-1] if self.parts else None

    def open(self, kind: str, title: str, level: int, page: int | None, headed: bool = False) -> _Part:
        part = _Part(kind, title, level, page, headed=headed)
        self.parts.append(part)
        return part

    def feed(self, block: Block) -> None:
        part = self.part
        text = block.text
        if part is not None and part.announced and not block.level and not block.bullet and any(b.bullet for b in part.blocks):
            part = self.open("other", "", part.level, block.page)  # the announced list has ended
        stated = vision_sentence(text) if not block.level and not block.bullet and (part is None or part.kind == "other") else None
        if stated:
            self.vision_sentences.append(stated)
        if not block.bullet and self.marker_item(block):
            return
        if not block.level and not block.bullet and self.announcement(block):
            return
        marker = MARKER.match(text)
        if marker:
            kind = kind_of(marker.group(1)) or "themes"
            if part is None or part.kind != kind:
                part = self.open(kind, text, block.level or 3, block.page)
            part.markers = True
            part.expect_title = True
            part.items.append(Item(text, "", block.page))
            part.blocks.append(block)
            return
        if part is not None and part.expect_title:
            if block.level or len(text.split()) <= 15:
                part.items[-1].title = text
                part.items[-1].page = block.page or part.items[-1].page
                part.expect_title = False
                part.blocks.append(block)
                return
            part.expect_title = False
        if block.level:
            self.heading(block)
            return
        if part is None:
            part = self.open("other", "", 0, block.page)
        part.blocks.append(block)
        if part.kind == "other":
            return
        run_in = _RUN_IN_NUMBER.match(text)
        if run_in and int(run_in.group(1)) == len(part.items) + 1 and not part.markers:
            title, rest = run_in_title(text[run_in.end():])
            part.items.append(Item(title, rest, block.page))
        elif block.lead and not part.markers:
            part.items.append(Item(block.lead, text[len(block.lead):].lstrip(": "), block.page))
        elif part.items and not part.outro:
            item = part.items[-1]
            if not block.bullet and item.text and all(line.startswith("- ") for line in item.text.split("\n\n")):
                part.outro = True  # a paragraph after the items' one-bullet descriptions closes the list
            else:
                _add_text(item, f"- {text}" if block.bullet else text)

    def marker_item(self, block: Block) -> bool:
        """ "Princip 3: Vi genbruger før vi køber": an item of its kind, with the text that
        follows (its explanation, "Forklaring" and "Begrundelse" under it) as its text."""
        found = marker_title(block.text)
        if not found:
            return False
        kind, title, rest = found
        part = self.part
        if part is None or part.kind != kind or part.announced:
            level = block.level or (part.level if part is not None and part.level else 3)
            part = self.open(kind, "", level, block.page)
        part.markers = True
        part.expect_title = False
        part.items.append(Item(title, rest, block.page))
        part.blocks.append(block)
        return True

    def announcement(self, block: Block) -> bool:
        """A paragraph that announces a list of its kind ("… disse fire principper:"): the
        list after it is that kind's items."""
        kind = announced_kind(block.text)
        part = self.part
        if kind is None:
            return False
        if part is not None and part.kind == kind and not part.items and not part.announced:
            part.announced = True
            part.blocks.append(block)
            return True
        level = (part.level + 1) if part is not None and part.level else 3
        new = self.open(kind, re.split(r"(?<=[.!?])\s+", block.text.strip())[-1].rstrip(": "), level, block.page)
        new.announced = True
        new.blocks.append(block)
        return True

    def heading(self, block: Block) -> None:
        part, text = self.part, block.text
        kind = kind_of(text)
        closes = part is None or kind is not None or part.kind == "other" or block.level < part.level or _OTHER_WORDS.match(text)
        if part is not None and not part.blocks and part.title and (part.kind != "other" or kind):
            # a label followed directly by its heading ("VISION" / "Sammen om digitale rammer ...")
            label = part.title.isupper() or block.level < part.level  # "VISION" over its heading
            if len(part.title.split()) <= 3 and not part.markers and block.level <= part.level and label:
                part.kind = kind or part.kind
                part.title = text
                part.level = min(part.level, block.level)
                return
        if closes or part is None:
            self.open(kind or "other", text, block.level, block.page, headed=True)
            return
        if not part.items and sum(b.bullet for b in part.blocks) >= 2 and block.level >= part.level:
            # the part's bullets were its items; a heading as strong as its own ends it
            self.open("other", text, block.level, block.page, headed=True)
            return
        # a weaker heading inside vision/principles/themes: an item (or part of one)
        if part.markers:
            part.blocks.append(block)
            _add_text(part.items[-1], text)
        else:
            part.items.append(Item(text, "", block.page))
            part.blocks.append(block)
            part.outro = False


def lead_items(part: _Part) -> list[Item]:
    """Items whose titles survive only as the one-sentence lead paragraph of each group,
    when the heading announces how many there are ("Strategiens fire spor")."""
    count = announced_count(part.title)
    body = [b for b in part.blocks if not b.level and not b.bullet]
    if not count or len(body) < count:
        return []
    single = [b for b in body if len(re.findall(r"[.!?](?=\s|$)", b.text)) == 1 and len(b.text.split()) <= 45]
    groups: dict[str, list[Block]] = {}
    for b in single:
        groups.setdefault(b.text.split()[0].lower(), []).append(b)
    leads = next((g for g in groups.values() if len(g) == count), None)
    if not leads:
        return []
    items: list[Item] = []
    for b in body:
        if any(b is lead for lead in leads):
            items.append(Item(b.text, "", b.page))
        elif items:
            _add_text(items[-1], b.text)
    return items


def bullet_items(part: _Part) -> list[Item]:
    items = []
    for b in part.blocks:
        if b.bullet:
            parts = re.split(r":\s|\s[–-]\s", b.text, maxsplit=1)
            if len(parts) == 2 and len(parts[0].split()) <= 10:
                title, rest = parts
            elif len(b.text.split()) > 12:
                title, rest = run_in_title(b.text)
            else:
                title, rest = b.text, ""
            items.append(Item(title.strip(), rest.strip(), b.page))
    return items if len(items) >= 2 else []


def sections_of(part: _Part) -> list[Section]:
    """A part as sections, one per page it runs over (so evidence keeps its page)."""
    sections: list[Section] = []
    chunks: list[str] = [f"{HEADING_MARK}{part.title}"] if part.headed and part.title else []
    page = part.page
    for block in part.blocks:
        if block.level and block.text == part.title and len(chunks) <= 1:
            continue
        if chunks and block.page is not None and page is not None and block.page != page:
            sections.append(Section(part.kind, part.title, "\n\n".join(chunks), page))
            chunks = []
        if not chunks:
            page = block.page if block.page is not None else page
        chunks.append(f"- {block.text}" if block.bullet else f"{HEADING_MARK}{block.text}" if block.level else block.text)
    if chunks:
        sections.append(Section(part.kind, part.title, "\n\n".join(chunks), page))
    return sections


def _key(title: str) -> str:
    return re.sub(r"\W+", " ", title.lower()).strip()


def merge_items(items: list[Item]) -> list[Item]:
    """One item per title: the same theme on an overview page and on its own page is one
    theme, with the longer text and that text's page."""
    by_key: dict[str, Item] = {}
    for item in items:
        key = _key(item.title)
        if key in by_key:
            if len(item.text) > len(by_key[key].text):
                by_key[key].text, by_key[key].page = item.text, item.page
        else:
            by_key[key] = Item(item.title, item.text, item.page)
    return list(by_key.values())


@dataclass
class Outline:
    sections: list[Section]
    vision: list[str]
    principles: list[Item]
    themes: list[Item]


def outline(blocks: list[Block]) -> Outline:
    builder = Builder()
    for block in split_glued_headings(drop_signatures(drop_contents(blocks))):
        builder.feed(block)
    sections: list[Section] = []
    vision: list[str] = []
    found: dict[str, list[Item]] = {"principles": [], "themes": []}
    for part in builder.parts:
        if part.kind != "other" and not part.items:
            part.items = lead_items(part) or bullet_items(part)
        for item in part.items:
            item.title, item.text = item.title.strip(), item.text.strip()
        sections += sections_of(part)
        if part.kind == "vision":
            if part.items:
                vision += [i.title for i in part.items]
            elif part.title and not (len(part.title.split()) <= 3 and re.search(r"vision|mission", part.title, re.IGNORECASE)):
                vision.append(part.title)
            else:
                vision += [vision_sentence(b.text) or b.text for b in part.blocks if not b.level]
        elif part.kind in found:
            found[part.kind] += part.items
    if not vision:
        vision = builder.vision_sentences
    return Outline(sections, list(dict.fromkeys(vision)), merge_items(found["principles"]), merge_items(found["themes"]))
