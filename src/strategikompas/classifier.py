"""The trained focus-area classifier.

Each sentence is analysed once (spaCy tokens and lemmas, the codebook's matches). The model
is one logistic regression per label (one-vs-rest) over three blocks of features:

- TF-IDF over lemma unigrams and bigrams (inflection folded away),
- TF-IDF over character 3-5-grams inside words (Danish compounds: "informationssikkerhed"
  shares n-grams with "sikkerhed"),
- the codebook's matches per label (a prior the analysts can read and edit).

Each label's decision threshold is chosen by F1 on out-of-fold predictions *within the
training data* (grouped by document), never on the data it is evaluated on.

Each label's score blends the regression's probability with the codebook's verdict as a
prior (``PRIOR_WEIGHT``).

A second stage reads the sentence's context in its document: per label, a small logistic
regression over the first stage's scores of the sentence itself (all labels), the mean of
the other sentences of its document and the mean of its neighbours (``CONTEXT_WINDOW``
sentences either side). A line of a security policy that names no threat ("Integritet: at
information er korrekt") then reads as security, a help-page step among help-page steps as
the instruction it is. The second stage is fitted on the first stage's out-of-fold scores,
so it learns how far the first stage is to be trusted on text it has not seen, and its
output is the calibrated score (``platt`` calibrates the first stage).

The model is built from the annotated set (``data/annotations/``) and identified by a hash
of that set, the codebook, the pipeline, scikit-learn's version and ``MODEL_VERSION``;
``load_or_train`` rebuilds it when any of them changes and says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import codebook as cb
from .annotations import annotation_files, load_training
from .errors import RunError, os_problem
from .fileio import atomic_write_bytes
from .nlp import pipeline, pipeline_id
from .revisions import MODEL_VERSION

# Inverse regularisation of each label's logistic regression, chosen by the two held-out
# figures of ``evaluate`` (seeds by document / written set by genre, micro-F1): C=0.5
# 0.765 / 0.757, C=1 0.767 / 0.769, C=2 0.769 / 0.777, C=4 0.760 / 0.782.
C = 2.0
CODEBOOK_WEIGHT = 1.5  # scale of the codebook block against the TF-IDF blocks
# A label's score is PRIOR_WEIGHT * (1 if the codebook found the label else 0)
# + (1 - PRIOR_WEIGHT) * the logistic regression's probability. Trained on the seeds alone
# the regression generalised worse than the codebook, and 0.5 kept the codebook's
# decisions. With the written set in training (then 4,609 sentences in eight genres), chosen by
# the two held-out figures of ``evaluate`` (seeds by document, written set by genre):
# 0.5 gave 0.763 / 0.749 micro-F1, 0.25 gave 0.765 / 0.750, 0.0 gave 0.762 / 0.768. So the
# codebook is a feature block only (CODEBOOK_WEIGHT), not a prior.
PRIOR_WEIGHT = 0.0
# A label's positive sentences weigh (negatives / positives) ** POSITIVE_WEIGHT_POWER against
# its negatives, which weigh 1 (0: no weighting; scikit-learn's "balanced", the model before,
# gives the same ratio with power 1 but scales both so they sum to n). The written set gives each
# label a larger share than real documents do, and full balancing favoured recall over
# precision. Chosen by the two held-out figures of ``evaluate`` (seeds by document / written
# set by genre, micro-F1), one run: "balanced" gave 0.772 / 0.780, 0.75 0.773 / 0.786, 0.5
# 0.773 / 0.787, 0.25 0.771 / 0.784, 0 0.723 / 0.718.
POSITIVE_WEIGHT_POWER = 0.5
THRESHOLDS = tuple(x / 20 for x in range(2, 19))  # 0.10 .. 0.90
INNER_FOLDS = 3
# The second stage's neighbours: this many sentences either side in the document. Chosen by
# the two held-out figures of ``evaluate`` (seeds by document / written set by genre,
# micro-F1), one run each: no second stage 0.776 / 0.788; the sentence, its document and
# neighbours within 1: 0.775 / 0.808, within 2: 0.774 / 0.804, within 4: 0.777 / 0.803; the
# sentence and its document only 0.769 / 0.795; the sentence and neighbours within 2 only
# 0.775 / 0.805.
CONTEXT_WINDOW = 1
CONTEXT_C = 1.0  # inverse regularisation of the second stage's regressions
CONTEXT_FOLDS = 5  # grouped folds for the second stage's out-of-fold scores (its thresholds)


@dataclass(frozen=True)
class Analysed:
    """One sentence as the classifier sees it."""

    text: str
    lemmas: str  # lower-cased lemmas joined by spaces
    terms: dict[str, list[str]] = field(default_factory=dict)  # codebook label -> matched words


def analyse_tokens(tokens, book: cb.Codebook) -> Analysed | None:
    """A spaCy span's tokens -> Analysed (None when it has no words)."""
    tokens = [t for t in tokens if not (t.is_punct or t.is_space)]
    if not tokens:
        return None
    words = [t.lower_ for t in tokens]
    lemmas = [t.lemma_.lower() or t.lower_ for t in tokens]
    return Analysed(" ".join(t.text for t in tokens), " ".join(lemmas), cb.match(book, words, lemmas))


def analyse(texts: Sequence[str], book: cb.Codebook) -> list[Analysed]:
    """Analyse whole texts (each one treated as one sentence, as in the annotated set)."""
    nlp, _ = pipeline()
    out = []
    for text, doc in zip(texts, nlp.pipe(texts), strict=True):
        item = analyse_tokens(doc, book)
        out.append(item if item is not None else Analysed(text, "", {}))
    return out


def codebook_predictions(items: Sequence[Analysed], label_ids: Sequence[str]):
    """The codebook alone: a label when any of its terms matched."""
    import numpy as np

    return np.array([[label in item.terms for label in label_ids] for item in items], dtype=bool)


class FocusModel:
    """One-vs-rest logistic regression with per-label thresholds, saved as arrays (``to_bytes``)."""

    def __init__(self, label_ids: Sequence[str], c: float = C, codebook_weight: float = CODEBOOK_WEIGHT, prior_weight: float = PRIOR_WEIGHT):
        import numpy as np

        self.label_ids = list(label_ids)
        self.c = c
        self.codebook_weight = codebook_weight
        self.prior_weight = prior_weight
        self.thresholds: dict[str, float] = {}
        # Platt scaling per label, fitted on out-of-fold scores: calibrated = sigmoid(a * logit(raw) + b)
        self.cal_a = np.ones(len(self.label_ids))
        self.cal_b = np.zeros(len(self.label_ids))
        # The second stage (``context_features``): per label, weights over the sentence's, its
        # document's and its neighbours' first-stage scores. Zero weights with no second stage.
        self.context_coef = np.zeros((len(self.label_ids), 3 * len(self.label_ids)))
        self.context_intercept = np.zeros(len(self.label_ids))
        self.has_context = False

    # -- features -----------------------------------------------------------------
    def _codebook_block(self, items: Sequence[Analysed]):
        import numpy as np
        from scipy import sparse

        dense = np.array(
            [[min(len(item.terms.get(label, [])), 2) / 2 for label in self.label_ids] for item in items],
            dtype=float,
        )
        return sparse.csr_matrix(dense * self.codebook_weight)

    def _fit_features(self, items: Sequence[Analysed]):
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.word_vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w+\b")
        self.char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, lowercase=True)
        return sparse.hstack(
            [
                self.word_vec.fit_transform([i.lemmas for i in items]),
                self.char_vec.fit_transform([i.text for i in items]),
                self._codebook_block(items),
            ]
        ).tocsr()

    def _features(self, items: Sequence[Analysed]):
        from scipy import sparse

        return sparse.hstack(
            [
                self.word_vec.transform([i.lemmas for i in items]),
                self.char_vec.transform([i.text for i in items]),
                self._codebook_block(items),
            ]
        ).tocsr()

    # -- training -----------------------------------------------------------------
    def _fit_estimators(self, items: Sequence[Analysed], y) -> None:
        """One logistic regression per label, kept as its weights only (``coef``,
        ``intercept``; ``constant`` for a label that is always or never given): plain
        arrays, saved without pickle."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        x = self._fit_features(items)
        self.coef = np.zeros((len(self.label_ids), x.shape[1]), dtype=np.float32)
        self.intercept = np.zeros(len(self.label_ids), dtype=np.float64)
        self.constant = np.full(len(self.label_ids), np.nan)
        for j in range(len(self.label_ids)):
            column = y[:, j]
            if column.all() or not column.any():
                self.constant[j] = float(column[0]) if len(column) else 0.0
                continue
            weight = (len(column) / column.sum() - 1) ** POSITIVE_WEIGHT_POWER  # (negatives / positives) ** power
            est = LogisticRegression(C=self.c, class_weight={True: weight, False: 1.0}, solver="liblinear", max_iter=1000)
            est.fit(x, column)
            self.coef[j] = est.coef_[0]
            self.intercept[j] = est.intercept_[0]

    def fit(self, items: Sequence[Analysed], y, groups: Sequence[str]) -> FocusModel:
        """Fit on ``items`` (in document order) with boolean label matrix ``y``; ``groups``
        names each item's document. The first stage's calibration and the second stage are
        fitted on out-of-fold scores of grouped inner folds, the thresholds on the second
        stage's own out-of-fold scores: no regression is scored on the sentences it was
        fitted on (the calibration's two numbers per label are fitted on the same
        out-of-fold scores that then choose the thresholds)."""
        import numpy as np

        y = np.asarray(y, dtype=bool)
        self.thresholds = {label: 0.5 for label in self.label_ids}
        self.context_coef = np.zeros((len(self.label_ids), 3 * len(self.label_ids)))
        self.context_intercept = np.zeros(len(self.label_ids))
        self.has_context = False
        distinct = sorted(set(groups))
        if len(distinct) >= 2:
            from sklearn.model_selection import GroupKFold

            oof = np.zeros(y.shape, dtype=float)
            splitter = GroupKFold(n_splits=min(INNER_FOLDS, len(distinct)))
            for train, test in splitter.split(items, y, groups):
                inner = type(self)(self.label_ids, self.c, self.codebook_weight, self.prior_weight)
                inner._fit_estimators([items[i] for i in train], y[train])
                oof[test] = inner._first_stage([items[i] for i in test])
            self.cal_a, self.cal_b = platt(oof, y)
            scored = self._fit_context(context_features(self._calibrate(oof), groups), y, groups)
            for j, label in enumerate(self.label_ids):
                self.thresholds[label] = best_threshold(y[:, j], scored[:, j])
        self._fit_estimators(items, y)
        return self

    def _fit_context(self, x, y, groups):
        """The second stage's regressions on the context features ``x``; returns their
        out-of-fold scores (grouped by document) for choosing the thresholds."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold

        scored = np.zeros(y.shape, dtype=float)
        folds = list(GroupKFold(n_splits=min(CONTEXT_FOLDS, len(set(groups)))).split(x, y, groups))
        for j in range(len(self.label_ids)):
            column = y[:, j]
            if column.all() or not column.any():
                scored[:, j] = float(column[0]) if len(column) else 0.0
                self.context_intercept[j] = 50.0 if len(column) and column[0] else -50.0
                continue
            for train, test in folds:
                if column[train].all() or not column[train].any():
                    scored[test, j] = float(column[train][0])
                    continue
                est = LogisticRegression(C=CONTEXT_C, max_iter=1000).fit(x[train], column[train])
                scored[test, j] = est.predict_proba(x[test])[:, 1]
            est = LogisticRegression(C=CONTEXT_C, max_iter=1000).fit(x, column)
            self.context_coef[j], self.context_intercept[j] = est.coef_[0], est.intercept_[0]
        self.has_context = True
        return scored

    def _calibrate(self, raw):
        import numpy as np

        p = np.clip(raw, 1e-6, 1 - 1e-6)
        return 1.0 / (1.0 + np.exp(-(self.cal_a * np.log(p / (1 - p)) + self.cal_b)))

    # -- prediction ---------------------------------------------------------------
    def _first_stage(self, items: Sequence[Analysed]):
        """Each sentence on its own: the regressions' scores, blended with the codebook's
        prior and calibrated."""
        import numpy as np

        if not items:
            return np.zeros((0, len(self.label_ids)))
        x = self._features(items)
        logits = np.asarray(x @ self.coef.T.astype(np.float64)) + self.intercept
        proba = 1.0 / (1.0 + np.exp(-logits))
        fixed = ~np.isnan(self.constant)
        proba[:, fixed] = self.constant[fixed]
        prior = codebook_predictions(items, self.label_ids).astype(float)
        return self._calibrate(self.prior_weight * prior + (1 - self.prior_weight) * proba)

    def predict_proba(self, items: Sequence[Analysed], documents: Sequence[str] | None = None):
        """Each label's calibrated score per sentence. ``items`` are in document order;
        ``documents`` names each one's document (None: they are all one document)."""
        import numpy as np

        if documents is not None and len(documents) != len(items):
            raise ValueError(f"{len(items)} sentences but {len(documents)} document names")
        first = self._first_stage(items)
        if not self.has_context or not len(first):
            return first
        x = context_features(first, documents if documents is not None else [""] * len(first))
        return 1.0 / (1.0 + np.exp(-(x @ self.context_coef.T + self.context_intercept)))

    def predict(self, items: Sequence[Analysed], documents: Sequence[str] | None = None):
        import numpy as np

        proba = self.predict_proba(items, documents)
        limits = np.array([self.thresholds[label] for label in self.label_ids])
        return proba >= limits


    # -- the saved form: arrays and JSON, never pickle ------------------------------
    _VECTORIZER_PARAMS = ("analyzer", "ngram_range", "sublinear_tf", "min_df", "lowercase", "token_pattern")

    def to_bytes(self, meta: dict) -> bytes:
        """The model as one .npz file: weights and IDF as arrays, settings and
        vocabularies as JSON text. Loading it runs no code (``from_bytes``)."""
        import io
        import json

        import numpy as np

        config = {
            **meta,
            "label_ids": self.label_ids, "c": self.c, "codebook_weight": self.codebook_weight,
            "prior_weight": self.prior_weight, "thresholds": self.thresholds,
            "word_vec": self._vectorizer_config(self.word_vec), "char_vec": self._vectorizer_config(self.char_vec),
        }
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, config=np.array(json.dumps(config, ensure_ascii=False)), coef=self.coef, intercept=self.intercept,
            constant=self.constant, word_idf=self.word_vec.idf_, char_idf=self.char_vec.idf_, cal_a=self.cal_a, cal_b=self.cal_b,
            context_coef=self.context_coef, context_intercept=self.context_intercept, has_context=np.array(self.has_context),
        )
        return buffer.getvalue()

    def _vectorizer_config(self, vec) -> dict:
        params = {k: v for k, v in vec.get_params().items() if k in self._VECTORIZER_PARAMS}
        vocabulary = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        return {"params": params, "vocabulary": vocabulary}

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[FocusModel, dict]:
        """The model and its metadata from ``to_bytes``' file; raises ValueError (or
        KeyError) on anything else. ``allow_pickle=False``: a planted file cannot run code."""
        import io
        import json

        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            config = json.loads(str(arrays["config"]))
            model = cls(config["label_ids"], config["c"], config["codebook_weight"], config["prior_weight"])
            model.thresholds = {str(k): float(v) for k, v in config["thresholds"].items()}
            model.coef, model.intercept, model.constant = arrays["coef"], arrays["intercept"], arrays["constant"]
            model.cal_a, model.cal_b = arrays["cal_a"], arrays["cal_b"]
            model.context_coef, model.context_intercept = arrays["context_coef"], arrays["context_intercept"]
            model.has_context = bool(arrays["has_context"])
            vectorizers = []
            for name, idf in (("word_vec", arrays["word_idf"]), ("char_vec", arrays["char_idf"])):
                spec = config[name]
                params = {**spec["params"], "ngram_range": tuple(spec["params"]["ngram_range"])}
                vec = TfidfVectorizer(**params, vocabulary={term: i for i, term in enumerate(spec["vocabulary"])})
                vec.idf_ = idf
                vectorizers.append(vec)
        model.word_vec, model.char_vec = vectorizers
        if model.coef.shape != (len(model.label_ids), len(model.word_vec.vocabulary) + len(model.char_vec.vocabulary) + len(model.label_ids)):
            raise ValueError("the weights do not fit the vocabularies")
        if model.context_coef.shape != (len(model.label_ids), 3 * len(model.label_ids)) or model.context_intercept.shape != (len(model.label_ids),):
            raise ValueError("the second stage's weights do not fit the labels")
        return model, config


def context_features(scores, documents: Sequence[str]):
    """The second stage's input per sentence: the first stage's ``scores`` of the sentence as
    logits, then as probabilities the mean of the other sentences of its document and the mean
    of its neighbours within ``CONTEXT_WINDOW`` in that document (a document of one sentence:
    the sentence's own probabilities stand in for both)."""
    import numpy as np

    p = np.clip(scores, 1e-4, 1 - 1e-4)
    own = np.log(p / (1 - p))
    document = np.array(scores, dtype=float, copy=True)
    near = np.array(scores, dtype=float, copy=True)
    names = np.asarray(documents)
    for name in dict.fromkeys(names.tolist()):
        rows = np.flatnonzero(names == name)
        block = scores[rows]
        k = len(rows)
        if k < 2:
            continue
        document[rows] = (block.sum(axis=0) - block) / (k - 1)
        for pos in range(k):
            lo, hi = max(0, pos - CONTEXT_WINDOW), min(k, pos + CONTEXT_WINDOW + 1)
            near[rows[pos]] = (block[lo:hi].sum(axis=0) - block[pos]) / (hi - lo - 1)
    return np.hstack([own, document, near])


def platt(raw, y):
    """Per label, the a and b of sigmoid(a * logit(raw) + b) that fit the out-of-fold
    scores ``raw`` to the truth ``y`` (a label with one class keeps the identity)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    a, b = np.ones(raw.shape[1]), np.zeros(raw.shape[1])
    p = np.clip(raw, 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p))
    for j in range(raw.shape[1]):
        if y[:, j].all() or not y[:, j].any():
            continue
        fit = LogisticRegression(C=1e4, solver="lbfgs").fit(logit[:, j : j + 1], y[:, j])
        a[j], b[j] = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    return a, b


def best_threshold(truth, proba) -> float:
    """The threshold with the best F1 on these out-of-fold scores (ties: nearest 0.5)."""
    best, best_f1 = 0.5, -1.0
    for t in sorted(THRESHOLDS, key=lambda t: abs(t - 0.5)):
        pred = proba >= t
        tp = int((pred & truth).sum())
        denom = int(pred.sum()) + int(truth.sum())
        f1 = 2 * tp / denom if denom else 1.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = t, f1
    return best


# -- the versioned model on disk ---------------------------------------------------------


def _sklearn_version() -> str:
    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "?"


MODEL_PREFIX = "fokusmodel-"
MODEL_SUFFIX = ".npz"  # arrays and JSON (numpy, allow_pickle=False): loading a model runs no code


def model_id(annotations: Path, book: cb.Codebook) -> str:
    """Identifies the model the current annotated set, codebook and pipeline would give.

    Computed without importing scikit-learn or spaCy, so it can go into fingerprints."""
    digest = hashlib.sha256()
    for path in annotation_files(annotations):
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            raise RunError(f"{path}: kan ikke læse det annoterede sæt ({os_problem(exc)})") from exc
    digest.update(f"|{book.version}|{pipeline_id()}|sklearn {_sklearn_version()}|m{MODEL_VERSION}".encode())
    return f"m{MODEL_VERSION}-{digest.hexdigest()[:12]}"


@dataclass
class TrainedModel:
    id: str
    model: FocusModel
    n_sentences: int
    path: Path


def train(annotations: Path, book: cb.Codebook) -> tuple[FocusModel, int]:
    """Train on the whole annotated set."""
    import numpy as np

    sentences, gold = load_training(annotations, book.ids)
    items = analyse([s.text for s in sentences], book)
    y = np.array([[label in g for label in book.ids] for g in gold], dtype=bool)
    return FocusModel(book.ids).fit(items, y, [s.group for s in sentences]), len(sentences)


def load_or_train(
    annotations: Path, book: cb.Codebook, models_dir: Path, announce: Callable[[str], None] | None = None, force: bool = False
) -> TrainedModel:
    """The current model from ``models_dir``; trained (and saved atomically) when it is
    missing, stale (another id) or unreadable, which ``announce`` is told about."""
    mid = model_id(annotations, book)
    path = Path(models_dir) / f"{MODEL_PREFIX}{mid}{MODEL_SUFFIX}"
    if path.is_file() and not force:
        try:
            model, meta = FocusModel.from_bytes(path.read_bytes())
            if meta.get("id") == mid:
                return TrainedModel(mid, model, int(meta["n_sentences"]), path)
            reason = "den passer ikke"
        except Exception as exc:  # a damaged file is rebuilt, never used
            reason = f"den kan ikke læses ({type(exc).__name__})"
        if announce:
            announce(f"Modelfilen {path} kan ikke bruges ({reason}); træner den igen.")
    elif announce:
        announce(f"Træner klassifikatoren fra {annotations} (model {mid}) ...")
    model, n = train(annotations, book)
    Path(models_dir).mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, model.to_bytes({"id": mid, "n_sentences": n}))
    for old in Path(models_dir).glob(f"{MODEL_PREFIX}*"):
        if old != path:
            old.unlink(missing_ok=True)
    return TrainedModel(mid, model, n, path)
