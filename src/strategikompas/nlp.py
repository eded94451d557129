"""The one place that builds the Danish spaCy pipeline.

``da_core_news_sm`` when it is installed; otherwise ``spacy.blank("da")`` with a
sentencizer and the lookup lemmatizer from spacy-lookups-data. spaCy is imported
here only, inside functions, so that ``--help`` stays fast."""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "da_core_news_sm"
FALLBACK = "blank:da+sentencizer+lookup-lemmas"
RUN_ON_LIST_ITEMS = "strategikompas_run_on_list_items"


def model_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec(MODEL) is not None


def pipeline_id() -> str:
    """Which pipeline would be used, without loading spaCy."""
    return MODEL if model_installed() else FALLBACK


@functools.lru_cache(maxsize=1)
def lemma_table() -> Mapping[str, str]:
    """spacy-lookups-data's Danish lemma table as a plain dict (keys are lower case or
    case-sensitive, so look up lower case).

    Read straight from the package's gzipped JSON: 0.45 s, against 1.7 s for spaCy's
    ``load_lookups``, which hashes every one of the 553,116 keys into a ``Table``; every
    process that classifies pays this once. The same entries either way
    (``tests/test_nlp.py``)."""
    import gzip
    import json
    from importlib.resources import files

    source = files("spacy_lookups_data") / "data" / "da_lemma_lookup.json.gz"
    try:
        return json.loads(gzip.decompress(source.read_bytes()))
    except (OSError, ValueError):  # another layout of spacy-lookups-data: spaCy's own loader
        from spacy.lookups import load_lookups

        return load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")  # a Mapping keyed by hashes; its get hashes the word


def lemma(word: str) -> str:
    """Lower-cased lookup lemma of one word; the word itself when the table has none."""
    lowered = word.lower()
    return lemma_table().get(lowered, lowered)


# Words Danish capitalises only at the start of a sentence: pronouns (not "De", the polite
# "you"), articles, prepositions, conjunctions and adverbs that open sentences, and the
# nouns list items in strategies open with (Danish nouns are lower case inside a sentence).
# Not "I": it is also a Roman numeral ("fase I og II").
SENTENCE_STARTERS = frozenset(
    """Vi Vores Der Det Den Dette Denne Disse Derfor Desuden Samtidig Endvidere Herudover Hvis Når
    En Et Alle Med Ved For Som På Til Fra Gennem Efter Blandt Inden Men Og Også Her Endelig
    Hermed Dermed Derudover Ligeledes Herunder Både Borgerne Medarbejderne Kommunen""".split()
)
# After these a capitalised word is a title's start ("i Den fælleskommunale handlingsplan").
PREPOSITIONS = frozenset("i af om for til med på fra ved under efter mod over ad gennem hos mellem uden".split())


def starts_run_on_item(prev, token, following) -> bool:
    """Text taken from PDFs often loses the line breaks between list items that have no
    full stop: "... i den fællesoffentlige strategi Vi udarbejder en kanalstrategi ...",
    "... i 2011 Der arbejdes med ...". A sentence-initial word in capitals after a
    lower-case word or a number, before a lower-case word, starts a new sentence; a
    name in capitals ("Det Kongelige Bibliotek") is left alone."""
    return (
        token.text in SENTENCE_STARTERS
        and following.is_alpha
        and following.is_lower
        and ((prev.is_alpha and prev.is_lower and prev.text not in PREPOSITIONS) or prev.is_digit)
    )


@functools.lru_cache(maxsize=1)
def pipeline() -> tuple[Language, str]:
    """The pipeline and its name. Says once on stderr which one is in use."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory(RUN_ON_LIST_ITEMS):

        @Language.component(RUN_ON_LIST_ITEMS)
        def _split_run_on_list_items(doc):
            for token in doc[1:-1]:
                if starts_run_on_item(doc[token.i - 1], token, doc[token.i + 1]):
                    token.is_sent_start = True
            return doc

    if model_installed():
        nlp = spacy.load(MODEL, exclude=["ner"])
        # Before the parser, which then keeps these sentence starts.
        nlp.add_pipe(RUN_ON_LIST_ITEMS, before="parser" if "parser" in nlp.pipe_names else None)
        return nlp, f"{MODEL}-{nlp.meta.get('version', '?')}"

    if not Language.has_factory("strategikompas_split_and_lemmas"):

        @Language.component("strategikompas_split_and_lemmas")
        def _split_and_lemmas(doc):
            """The run-on list items split and the lookup lemmas set in one pass over the
            tokens (each token a Python object made once, not twice)."""
            table = lemma_table()
            last = len(doc) - 1
            for token in doc:
                lowered = token.lower_
                token.lemma_ = table.get(lowered, lowered)
                if 0 < token.i < last and starts_run_on_item(doc[token.i - 1], token, doc[token.i + 1]):
                    token.is_sent_start = True
            return doc

    lemma_table()  # loaded with the pipeline, so that worker processes forked after it share it
    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("strategikompas_split_and_lemmas")
    print(
        f"strategikompas: bruger reservepipelinen ({FALLBACK}); "
        f"for bedre sætninger og lemmaer: kør python -m spacy download {MODEL}",
        file=sys.stderr,
    )
    return nlp, FALLBACK
