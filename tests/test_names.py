from __future__ import annotations

import pytest

from strategikompas.errors import UnknownKommuneError
from strategikompas.names import plain_ascii, resolve, slugify

KNOWN = ["Hjørring", "Horsens", "København", "Lyngby-Taarbæk", "Ringkøbing-Skjern", "Aarhus", "Aalborg", "Ishøj"]


@pytest.mark.parametrize(
    "name, slug",
    [("Hjørring", "hjoerring"), ("København", "koebenhavn"), ("Lyngby-Taarbæk", "lyngby-taarbaek"),
     ("Ringkøbing-Skjern", "ringkoebing-skjern"), ("Ikast-Brande", "ikast-brande"), ("Høje Taastrup", "hoeje-taastrup")],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_plain_ascii():
    assert plain_ascii("Hjørring") == "hjorring"
    assert plain_ascii("Ishøj") == "ishoj"


@pytest.mark.parametrize("spelling", ["Hjørring", "hjoerring", "hjorring", "HJØRRING", "HjOrRiNg"])
def test_resolve_spellings(spelling):
    assert resolve(spelling, KNOWN) == "Hjørring"


@pytest.mark.parametrize("spelling", ["lyngby-taarbaek", "Lyngby Taarbæk", "lyngby taarbak", "LyngbyTaarbæk"])
def test_resolve_compound_names(spelling):
    assert resolve(spelling, KNOWN) == "Lyngby-Taarbæk"


def test_unknown_name_suggests_closest():
    with pytest.raises(UnknownKommuneError) as info:
        resolve("Hjøring", KNOWN)
    assert info.value.suggestions[0] == "Hjørring"
    assert "Ukendt kommune 'Hjøring'" in str(info.value)


def test_unknown_name_without_close_match():
    with pytest.raises(UnknownKommuneError) as info:
        resolve("Xyzzy", KNOWN)
    assert info.value.suggestions == []


@pytest.mark.parametrize("target", ["nosuch.pdf", "mappe/strategi", "Strategi.HTML", "noter.txt"])
def test_missing_file_is_reported_as_a_file_not_an_unknown_kommune(runner, workspace_dir, target):
    from strategikompas.cli import app

    for command in ("classify", "extract"):
        result = runner.invoke(app, [command, target, "--workspace", str(workspace_dir)])
        assert result.exit_code == 2
        assert f"{target}: filen findes ikke." in result.output and "kommune" not in result.output


def test_a_kommune_name_is_not_taken_for_a_file():
    from strategikompas.names import looks_like_path

    assert not any(looks_like_path(n) for n in ("Hjørring", "lyngby-taarbaek", "Ringkøbing-Skjern", "Lyngby-Taarbæk"))
