"""A learned topic scorer: the calibrated probability that a paper belongs to one topic.

Features: TF-IDF of word 1–2-grams over the title (counted twice), the abstract, the arXiv
categories (as `cat_cs_cl` tokens) and the topic's keywords found (as marker tokens);
character n-grams, class weights and isotonic calibration were measured too and did not help
(nested CV on the train split: bench/notes.md). A logistic regression, its C chosen by
stratified cross-validation (average precision of the out-of-fold scores), is the mean of its
fold models; a calibrator maps its score to a probability: Platt's sigmoid fitted on the
out-of-fold scores, isotonic from ISOTONIC_MIN examples on. A held-out paper is scored without
the terms no paper of its fold's training part has, as a new paper's unseen words are not in
the vocabulary: else the out-of-fold scores are milder than a new paper's and the top scores
over-confident. The nearest subtopic centroid picks a paper's subtopic.

The examples are the taxonomy's own words (`taxonomy_examples`, pseudo-documents that count
in training but never in the metrics), labelled papers and editors' decisions, which
enrichment.curation gathers and stores. Model-free: plain examples in, a plain object out.
"""

import hashlib
import pickle
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

from enrichment.backends.base import PaperSource
from enrichment.backends.keywords import terms_found
from enrichment.backends.taxonomy import TopicSpec

C_GRID = (0.3, 1.0, 3.0, 10.0)
FOLDS = 5
ISOTONIC_MIN = 1000
# Fewer measured examples of either class than this and no scorer is trained (keywords stay).
MIN_EXAMPLES_PER_CLASS = 8
EVIDENCE_TERMS = 5
CATEGORY_PREFIX = "cat_"
KEYWORD_IN_TITLE, KEYWORD_IN_ABSTRACT = "kw_in_title", "kw_in_abstract"


@dataclass(frozen=True)
class Example:
    """One training example. `measured`: a real paper (taxonomy pseudo-documents are not, and
    stay out of the calibration and the metrics). `subtopic`: of a paper in the topic."""

    source: PaperSource
    label: bool
    subtopic: str | None = None
    weight: float = 1.0
    measured: bool = True


@dataclass(frozen=True)
class Scored:
    confidence: float  # calibrated probability, 0–1
    subtopic: str | None  # slug
    evidence: tuple[str, ...]  # the paper's own words that weighed most for the topic


def taxonomy_examples(topic: TopicSpec) -> list[Example]:
    """What the topic says of itself, before any paper is labelled: its names (both languages),
    description and keywords as one positive pseudo-document, one per subtopic, and one
    negative pseudo-document per exclude keyword."""

    def doc(title: str, abstract: str) -> PaperSource:
        return PaperSource(arxiv_id="", title=title, abstract=abstract)

    topic_words = f"{topic.description} {topic.description_zh} {', '.join(topic.include_keywords)}"
    examples = [Example(doc(f"{topic.name_en} {topic.name_zh}", topic_words), True, measured=False)]
    for sub in topic.subtopics:
        words = f"{sub.description} {sub.description_zh} {', '.join(sub.keywords)} {topic.name_en}"
        title = f"{sub.name_en} {sub.name_zh}"
        examples.append(Example(doc(title, words), True, subtopic=sub.slug, measured=False))
    examples.extend(
        Example(doc(term, term), False, measured=False) for term in topic.exclude_keywords
    )
    return examples


def _words_text(source: PaperSource, keywords: tuple[str, ...]) -> str:
    """What the word vectorizer reads: title twice, abstract, categories as tokens, and one
    KEYWORD_IN_TITLE / KEYWORD_IN_ABSTRACT token per topic keyword found there (the taxonomy's
    keywords as a learned prior, not a rule)."""
    categories = " ".join(CATEGORY_PREFIX + c.replace(".", "_") for c in source.categories)
    found = [KEYWORD_IN_TITLE] * len(terms_found(keywords, source.title.lower()))
    found += [KEYWORD_IN_ABSTRACT] * len(terms_found(keywords, source.abstract.lower()))
    return f"{source.title}\n{source.title}\n{source.abstract}\n{categories} {' '.join(found)}"


class TopicScorer:
    """A trained scorer for one topic; `version` is set when it is stored."""

    def __init__(self, *, topic: TopicSpec, words, coef, intercept: float, calibrator, subtopics):
        self.topic = topic.slug
        self.keywords = topic.include_keywords  # as trained with
        self.version = 0
        self.words = words
        self.coef, self.intercept = coef, intercept
        self.calibrator = calibrator
        self.subtopics = subtopics  # a fitted classifier over slugs ("" for none), or None
        self.word_names = words.get_feature_names_out()

    def features(self, sources: list[PaperSource]) -> sparse.csr_matrix:
        return self.words.transform([_words_text(s, self.keywords) for s in sources])

    def _probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        decision = features @ self.coef + self.intercept
        return calibrate(self.calibrator, decision)

    def scores(self, sources: list[PaperSource]) -> np.ndarray:
        """Calibrated probabilities, one per source, in order."""
        return self._probabilities(self.features(sources)) if sources else np.zeros(0)

    def score(self, source: PaperSource) -> Scored:
        features = self.features([source])
        confidence = float(self._probabilities(features)[0])
        subtopic = None
        if self.subtopics is not None:
            subtopic = str(self.subtopics.predict(features)[0]) or None
        return Scored(round(confidence, 3), subtopic, self._evidence(features))

    def _evidence(self, features: sparse.csr_matrix) -> tuple[str, ...]:
        """The word n-grams of this paper that pushed its score up most; a word already inside
        a chosen phrase is not repeated."""
        row = features[0].tocoo()
        weights = row.data * self.coef[row.col]
        chosen: list[str] = []
        for index in row.col[np.argsort(-weights)]:
            term = str(self.word_names[index])
            if self.coef[index] <= 0 or len(chosen) == EVIDENCE_TERMS:
                break
            if _is_marker(term) or any(term in other for other in chosen):
                continue
            chosen = [other for other in chosen if other not in term] + [term]
        return tuple(chosen)


def _is_marker(term: str) -> bool:
    """A token this module added (category, keyword found), not the paper's own words."""
    return term.startswith((CATEGORY_PREFIX, "kw_in_")) or " kw_in_" in term or " cat_" in term


def calibrate(calibrator, decision: np.ndarray) -> np.ndarray:
    """Decision values → probabilities with a fitted Platt (1-D LogisticRegression) or
    IsotonicRegression calibrator."""
    if isinstance(calibrator, LogisticRegression):
        # predict_proba's own arithmetic, without its input checks (a paper is scored alone).
        return expit(np.asarray(decision) * calibrator.coef_[0, 0] + calibrator.intercept_[0])
    return calibrator.predict(np.asarray(decision))


def _calibrator_new(large: bool):
    return IsotonicRegression(out_of_bounds="clip") if large else LogisticRegression(C=1e4)


def _calibrator_input(large: bool, scores: np.ndarray) -> np.ndarray:
    return scores if large else scores.reshape(-1, 1)


@dataclass(frozen=True)
class Training:
    scorer: TopicScorer
    c: float  # the chosen inverse regularisation strength
    # Out-of-fold calibrated probabilities of the measured examples, with their labels: what
    # the reliability table and the default threshold are computed from.
    out_of_fold: list[tuple[float, bool]]


def scorer_train(*, topic: TopicSpec, examples: list[Example], seed: int = 0) -> Training:
    """Train a scorer on the taxonomy's pseudo-documents plus `examples`.

    Raises ValueError when the measured examples hold fewer than MIN_EXAMPLES_PER_CLASS of
    either class.
    """
    examples = [*taxonomy_examples(topic), *examples]
    y = np.array([e.label for e in examples], dtype=int)
    weight = np.array([e.weight for e in examples], dtype=float)
    measured = np.array([e.measured for e in examples])
    smallest = min(int(y[measured].sum()), int((1 - y[measured]).sum()))
    if smallest < MIN_EXAMPLES_PER_CLASS:
        raise ValueError(f"{topic.slug}: {smallest} measured examples of a class, too few")
    large = len(examples) >= ISOTONIC_MIN
    words = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=2 if large else 1, max_features=200_000
    )
    features = words.fit_transform(
        [_words_text(e.source, topic.include_keywords) for e in examples]
    )
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    best_c, best_ap, best = C_GRID[0], -1.0, None
    for c in C_GRID:
        fitted = _folds_fit(features, y, weight, c, folds)
        ap = average_precision_score(
            y[measured], fitted[0][measured], sample_weight=weight[measured]
        )
        if ap > best_ap:
            best_c, best_ap, best = c, ap, fitted
    # The scorer is the mean of the fold models: its scores are on the scale of the
    # out-of-fold scores the calibrator is fitted on.
    out_of_fold, coef, intercept = best
    # Calibration counts every real paper once: a borderline paper is as often right or
    # wrong as any other, whatever weight it had in training.
    scores, labels = out_of_fold[measured], y[measured]
    scores_weight = np.ones(len(scores))
    calibrator = _calibrator_new(large).fit(
        _calibrator_input(large, scores), labels, sample_weight=scores_weight
    )
    # The reported reliability is itself out of fold: calibrators fitted on the other folds.
    honest = np.zeros(len(scores))
    for fit_rows, held_rows in folds.split(scores.reshape(-1, 1), labels):
        fold_calibrator = _calibrator_new(large).fit(
            _calibrator_input(large, scores[fit_rows]),
            labels[fit_rows],
            sample_weight=scores_weight[fit_rows],
        )
        honest[held_rows] = calibrate(fold_calibrator, scores[held_rows])
    scorer = TopicScorer(
        topic=topic,
        words=words,
        coef=coef,
        intercept=intercept,
        calibrator=calibrator,
        subtopics=_subtopic_model(examples, features),
    )
    verdicts = [(float(p), bool(label)) for p, label in zip(honest, labels, strict=True)]
    return Training(scorer=scorer, c=best_c, out_of_fold=verdicts)


def _folds_fit(features, y, weight, c: float, folds) -> tuple[np.ndarray, np.ndarray, float]:
    """One logistic regression per fold: their out-of-fold decision values, and their mean
    coefficients and intercept."""
    decision = np.zeros(len(y))
    coefs, intercepts = [], []
    for fit_rows, held_rows in folds.split(features, y):
        model = LogisticRegression(C=c, solver="liblinear", dual=True).fit(
            features[fit_rows], y[fit_rows], sample_weight=weight[fit_rows]
        )
        decision[held_rows] = model.decision_function(
            _unseen_dropped(features, fit_rows, held_rows)
        )
        coefs.append(model.coef_.ravel())
        intercepts.append(float(model.intercept_[0]))
    return decision, np.mean(coefs, axis=0), float(np.mean(intercepts))


def _unseen_dropped(features: sparse.csr_matrix, fit_rows, held_rows) -> sparse.csr_matrix:
    """The held-out rows as a vectorizer fitted on the fit rows alone would see them: terms
    no fit row has are dropped, and the rows made unit length again."""
    seen = np.asarray((features[fit_rows] != 0).sum(axis=0)).ravel() > 0
    return normalize(features[held_rows] @ sparse.diags(seen.astype(float)))


def _subtopic_model(examples: list[Example], features: sparse.csr_matrix):
    """The nearest subtopic centroid (of TF-IDF vectors, unit length: so by cosine) among the
    slugs of the topic's positive examples ("" for papers in the topic but in no subtopic);
    None with fewer than two slugs to choose from."""
    rows = [
        i
        for i, e in enumerate(examples)
        if e.label and (e.subtopic or (e.measured and e.subtopic is None))
    ]
    slugs = [examples[i].subtopic or "" for i in rows]
    if len(set(slugs)) < 2:
        return None
    return SubtopicCentroids(features[rows], slugs)


class SubtopicCentroids:
    """Unit-length mean TF-IDF vector per subtopic slug; a paper takes the nearest by cosine."""

    def __init__(self, features: sparse.csr_matrix, slugs: list[str]):
        self.slugs = sorted(set(slugs))
        rows = np.array(slugs)
        means = np.vstack(
            [np.asarray(features[rows == slug].mean(axis=0)).ravel() for slug in self.slugs]
        )
        self.centroids = means / np.linalg.norm(means, axis=1, keepdims=True).clip(1e-12)

    def predict(self, features: sparse.csr_matrix) -> np.ndarray:
        return np.array(self.slugs)[np.asarray(features @ self.centroids.T).argmax(axis=1)]


def scorer_dumps(scorer: TopicScorer) -> tuple[bytes, str]:
    """The scorer as bytes, with their SHA-256 (hex) to check before loading them again."""
    data = pickle.dumps(scorer, protocol=pickle.HIGHEST_PROTOCOL)
    return data, hashlib.sha256(data).hexdigest()


def scorer_loads(data: bytes, digest: str) -> TopicScorer:
    """A scorer from `scorer_dumps` bytes. Only ever called on bytes this project stored
    itself; ValueError when they do not match the digest stored beside them."""
    if hashlib.sha256(data).hexdigest() != digest:
        raise ValueError("scorer bytes do not match their digest")
    return pickle.loads(data)  # noqa: S301 - our own model, checked against its digest
