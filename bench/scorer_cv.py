"""Nested cross-validation of the topic scorers on the labels' train split only: the evidence
every modelling choice of enrichment/backends/scorer.py is decided by (the eval split is never
read here).

    python -m bench.scorer_cv [--repeats 3] [TOPIC ...]

For each labelled topic the train split is cut into FOLDS stratified outer folds (`repeats`
times, other shuffles); `scorer_train` (which chooses C by its own inner CV) learns on four,
and the fifth is scored through the offline backend's own path (category and exclude rules),
as `curation_eval` scores the eval split. Printed per topic, over the pooled outer-fold
scores: average precision, Brier score, log loss, F1 at 0.5 on clear cases, the hits scored
≥ 0.8 (precision, recall) and the calibration bands (gap of a band counted when it holds ≥ 20
hits per repeat, as acceptance 3 counts them on the eval split).
"""

import argparse
from dataclasses import dataclass, replace

import numpy as np

FOLDS = 5
BAND_MIN_HITS = 20


@dataclass(frozen=True)
class Pooled:
    """Outer-fold scores of one topic's train labels, pooled over the repeats."""

    topic: str
    repeats: int
    scores: np.ndarray
    truth: np.ndarray
    clear: np.ndarray


def topic_cross_validate(*, topic, labels, repeats: int) -> Pooled:
    """`labels`: the topic's train-split labels."""
    from sklearn.model_selection import StratifiedKFold

    from enrichment.backends.offline import OfflineBackend
    from enrichment.backends.scorer import scorer_train
    from enrichment.backends.taxonomy import Taxonomy
    from enrichment.curation.labels import EVAL
    from enrichment.curation.services import scorer_examples

    truth = np.array([label.label for label in labels])
    scores, truths, clear = [], [], []
    for repeat in range(repeats):
        outer = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=100 + repeat)
        for fit_rows, held_rows in outer.split(np.zeros(len(labels)), truth):
            fit = [labels[i] for i in fit_rows]
            examples, _ = scorer_examples(topic=topic.slug, labels=fit, decisions=[])
            scorer = scorer_train(topic=topic, examples=examples).scorer
            backend = OfflineBackend(
                taxonomy=Taxonomy(topics=(topic,)), scorers={topic.slug: scorer}
            )
            for i in held_rows:
                held = replace(labels[i], split=EVAL)
                scored = backend.topic_score(topic, held.source)
                scores.append(scored.confidence if scored else 0.0)
                truths.append(held.label)
                clear.append(not held.borderline)
    return Pooled(topic.slug, repeats, np.array(scores), np.array(truths), np.array(clear))


def pooled_format(pooled: Pooled) -> str:
    from sklearn.metrics import average_precision_score, brier_score_loss, log_loss

    from enrichment.backends.reliability import bands_tally
    from enrichment.curation.evaluation import HIGH, HIT, counts

    s, y, clear = pooled.scores, pooled.truth, pooled.clear
    f1 = counts(list(zip(s[clear] >= HIT, y[clear], strict=True))).f1
    high = counts(list(zip(s >= HIGH, y, strict=True)))
    bands = bands_tally(zip(s, y, strict=True))
    counted = [b for b in bands if b.hits >= BAND_MIN_HITS * pooled.repeats]
    lines = [
        f"{pooled.topic}: {len(s) // pooled.repeats} train labels, {pooled.repeats} × {FOLDS} "
        f"outer folds; AP {average_precision_score(y, s):.3f}  Brier "
        f"{brier_score_loss(y, s):.4f}  log loss {log_loss(y, np.clip(s, 1e-4, 1 - 1e-4)):.3f}  "
        f"F1 clear {f1:.3f}  ≥ {HIGH}: {high.said_yes / pooled.repeats:.0f} hits P "
        f"{high.precision:.3f} R {high.recall:.3f}  max gap "
        f"{max((b.gap for b in counted), default=0.0):.3f}",
        "  bands (hits per repeat, mean score, share yes): "
        + "  ".join(
            f"{b.low:.1f}: {b.hits / pooled.repeats:.0f} {b.mean_score:.3f}/{b.right_rate:.3f}"
            for b in bands
            if b.hits
        ),
    ]
    return "\n".join(lines)


def run(repeats: int, slugs: list[str]) -> list[Pooled]:
    """Every labelled topic (or `slugs`) whose train split leaves each outer fold's training
    part enough examples of both classes to train a scorer."""
    from enrichment.backends.scorer import MIN_EXAMPLES_PER_CLASS
    from enrichment.curation.labels import TRAIN, labels_read
    from enrichment.selectors import taxonomy_snapshot

    taxonomy = taxonomy_snapshot()
    labels = [label for label in labels_read() if label.split == TRAIN]
    pooled = []
    for slug in slugs or sorted({label.topic for label in labels}):
        mine = [label for label in labels if label.topic == slug]
        smallest = min(sum(la.label for la in mine), sum(not la.label for la in mine))
        if smallest * (FOLDS - 1) < MIN_EXAMPLES_PER_CLASS * FOLDS:
            print(f"{slug}: {smallest} train labels of a class, too few to cross-validate")
            continue
        pooled.append(
            topic_cross_validate(topic=taxonomy.topic(slug), labels=mine, repeats=repeats)
        )
    return pooled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("topics", nargs="*", help="topic slugs (default: every labelled one)")
    args = parser.parse_args()
    from bench.common import django_setup

    django_setup()
    for pooled in run(args.repeats, args.topics):
        print(pooled_format(pooled))


if __name__ == "__main__":
    main()
