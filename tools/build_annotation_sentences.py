"""Build data/annotations/sentences.jsonl: the sentences to annotate.

Sources: the four bundled documents, KL's mapping (../shared/seeds) and the real PDF
(../shared/pdfs). Run once; the annotation files refer to the sentence ids it writes.
Usage: python tools/build_annotation_sentences.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from strategikompas.extract.text import paragraphs  # noqa: E402
from strategikompas.nlp import pipeline  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = [
    ("hjoerring", SHARED / "seeds" / "hjoerring-digitaliseringsstrategi-2030.txt"),
    ("horsens", SHARED / "seeds" / "horsens-digitaliseringsstrategi-2011-2015.txt"),
    ("norddjurs", SHARED / "seeds" / "norddjurs-digitaliseringsstrategi-2016-2020.txt"),
    ("herning", SHARED / "seeds" / "herning-kommissorium-digitaliseringsstrategi-2021-2024.txt"),
    ("kl-kortlaegning", SHARED / "seeds" / "kl-kortlaegning-digitalisering.txt"),
]
PDF = SHARED / "pdfs" / "faellesoffentlig-digitaliseringsstrategi-2026-2029.pdf"
# The PDF's running header with its page number ("4 DEN ... 2026-2029" on even pages,
# "DEN ... 2026-2029 5" on odd ones). The first version of this script kept it in 17
# sentences; they were cleaned with strip_running_header, their labels unchanged.
RUNNING_HEADER = "DEN FÆLLESOFFENTLIGE DIGITALISERINGSSTRATEGI 2026-2029"


def strip_running_header(text: str, page: int) -> str:
    """Drop the running header and its page number from a page's text (the title page keeps its title)."""
    header = re.escape(RUNNING_HEADER)
    text = re.sub(rf"(?:^|(?<=\s))(?:{page} {header}|{header} {page})(?=\s|$)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(path: Path) -> list[tuple[int, str]]:
    import pypdfium2

    pages = []
    for number, page in enumerate(pypdfium2.PdfDocument(path), start=1):
        text = page.get_textpage().get_text_range().replace("\r\n", "\n")
        text = re.sub("\ufffe\n?", "", text)  # pdfium's mark for a soft hyphen at a line end
        text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
        pages.append((number, strip_running_header(re.sub(r"\s*\n\s*", " ", text), number)))
    return pages


def main() -> None:
    nlp, _ = pipeline()
    out, seen = [], set()

    def add(source: str, page: int | None, text: str) -> None:
        for sent in nlp(text).sents:
            s = re.sub(r"\s+", " ", sent.text).strip()
            if len(s.split()) < 4 or s in seen or "\t" in sent.text:
                continue
            seen.add(s)
            out.append({"id": f"{source}-{len([o for o in out if o['source'] == source]) + 1:04d}", "source": source, "page": page, "text": s})

    for source, path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if source == "kl-kortlaegning":
            text = text.split("Linksamling over", 1)[0]
        for para in paragraphs(text):
            add(source, None, para)
    for number, text in pdf_pages(PDF):
        add("faellesoffentlig-2026", number, text)
    target = ROOT / "data" / "annotations" / "sentences.jsonl"
    target.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8")
    counts = {}
    for o in out:
        counts[o["source"]] = counts.get(o["source"], 0) + 1
    print(len(out), counts)


if __name__ == "__main__":
    main()
