"""How often the tags are right, measured on text the model was not trained on.

Two cross-validations, each fold training the classifier on the rest (its thresholds chosen
inside that training part only):

1. by document on the seeds' sentences (``data/annotations/``): each fold holds out every
   sentence of one seed document; the written set is always in the training part;
2. by genre on the written set (``data/annotations/written/``): each fold holds out a whole
   genre (council cases, help pages, news ...), so the figure says how the tags carry over
   to a kind of text the model has not seen.

The third figure, on real documents nobody tuned the tool on, is ``../shared/devset/score``.
The codebook alone is scored on the same sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import codebook as cb
from .annotations import load_training
from .classifier import FocusModel, analyse, codebook_predictions, model_id
from .danish import number
from .errors import RunError
from .fileio import atomic_write_text
from .workspace import Workspace

COLUMNS = [
    "fokusomraade",
    "navn",
    "antal",
    "kodebog_praecision",
    "kodebog_genkald",
    "kodebog_f1",
    "klassifikator_praecision",
    "klassifikator_genkald",
    "klassifikator_f1",
]
TARGET_MICRO_F1 = 0.85
TARGET_MACRO_F1 = 0.80
FOLD_JOBS = 2  # folds trained at once (the machines have two cores)
EVALUATION_FILE = "evaluering.json"  # in the results folder: the last evaluate, for compare


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class Evaluation:
    labels: list[str]
    names: list[str]
    support: list[int]
    codebook: list[Scores]  # per label
    classifier: list[Scores]
    codebook_micro: Scores
    codebook_macro: Scores
    classifier_micro: Scores
    classifier_macro: Scores
    n_sentences: int
    documents: list[str]
    predictions: list[frozenset[str]] = field(default_factory=list)  # the classifier's held-out labels, in sentence order
    by_genre: Evaluation | None = None  # figure 2: the written set, each genre held out in turn
    reliability: list[tuple[str, int, float]] = field(default_factory=list)  # held-out scores by band (``reliability``)

    def rows(self) -> list[list[object]]:
        out: list[list[object]] = []
        for i, label in enumerate(self.labels):
            c, m = self.codebook[i], self.classifier[i]
            out.append([label, self.names[i], self.support[i], c.precision, c.recall, c.f1, m.precision, m.recall, m.f1])
        total = sum(self.support)
        for name, c, m in (("micro", self.codebook_micro, self.classifier_micro), ("macro", self.codebook_macro, self.classifier_macro)):
            out.append([name, "", total, c.precision, c.recall, c.f1, m.precision, m.recall, m.f1])
        return out


def scores(truth, pred) -> tuple[list[Scores], Scores, Scores]:
    """Per-label, micro and macro precision/recall/F1 of boolean matrices (an empty
    label with no predictions counts as perfect)."""
    per = []
    tps = fps = fns = 0
    for j in range(truth.shape[1]):
        t, p = truth[:, j], pred[:, j]
        tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
        tps, fps, fns = tps + tp, fps + fp, fns + fn
        per.append(_prf(tp, fp, fn))
    micro = _prf(tps, fps, fns)
    n = len(per)
    macro = Scores(sum(s.precision for s in per) / n, sum(s.recall for s in per) / n, sum(s.f1 for s in per) / n)
    return per, micro, macro


def _prf(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return Scores(precision, recall, f1)


def _fold(items, truth, groups, train, test, label_ids):
    import numpy as np

    model = FocusModel(label_ids).fit([items[i] for i in train], truth[train], [groups[i] for i in train])
    proba = model.predict_proba([items[i] for i in test], [groups[i] for i in test])
    return proba, np.array([model.thresholds[label] for label in label_ids])


def _held_out(items, truth, groups, folds: list, label_ids):
    """Predictions for every fold's test part by a model trained on its training part
    (the folds on both cores: each is independent)."""
    import numpy as np
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=FOLD_JOBS)(delayed(_fold)(items, truth, groups, train, test, label_ids) for train, test in folds)
    predicted = np.zeros(truth.shape, dtype=bool)
    scored = np.zeros(truth.shape, dtype=float)
    for (_, test), (proba, limits) in zip(folds, results, strict=True):
        predicted[test] = proba >= limits
        scored[test] = proba
    return predicted, scored


def reliability(truth, scored, width: float = 0.1) -> list[tuple[str, int, float]]:
    """Of the (sentence, focus area) pairs scored in each band (0.0-0.1 ... 0.9-1.0), how many
    and which share carry the label: calibrated scores have shares near their band."""

    rows = []
    bands = int(round(1 / width))
    for k in range(bands):
        low, high = k * width, (k + 1) * width
        inside = (scored >= low) & ((scored < high) if k < bands - 1 else (scored <= high))
        n = int(inside.sum())
        rows.append((f"{number(low, 1)}-{number(high, 1)}", n, float(truth[inside].mean()) if n else 0.0))  # a label to read: "0,3-0,4"
    return rows


def _evaluation(book: cb.Codebook, items, truth, predicted, documents: list[str]) -> Evaluation:
    cb_per, cb_micro, cb_macro = scores(truth, codebook_predictions(items, book.ids))
    m_per, m_micro, m_macro = scores(truth, predicted)
    return Evaluation(
        labels=list(book.ids),
        names=[book.name(label) for label in book.ids],
        support=[int(x) for x in truth.sum(axis=0)],
        codebook=cb_per,
        classifier=m_per,
        codebook_micro=cb_micro,
        codebook_macro=cb_macro,
        classifier_micro=m_micro,
        classifier_macro=m_macro,
        n_sentences=len(items),
        documents=documents,
        predictions=[frozenset(lab for lab, on in zip(book.ids, row, strict=True) if on) for row in predicted],
    )


def evaluate(annotations: Path, book: cb.Codebook) -> Evaluation:
    """Cross-validation by seed document (figure 1), with the written set's cross-validation
    by genre (figure 2) in ``by_genre`` when there is a written set."""
    import numpy as np

    sentences, gold = load_training(annotations, book.ids)
    groups = [s.group for s in sentences]
    written = np.array([s.source == "written" for s in sentences])
    documents = sorted({g for g, w in zip(groups, written, strict=True) if not w})
    if len(documents) < 2:
        raise RunError(f"{annotations}: krydsvalidering pr. dokument kræver sætninger fra mindst to dokumenter")
    items = analyse([s.text for s in sentences], book)
    truth = np.array([[label in g for label in book.ids] for g in gold], dtype=bool)
    everything = np.arange(len(sentences))
    folds = [(everything[np.array(groups) != d], everything[np.array(groups) == d]) for d in documents]
    genres = sorted({s.genre for s in sentences if s.source == "written"})
    genre_of = np.array([s.genre if s.source == "written" else "" for s in sentences])
    folds += [(everything[genre_of != g], everything[genre_of == g]) for g in genres]
    predicted, scored = _held_out(items, truth, groups, folds, book.ids)
    seeds = np.flatnonzero(~written)
    result = _evaluation(book, [items[i] for i in seeds], truth[seeds], predicted[seeds], documents)
    if genres:
        rows = np.flatnonzero(written)
        by_genre = _evaluation(book, [items[i] for i in rows], truth[rows], predicted[rows], genres)
        result = Evaluation(**{**vars(result), "by_genre": by_genre})
    return Evaluation(**{**vars(result), "reliability": reliability(truth, scored)})


def evaluate_workspace(ws: Workspace, book: cb.Codebook) -> Evaluation:
    """``evaluate`` on the workspace's annotated set, recorded in its results folder with
    the model it measured, so that compare can show each focus area's F1 beside its share."""
    import datetime as dt
    import json

    result = evaluate(ws.annotations_dir, book)
    record = {
        "model": model_id(ws.annotations_dir, book),
        "measured": dt.date.today().isoformat(),
        "sentences": result.n_sentences,
        "documents": result.documents,
        "classifier": {label: vars(scores) for label, scores in zip(result.labels, result.classifier, strict=True)},
        "micro": vars(result.classifier_micro),
        "macro": vars(result.classifier_macro),
    }
    if result.by_genre is not None:
        record["by_genre"] = {"genres": result.by_genre.documents, "sentences": result.by_genre.n_sentences,
                              "micro": vars(result.by_genre.classifier_micro), "macro": vars(result.by_genre.classifier_macro)}
    atomic_write_text(ws.results_dir() / EVALUATION_FILE, json.dumps(record, ensure_ascii=False, indent=1))
    return result


def measured_f1(ws: Workspace, book: cb.Codebook) -> dict[str, float] | None:
    """Each focus area's F1 as the last ``evaluate`` measured it for the model in use; None
    when there is no record, it is unreadable, or it measured another model (annotations,
    codebook or pipeline changed since). Reads one small file: no spaCy, no scikit-learn."""
    import json

    try:
        record = json.loads((ws.results / EVALUATION_FILE).read_text(encoding="utf-8"))
        if record.get("model") != model_id(ws.annotations_dir, book):
            return None
        return {label: float(record["classifier"][label]["f1"]) for label in book.ids}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RunError):
        return None


DEVSET_FILE = "devset.json"  # in data/annotations: the last ../shared/devset/score, recorded by hand with its date


def devset_figure(annotations: Path) -> str:
    """The devset figure as last recorded (the score script runs the installed tool on
    documents kept outside the project; evaluate does not run it)."""
    import json

    try:
        record = json.loads((Path(annotations) / DEVSET_FILE).read_text(encoding="utf-8"))
        micro, macro = (number(float(record[k]), 3) for k in ("micro", "macro"))
        return (f"mikro-F1 {micro}, makro-F1 {macro} gennem classify på "
                f"{record['documents']} dokumenter (målt {record['measured']} med ../shared/devset/score)")
    except (OSError, ValueError, KeyError, TypeError):
        return "ikke registreret: kør ../shared/devset/score fra projektets rod"
