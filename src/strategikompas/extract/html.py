"""Web pages: the main text (trafilatura drops navigation, cookie banners and footers;
headings and list items are kept as Markdown) and the links to PDF files on the page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .detect import DocumentError
from .model import Block
from .text import text_blocks

MIN_WORDS = 10


def main_text(html: str) -> str:
    """The page's main text as Markdown ("# heading", "- item"), or "" when it has none."""
    import trafilatura

    text = trafilatura.extract(
        html,
        output_format="markdown",
        include_formatting=True,
        include_tables=True,
        include_links=False,
        include_images=False,
        include_comments=False,
        favor_recall=True,
    )
    return text or ""


def html_blocks(html: str, path: Path | None = None) -> list[Block]:
    text = main_text(html)
    if len(re.findall(r"\w+", text)) < MIN_WORDS:  # a menu item or two is not a main text
        raise DocumentError(f"{path or 'webside'}: websiden har ingen hovedtekst.")
    return text_blocks(text)


def pdf_links(html: str, base_url: str) -> list[str]:
    """Absolute links to PDF files on the page, in page order, without duplicates."""
    return [url for url, _ in pdf_link_texts(html, base_url)]


def pdf_link_texts(html: str, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of each link to a PDF file, in page order, once each.

    A link counts when its path ends in .pdf, it is marked type="application/pdf", or its
    text says PDF ("Hent strategien (PDF)"); a page's <base href> is honoured."""
    return [(url, text) for url, text, kind in document_links(html, base_url) if kind == "pdf"]


def document_links(html: str, base_url: str) -> list[tuple[str, str, str]]:
    """(absolute URL, link text, ``pdf`` or ``docx``) of each link to a PDF or Word file,
    in page order, once each; a Word link counts by its .docx path, its type or a link text
    that says Word or docx."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base = urljoin(base_url, root.xpath("string(//base/@href)") or base_url)
    links: dict[str, tuple[str, str]] = {}
    for anchor in root.iter("a", "link", "iframe", "embed", "object"):
        href = anchor.get("href") or anchor.get("src") or anchor.get("data")
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            continue
        url = urljoin(base, href.strip()).split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https", "file"):
            continue
        text = " ".join(anchor.text_content().split()) or anchor.get("title", "")
        path, kind_attr = urlsplit(url).path, (anchor.get("type") or "").lower()
        if re.search(r"\.pdf$", path, re.IGNORECASE) or "pdf" in kind_attr or re.search(r"\bpdf\b", text, re.IGNORECASE):
            kind = "pdf"
        elif re.search(r"\.docx$", path, re.IGNORECASE) or "wordprocessingml" in kind_attr or re.search(r"\b(docx|word)\b", text, re.IGNORECASE):
            kind = "docx"
        else:
            continue
        if url not in links:
            links[url] = (text, kind)
    return [(url, text, kind) for url, (text, kind) in links.items()]
