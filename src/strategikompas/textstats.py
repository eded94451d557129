"""Text statistics of stored sentences: word forms, keyness (Dunning's log-likelihood)
and TF-IDF cosine similarity, for compare, export and the report.

Nothing here imports spaCy or scikit-learn: it works on the lemmas stored at
classification (word forms for rows without them) with the Danish stop-word list below."""

from __future__ import annotations

import math
import re
from collections import Counter

STOP_WORDS = frozenset(
    """af alle alt anden andre at blev blive bliver da de dem den denne der deres det dette dig din
    disse dog du efter eller en end er et for fordi fra få gennem god har have hele hen her hos
    hvad hvis hvor hvordan i ikke ind ingen jeg jo kan kun kunne man mange med meget men mere
    mest mig min mod må ned når og også om op os over på samt selv sig sin sine skal skulle
    som sådan så til ud under var vi vil ville vor vores være været ved via hver både blandt
    kommune kommunen kommunens""".split()
)
_WORD = re.compile(r"[^\W\d_]{3,}")


def words(text: str) -> list[str]:
    """Lower-cased word forms (runs of at least three letters, as ``str.isalpha`` reads
    them), without stop words."""
    out = []
    for w in _WORD.findall(text.lower()):
        if not w.isalpha():  # a superscript or a fraction inside ("km²", "½del"): its letters only
            out += [part for part in "".join(c if c.isalpha() else " " for c in w).split() if len(part) >= 3 and part not in STOP_WORDS]
        elif w not in STOP_WORDS:
            out.append(w)
    return out


def keyness(target: dict[str, int], reference: dict[str, int], top: int = 10) -> list[tuple[str, float]]:
    """Dunning's log-likelihood (G2) of words over-used in ``target`` against ``reference``
    (the definition ``terms_and_similarity`` computes for every column at once)."""
    n1, n2 = sum(target.values()), sum(reference.values())
    if not n1 or not n2:
        return []
    scored = []
    for word, a in target.items():
        b = reference.get(word, 0)
        e1 = n1 * (a + b) / (n1 + n2)
        e2 = n2 * (a + b) / (n1 + n2)
        if a <= e1:
            continue
        g2 = 2 * (a * math.log(a / e1) + (b * math.log(b / e2) if b else 0.0))
        scored.append((word, g2))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:top]


def _matrix(counts: list[dict[str, int]]):
    """The words of all columns, and the columns' counts as one matrix (a row per column)."""
    import numpy as np

    index: dict[str, int] = {}
    for c in counts:
        for word in c:
            index.setdefault(word, len(index))
    tf = np.zeros((len(counts), len(index)))
    for i, c in enumerate(counts):
        if c:
            tf[i, [index[w] for w in c]] = list(c.values())
    return np.array(list(index), dtype=object), tf


def terms_and_similarity(counts: list[dict[str, int]], top: int = 10) -> tuple[list[list[tuple[str, float]]], list[list[float]]]:
    """Each column's distinctive words and the columns' similarity, from one count matrix.

    Distinctive words: each column's keyness (``keyness``) against all the other columns
    together, for every column and word at once (the reference of a column is the total
    minus its own counts). Similarity: the cosine of TF-IDF vectors (smooth idf, as
    scikit-learn's default), as one matrix product of the weighted, normalised vectors
    (numpy, imported here: only export, report and compare's similarity need it)."""
    vocab, tf = _matrix(counts)
    return _keyness_of(vocab, tf, top), _cosine_of(tf)


def _keyness_of(vocab, a, top: int) -> list[list[tuple[str, float]]]:
    import numpy as np

    total = a.sum(axis=0)
    size = total.sum()
    n1 = a.sum(axis=1)[:, None]
    n2 = size - n1
    b = total - a
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = n1 * (a + b) / (n1 + n2)
        e2 = n2 * (a + b) / (n1 + n2)
        g2 = 2 * (a * np.log(a / e1) + np.where(b > 0, b * np.log(b / e2), 0.0))
    over = (a > 0) & (a > e1) & (n1 > 0) & (n2 > 0)
    out = []
    for i in range(a.shape[0]):
        found = np.flatnonzero(over[i])
        if len(found) > top:  # the top values and every tie with the last of them
            cut = np.partition(g2[i, found], len(found) - top)[len(found) - top]
            found = found[g2[i, found] >= cut]
        out.append(sorted(((str(vocab[j]), float(g2[i, j])) for j in found), key=lambda x: (-x[1], x[0]))[:top])
    return out


def _cosine_of(tf) -> list[list[float]]:
    import numpy as np

    n = tf.shape[0]
    df = np.count_nonzero(tf, axis=0)
    weights = tf * (np.log((1 + n) / (1 + df)) + 1)
    norms = np.linalg.norm(weights, axis=1)
    unit = np.divide(weights, norms[:, None], out=np.zeros_like(weights), where=norms[:, None] > 0)
    return (unit @ unit.T).tolist()


def word_counts(rows: list, skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """Counts of lemmas stored at classification (word forms for rows without them),
    without the words in ``skip`` (the compared kommuner's own names). The rows' texts
    are read as one (a word never crosses a line), and each distinct run of letters is
    judged once."""
    text = "\n".join(getattr(r, "lemmas", "") or r.sentence for r in rows).lower()
    counts: Counter[str] = Counter()
    for run, n in Counter(_WORD.findall(text)).items():
        for w in words(run):
            counts[w] += n
    for word in skip:
        counts.pop(word, None)
    return dict(counts)
