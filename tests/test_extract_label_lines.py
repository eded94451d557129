"""A numbered label heading on a line of its own in a text file, its body on the next line."""

from __future__ import annotations

from strategikompas.extract.document import extract_path


def extract_text(text: str, tmp_path):
    path = tmp_path / "strategi.txt"
    path.write_text(text, encoding="utf-8")
    return extract_path(path)


def test_label_heading_bug_swallowed_the_next_line_when_its_title_was_long(tmp_path):
    """Bug: "Indsatsområde 3: Velfærdsteknologi og kunstig intelligens" (57 characters,
    longer than a short line) had the next line, its body, joined into the theme's title."""
    text = (
        "Digitaliseringsstrategi 2024-2027\n\nIndsatsområder\n\n"
        "Indsatsområde 1: Data til bedre beslutninger\nVi samler nøgletal fra skolerne. Tallene vises i et fælles overblik.\n\n"
        "Indsatsområde 2: Velfærdsteknologi og kunstig intelligens i ældreplejen\nVi udbreder skærmbesøg, hvor borgerne ønsker det. Vi måler effekten.\n"
    )
    strategy = extract_text(text, tmp_path)
    assert [t.title for t in strategy.themes] == ["Data til bedre beslutninger", "Velfærdsteknologi og kunstig intelligens i ældreplejen"]
    assert strategy.themes[1].text.startswith("Vi udbreder skærmbesøg")


def test_a_wrapped_sentence_after_a_label_stays_one_paragraph(tmp_path):
    """The rule is for a title after the label: a label line that is prose wraps on."""
    text = "Digitaliseringsstrategi 2024-2027\n\nBemærk: kommunen vil i de kommende år arbejde med at gøre\nflere af sine tilbud digitale.\n"
    strategy = extract_text(text, tmp_path)
    body = " ".join(s.text for s in strategy.sections)
    assert "arbejde med at gøre flere af sine tilbud digitale." in body
