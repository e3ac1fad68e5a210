"""Training topic scorers: from the labelled papers kept in the repository and every accept and
reject editors make, versioned, and applied to the hits still waiting for review.

A topic gets a scorer once its examples hold MIN_EXAMPLES_PER_CLASS real papers of each class;
until then the offline backend scores it by keywords.
"""

import hashlib
import json
import logging
import time

import sklearn
from django.db import transaction

from enrichment.backends.reliability import Band, bands_tally, threshold_from_bands
from enrichment.backends.scorer import Example, TopicScorer, scorer_dumps, scorer_train
from enrichment.backends.taxonomy import TopicSpec
from enrichment.curation.labels import TRAIN, Label, labels_read
from enrichment.curation.selectors import (
    Decision,
    decisions_list,
    paper_sources_by_id,
    topic_reliability,
)
from enrichment.selectors import taxonomy_snapshot
from papers.models import ScorerModel, TopicHit
from topics.models import Topic

log = logging.getLogger(__name__)

# Editors' decisions are what the product is judged by, and newer than the kept labels.
DECISION_WEIGHT = 2.0
BORDERLINE_WEIGHT = 0.5
KEEP_VERSIONS = 10
DEFAULT_THRESHOLD = Topic._meta.get_field("confidence_threshold").default


def scorer_examples(
    *, topic: str, labels: list[Label], decisions: list[Decision]
) -> tuple[list[Example], dict[str, int]]:
    """The training examples of topic `topic` (slug): the kept labels of the train split
    (borderline ones at half weight), then editors' decisions, which replace a label of the
    same paper. Returns them with counts {"labelled", "accepted", "rejected"}."""
    examples: dict[str, Example] = {}
    for label in labels:
        if label.topic == topic and label.split == TRAIN:
            weight = BORDERLINE_WEIGHT if label.borderline else 1.0
            examples[label.source.arxiv_id] = Example(
                label.source, label.label, label.subtopic, weight
            )
    for decision in decisions:
        examples[decision.source.arxiv_id] = Example(
            decision.source, decision.accepted, decision.subtopic, DECISION_WEIGHT
        )
    counts = {
        "labelled": len(examples) - len(decisions),
        "accepted": sum(d.accepted for d in decisions),
        "rejected": sum(not d.accepted for d in decisions),
    }
    return list(examples.values()), counts


def _digest(topic: TopicSpec, examples: list[Example]) -> str:
    payload = [topic.slug, repr(topic)] + [
        [e.source.arxiv_id, e.source.title, e.source.abstract, e.label, e.subtopic, e.weight]
        for e in examples
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _metrics(verdicts: list[tuple[float, bool]], bands: list[Band]) -> dict:
    """Precision, recall and F1 at 0.5 and the bands, of out-of-fold verdicts."""
    yes = sum(1 for p, ok in verdicts if p >= 0.5 and ok)
    said = sum(1 for p, _ in verdicts if p >= 0.5)
    true = sum(1 for _, ok in verdicts if ok)
    precision = yes / said if said else 0.0
    recall = yes / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "bands": [[b.low, b.high, b.hits, b.right, round(b.score_sum, 3)] for b in bands],
    }


def scorer_train_topic(*, topic: Topic, force: bool = False) -> ScorerModel | None:
    """Train and store the next version of `topic`'s scorer; None when its examples are too few
    or unchanged since the newest version (unless `force`).

    The topic's bulk-accept threshold follows the reliability table (editors' decisions once
    they suffice, else the out-of-fold verdicts) while nobody has set it by hand: while it is
    the field's default or the previous version's suggestion.
    """
    spec = taxonomy_snapshot().topic(topic.slug)
    if spec is None:
        return None
    examples, counts = scorer_examples(
        topic=topic.slug, labels=labels_read(), decisions=decisions_list(topic=topic)
    )
    digest = _digest(spec, examples)
    previous = ScorerModel.objects.filter(topic=topic).order_by("-version").first()
    if previous and previous.data_digest == digest and not force:
        return None
    started = time.perf_counter()
    try:
        training = scorer_train(topic=spec, examples=examples)
    except ValueError as exc:
        log.info("no scorer for %s: %s", topic.slug, exc)
        return None
    bands = bands_tally(training.out_of_fold)
    threshold = threshold_from_bands(topic_reliability(topic=topic)) or threshold_from_bands(bands)
    metrics = {
        **_metrics(training.out_of_fold, bands),
        "c": training.c,
        "seconds": round(time.perf_counter() - started, 1),
    }
    record = {"data_digest": digest, "metrics": metrics, "threshold": threshold, **counts}
    return _scorer_store(topic=topic, scorer=training.scorer, record=record)


@transaction.atomic
def _scorer_store(*, topic: Topic, scorer: TopicScorer, record: dict) -> ScorerModel:
    """The next version with `record` (ScorerModel fields: counts, data digest, metrics,
    threshold), stored under a lock on the topic (so two retrains never race for a version
    number); the oldest beyond KEEP_VERSIONS are dropped (hits keep the number)."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    previous = ScorerModel.objects.filter(topic=topic).order_by("-version").first()
    scorer.version = previous.version + 1 if previous else 1
    data, data_hash = scorer_dumps(scorer)
    row = ScorerModel.objects.create(
        topic=topic,
        version=scorer.version,
        estimator=data,
        digest=data_hash,
        library=sklearn.__version__,
        **record,
    )
    stale = ScorerModel.objects.filter(topic=topic).order_by("-version")[KEEP_VERSIONS:]
    ScorerModel.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    untouched = {DEFAULT_THRESHOLD, previous.threshold if previous else None}
    if row.threshold is not None and topic.confidence_threshold in untouched:
        Topic.objects.filter(pk=topic.pk).update(confidence_threshold=row.threshold)
    topic_hits_rescore(topic=topic, scorer=scorer)
    return row


def topic_hits_rescore(*, topic: Topic, scorer: TopicScorer) -> int:
    """Give the machine's hits on `topic` still waiting for review the scorer's confidence,
    evidence and version; returns how many changed. Hits an editor decided keep theirs."""
    hits = list(
        TopicHit.objects.filter(
            topic=topic,
            origin=TopicHit.Origin.MACHINE,
            review_state=TopicHit.ReviewState.SUGGESTED,
        ).only("pk", "paper_id", "confidence", "evidence", "scorer_version")
    )
    sources = paper_sources_by_id(paper_ids=[hit.paper_id for hit in hits])
    changed = []
    for hit in hits:
        scored = scorer.score(sources[hit.paper_id])
        new = (scored.confidence, list(scored.evidence), scorer.version)
        if (hit.confidence, hit.evidence, hit.scorer_version) != new:
            hit.confidence, hit.evidence, hit.scorer_version = new
            changed.append(hit)
    TopicHit.objects.bulk_update(
        changed, ["confidence", "evidence", "scorer_version"], batch_size=500
    )
    return len(changed)


def scorers_retrain(*, force: bool = False) -> list[ScorerModel]:
    """Retrain every active topic's scorer whose examples changed; returns the new versions."""
    trained = [scorer_train_topic(topic=topic, force=force) for topic in Topic.objects.active()]
    return [row for row in trained if row is not None]
