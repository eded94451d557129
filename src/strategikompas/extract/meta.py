"""A document's title, type, period and language, from its text."""

from __future__ import annotations

import re
from collections import Counter

from .model import Block

_TYPES = [
    ("kommissorium", r"kommissori\w*"),
    ("handleplan", r"\w*handle?(?:ings)?plan\w*"),
    ("principper", r"\w*principper\b"),
    ("politik", r"\w*politik\b"),
    ("strategi", r"\w*strategi\w*"),
]
_YEAR = r"(?:19|20)\d{2}"
_RANGE = re.compile(rf"\b({_YEAR})\s*[-–—/]\s*((?:19|20)?\d{{2}})\b")
_DATE_YEAR = re.compile(r"\b(?:\d{1,2}\.\s*)?(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)\s+(" + _YEAR + r")\b", re.IGNORECASE)

# function words that tell the Scandinavian languages and English apart; words two of
# them share (og, er, det, ikke, til, som, med, på ...) are left out on purpose
_FUNCTION_WORDS = {
    "da": (
        "af efter gennem mellem nogle nogen meget bliver hvad sådan end mod vores jeres ud op nu hjælp udvikling således "
        "udvikle bruge arbejde samarbejde medarbejdere medarbejderne"
    ).split(),
    "no": (
        "av etter gjennom mellom noen mye seg blir hva slik enn mot våre ut opp nå hjelp utvikling innbyggere innbyggerne "
        "ikkje eit ein frå korleis kva utvikle bruke arbeid arbeide samarbeid samarbeide medarbeidere medarbeiderne å"
    ).split(),
    "sv": "och att är för inte ett också detta dessa hur mellan utveckling genom skall ska vara kommer invånare tjänster deras vilka".split(),
    "en": "the and of is are that with will this be from our which municipality citizens their should".split(),
}


LANGUAGE_NAMES = {"da": "dansk", "no": "norsk", "sv": "svensk", "en": "engelsk"}


def language_name(code: str) -> str:
    """ "no" -> "norsk (no)", for messages."""
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


_NO_SPELLING = re.compile(r"sjon(en|er|ene)?$|øy")
_DA_SPELLING = re.compile(r"tion(en|er|erne)?$|øj")


# a field of a case or a page's header, not a title: "Mødedato: 27.09.2005", "Kontakt: Liva Ekelund"
_FIELD = re.compile(r"^[A-ZÆØÅ][\w.-]*(\s[\w.-]+){0,2}:\s")
FIELD_LINES = 4  # at most this many such lines are passed over before the title


def document_title(blocks: list[Block]) -> tuple[str, int]:
    """The first heading (or line) and how many blocks it took; a one-word first heading
    ("Kommissorium") takes the next heading too. Field lines ("Mødedato: …", "Udvalg: …")
    before it are passed over (they stay in the text)."""
    skip = 0
    while skip < min(FIELD_LINES, len(blocks) - 1) and _FIELD.match(blocks[skip].text) and len(blocks[skip].text.split()) <= 12:
        skip += 1
    title, used = _first_title(blocks[skip:])
    if skip and used:
        return title, 0  # the fields before it stay in the body; the title block is kept there too
    return title, used


def _first_title(blocks: list[Block]) -> tuple[str, int]:
    for i, block in enumerate(blocks):
        if not block.level and (len(block.text.split()) > 25 or block.text.endswith(".")):
            return block.text[:120], 0  # body text: the title is its start, the text stays
        if i + 1 < len(blocks) and len(block.text.split()) == 1 and blocks[i + 1].level and len(blocks[i + 1].text.split()) <= 12:
            return f"{block.text}: {blocks[i + 1].text}", i + 2
        return block.text, i + 1
    return "", 0


def document_type(title: str, blocks: list[Block]) -> str:
    """strategi, principper, politik, kommissorium, handleplan or anden: from the title,
    else from the first headings."""
    heads = [title] + [b.text for b in blocks[:12] if b.level]
    for text in heads:
        low = text.lower()
        if re.search(_TYPES[0][1], low):
            return "kommissorium"
        hits = [(m.start(), name) for name, pattern in _TYPES[1:] for m in [re.search(rf"\b{pattern}", low)] if m]
        if hits:
            return min(hits)[1]
    return "anden"


def _years(start: str, end: str) -> str:
    if len(end) == 2:
        end = start[:2] + end
    return f"{start}-{end}" if int(end) > int(start) else start


def period(title: str, blocks: list[Block]) -> str:
    """"2025-2030" from the title, else the first year range near the start; a single year
    in the title ("Digitaliseringsstrategi 2030") starts at the adoption date when the
    text gives one ("den 11. juni 2025")."""
    head = " ".join([title] + [b.text for b in blocks[:6]])
    for text in (title, head):
        match = _RANGE.search(text)
        if match:
            return _years(match.group(1), match.group(2))
    single = re.search(rf"\b({_YEAR})\b", title)
    if not single:
        return ""
    end = single.group(1)
    dated = [m.group(1) for b in blocks[:60] for m in _DATE_YEAR.finditer(b.text)]
    starts = [y for y in dated if int(end) - 10 <= int(y) < int(end)]
    return f"{starts[0]}-{end}" if starts else end


def language(text: str) -> str:
    """da, no, sv or en by counting each language's own function words (Danish when
    nothing tells; Danish and Norwegian share most words, so only the words that differ
    count)."""
    words = Counter(re.findall(r"[a-zæøåäöé]+", text.lower()))
    scores = {lang: sum(words[w] for w in vocab) for lang, vocab in _FUNCTION_WORDS.items()}
    scores["sv"] += 2 * sum(text.lower().count(c) for c in "äö")
    # spellings that differ: Norwegian informasjon, høy; Danish information, høj
    scores["no"] += sum(n for w, n in words.items() if _NO_SPELLING.search(w))
    scores["da"] += sum(n for w, n in words.items() if _DA_SPELLING.search(w))
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= max(3, 1.5 * scores["da"]) and best != "da" else "da"
