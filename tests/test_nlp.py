"""The Danish NLP layer on the fallback pipeline: sentences, lemmas, compounds."""

from __future__ import annotations

import pytest

from strategikompas import codebook as cb
from strategikompas.nlp import FALLBACK, lemma, pipeline
from strategikompas.workspace import bundled_root

ABBREVIATIONS = ["bl.a.", "f.eks.", "fx.", "mht.", "jf.", "ca.", "mv.", "pga.", "dvs.", "inkl.", "evt.", "o.l.", "nr.", "kr."]


@pytest.fixture(scope="module")
def nlp():
    return pipeline()[0]


def test_fallback_pipeline_is_used_and_named():
    _, name = pipeline()
    assert name == FALLBACK  # da_core_news_sm cannot be installed on these machines


@pytest.mark.parametrize("abbreviation", ABBREVIATIONS)
def test_no_sentence_break_after_abbreviation(nlp, abbreviation):
    # A capitalised word after the abbreviation is where a naive splitter breaks.
    text = f"Kommunen vil {abbreviation} Digitalisering styrke servicen. Det er næste sætning."
    sentences = [s.text for s in nlp(text).sents]
    assert len(sentences) == 2, sentences
    assert abbreviation in sentences[0]


def test_run_on_list_items_bug_split_at_capital_vi(nlp):
    """Bug: list items without full stops, run together by PDF text extraction, became one
    sentence, and the evidence quoted for a focus area was someone else's item."""
    text = (
        "Vi vil iværksætte initiativerne i den fællesoffentlige strategi "
        "Vi udarbejder en kanalstrategi Vi arbejder med data "
        "Der gennemføres et projekt i 2011 Der arbejdes med kompetencer Det er vigtigt."
    )
    assert [s.text for s in nlp(text).sents] == [
        "Vi vil iværksætte initiativerne i den fællesoffentlige strategi",
        "Vi udarbejder en kanalstrategi",
        "Vi arbejder med data",
        "Der gennemføres et projekt i 2011",
        "Der arbejdes med kompetencer",
        "Det er vigtigt.",
    ]


def test_heading_run_into_its_text_bug_was_one_sentence(nlp):
    """Bug: only pronouns opened a run-on sentence, so a heading and a list item without
    full stops ran into the next sentence ("... for fremtidige indkøb Ved anskaffelser og
    opgraderinger ...", "Initiativ 4 En troværdig og inkluderende indgang for borgerne
    Borgerne skal opleve ..."): one quote for two statements."""
    text = (
        "Vi skaber en baseline for fremtidige indkøb Ved anskaffelser skal data indgå. "
        "Initiativ 4 En troværdig indgang for borgerne Borgerne skal opleve en mere samlet indgang. "
        "Medarbejderne er fortrolige med teknologi Med andre ord er vi klar. "
        "Den fælles udfordring I fase I og II samarbejder vi."
    )
    assert [s.text.strip() for s in nlp(text).sents] == [
        "Vi skaber en baseline for fremtidige indkøb",
        "Ved anskaffelser skal data indgå.",
        "Initiativ 4",
        "En troværdig indgang for borgerne",
        "Borgerne skal opleve en mere samlet indgang.",
        "Medarbejderne er fortrolige med teknologi",
        "Med andre ord er vi klar.",
        "Den fælles udfordring I fase I og II samarbejder vi.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Det er noget, vi vil arbejde med i hele kommunen.",  # lower-case pronoun
        "Rapporten hedder Sådan Vi Arbejder og udkom i 2020.",  # after a capitalised word
        "Kommunen siger: Vi vil have mere data.",  # after punctuation the sentencizer decides
        "SÅDAN ARBEJDER VI MED DATA I KOMMUNEN",  # a heading in capitals
        "Målene står i Den fælleskommunale handlingsplan for digitalisering.",  # a title after a preposition
        "Vi låner bøger fra biblioteket Det Kongelige Bibliotek hver uge.",  # a name in capitals
        "Vi håber, at De vil svare på skemaet.",  # the polite "De" is not a sentence start
        "Projektet kører i fase I og II i hele kommunen.",  # a Roman numeral
        "Vi samarbejder med Center For Cybersikkerhed om det.",  # a name after a capitalised word
    ],
)
def test_run_on_rule_leaves_other_sentences_whole(nlp, text):
    assert len(list(nlp(text).sents)) == 1


def test_lemma_lookup_ignores_case_bug_hashed_table():
    """Bug: the lemma table was turned into a dict of hashed keys, so no word was ever found."""
    assert lemma("kommunernes") == "kommune"
    assert lemma("Kommunernes") == "kommune"
    assert lemma("BORGERNE") == "borger"


def test_lemma_table_read_as_a_dict_has_spacys_entries():
    """The table read straight from spacy-lookups-data's JSON (fast) gives every word the
    lemma spaCy's own loader gives it."""
    from spacy.lookups import load_lookups

    from strategikompas.nlp import lemma_table

    ours = lemma_table()
    spacys = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")
    assert isinstance(ours, dict) and len(ours) == len(spacys) > 500_000
    words = list(ours)[::997]
    assert [ours[w] for w in words] == [spacys.get(w) for w in words]


def test_pipeline_sets_lower_case_lookup_lemmas(nlp):
    doc = nlp("Kommunernes løsninger hjælper Borgerne.")
    assert [t.lemma_ for t in doc][:4] == ["kommune", "løsning", "hjælpe", "borger"]


@pytest.fixture(scope="module")
def book():
    return cb.load(bundled_root() / "data" / "fokusomraader.toml")


@pytest.mark.parametrize(
    "word, label",
    [
        ("informationssikkerhedspolitik", "sikkerhed"),
        ("it-sikkerheden", "sikkerhed"),
        ("selvbetjeningsløsningerne", "borger"),
        ("velfærdsteknologi", "teknologi"),
        ("gevinstrealiseringen", "vaerdi"),
        ("datadeling", "data"),
        ("kompetenceudvikling", "kompetencer"),
        ("rammearkitekturen", "sammenhaeng"),
        ("styregruppen", "organisering"),
        ("effektiviseringsstrategien", "effektivisering"),
    ],
)
def test_compounds_from_the_corpus_find_their_label(book, word, label):
    assert label in cb.match(book, [word], [lemma(word)])


@pytest.mark.parametrize(
    "word, label",
    [("værdighed", "vaerdi"), ("effektiviseringsstrategien", "vaerdi"), ("databeskyttelse", "data"), ("digitaliseringsstrategien", "sikkerhed")],
)
def test_exclusions_keep_words_out_of_a_label(book, word, label):
    assert label not in cb.match(book, [word], [lemma(word)])


def test_phrase_counts_its_words_once(book):
    words = "vi vil frigøre ressourcer til borgerne".split()
    found = cb.match(book, words, [lemma(w) for w in words])
    assert found["effektivisering"] == ["frigøre ressourcer"]
