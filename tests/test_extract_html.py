"""Web pages: main text without navigation, cookie banner and footer; PDF links."""

from __future__ import annotations

import pytest

from strategikompas.extract import extract_path
from strategikompas.extract.detect import DocumentError
from strategikompas.extract.html import main_text, pdf_link_texts, pdf_links

PAGE = """<!DOCTYPE html>
<html lang="da"><head><title>Digitaliseringsstrategi | Odder Kommune</title><base href="/politik/"></head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>Vi bruger cookies til statistik. Accepter alle cookies eller tilpas dine valg.</p></div>
<nav class="menu"><ul><li><a href="/">Forside</a></li><li><a href="/borger">Borgerservice og selvbetjening</a></li></ul></nav>
<main><article>
<h1>Digitaliseringsstrategi 2022-2025</h1>
<p>Odder Kommunes digitaliseringsstrategi sætter retningen for, hvordan kommunen bruger digitale løsninger til gavn for borgere og virksomheder i de kommende år.</p>
<h2>Vision</h2>
<p>Vi vil være en digital kommune, hvor borgerne oplever sammenhængende service, og hvor medarbejderne har de rette digitale kompetencer.</p>
<h2>Fokusområder</h2>
<ul>
<li>Digital service: borgerne skal let kunne betjene sig selv.</li>
<li>Data og sikkerhed: data bruges klogt og beskyttes.</li>
<li>Kompetencer: medarbejderne skal være digitalt rustede.</li>
</ul>
<p>Hent hele strategien som <a href="strategi-2022-2025.pdf">PDF</a> eller <a href="https://www.odder.dk/media/bilag.PDF?v=2">bilaget</a>.</p>
<p>Se også <a href="/politik/strategi-2022-2025.pdf">strategien</a>, <a href="/download?id=7" type="application/pdf">handleplanen</a> og <a href="/kontakt">kontakt os</a>.</p>
</article></main>
<footer><p>Odder Kommune, Rådhusgade 3, 8300 Odder. Alle rettigheder forbeholdes.</p></footer>
</body></html>"""


def test_main_text_keeps_headings_and_list_items_and_drops_the_rest():
    text = main_text(PAGE)
    assert "# Digitaliseringsstrategi 2022-2025" in text and "## Fokusområder" in text
    assert "- Data og sikkerhed: data bruges klogt og beskyttes." in text
    for noise in ("cookies", "Borgerservice og selvbetjening", "Alle rettigheder forbeholdes"):
        assert noise not in text


def test_web_page_into_a_strategy(tmp_path):
    path = tmp_path / "side.txt"  # the name says text; the bytes say HTML
    path.write_text(PAGE, encoding="utf-8")
    s = extract_path(path, kommune="Odder")
    assert (s.title, s.period, s.document_type, s.language) == ("Digitaliseringsstrategi 2022-2025", "2022-2025", "strategi", "da")
    assert s.vision == ["Vi vil være en digital kommune, hvor borgerne oplever sammenhængende service, og hvor medarbejderne har de rette digitale kompetencer."]
    assert [(t.title, t.text) for t in s.themes] == [
        ("Digital service", "borgerne skal let kunne betjene sig selv."),
        ("Data og sikkerhed", "data bruges klogt og beskyttes."),
        ("Kompetencer", "medarbejderne skal være digitalt rustede."),
    ]
    assert not s.warnings


def test_pdf_links_are_absolute_and_unique():
    assert pdf_links(PAGE, "https://www.odder.dk/borger/side") == [
        "https://www.odder.dk/politik/strategi-2022-2025.pdf",
        "https://www.odder.dk/media/bilag.PDF?v=2",
        "https://www.odder.dk/download?id=7",
    ]
    assert pdf_links("<html><body><p>Ingen links</p></body></html>", "https://x.dk/") == []
    page = '<html><body><a href="/dl/42#top">Hent strategien (PDF, 2 MB)</a> <a href="/om">Om os</a></body></html>'
    assert pdf_link_texts(page, "https://x.dk/a/b") == [("https://x.dk/dl/42", "Hent strategien (PDF, 2 MB)")]
    assert pdf_links("", "https://x.dk/") == []


def test_web_page_without_main_text_is_a_clear_error(tmp_path):
    path = tmp_path / "tom.html"
    path.write_text("<!DOCTYPE html><html><head><title>x</title></head><body><nav><a href='/'>Forside</a></nav><footer>Odder Kommune</footer></body></html>", encoding="utf-8")
    with pytest.raises(DocumentError, match="tom.html: websiden har ingen hovedtekst"):
        extract_path(path)
