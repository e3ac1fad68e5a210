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
from django.utils import timezone

from enrichment.backends.offline import SUGGEST_FLOOR
from enrichment.backends.reasons import reason_compose
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
from enrichment.history import rows_update_with_history
from enrichment.selectors import taxonomy_snapshot
from papers.models import ScorerModel, TopicHit
from topics.models import Topic

log = logging.getLogger(__name__)

# Editors' decisions are what the product is judged by, and newer than the kept labels.
DECISION_WEIGHT = 2.0
BORDERLINE_WEIGHT = 0.5
KEEP_VERSIONS = 10
DEFAULT_THRESHOLD = Topic._meta.get_field("confidence_threshold").default
# What re-scoring a waiting hit may change.
RESCORED_FIELDS = ("confidence", "evidence", "scorer_version", "reason")


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
        log.debug("no scorer for %s: %s", topic.slug, exc)
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
    evidence and version, each change with its history row; returns how many changed.

    A reason the offline backend composed (enrichment.backends.reasons) is composed anew for
    the new score; an LLM's is kept. A hit the offline backend would no longer suggest (below
    SUGGEST_FLOOR, and no LLM proposed it) is deleted, as enriching its paper again would.
    Hits an editor decided keep everything.
    """
    spec = taxonomy_snapshot().topic(topic.slug)
    hits = list(
        TopicHit.objects.filter(
            topic=topic,
            origin=TopicHit.Origin.MACHINE,
            review_state=TopicHit.ReviewState.SUGGESTED,
        )
    )
    sources = paper_sources_by_id(paper_ids=[hit.paper_id for hit in hits])
    subtopics = {sub.pk: sub for sub in spec.subtopics} if spec else {}
    changed, dropped = [], []
    for hit in hits:
        source, subtopic = sources[hit.paper_id], subtopics.get(hit.subtopic_id)
        scored = scorer.score(source)
        offline = spec is not None and hit.reason in {
            _reason(source, spec, subtopic, confidence) for confidence in (0.0, 1.0)
        }
        if offline and hit.proposed_confidence is None and scored.confidence < SUGGEST_FLOOR:
            dropped.append(hit.pk)
            continue
        new = {
            "confidence": scored.confidence,
            "evidence": list(scored.evidence),
            "scorer_version": scorer.version,
            "reason": _reason(source, spec, subtopic, scored.confidence) if offline else hit.reason,
        }
        if any(getattr(hit, name) != value for name, value in new.items()):
            for name, value in new.items():
                setattr(hit, name, value)
            hit.updated_at = timezone.now()  # an update() skips auto_now
            changed.append(hit)
    rows_update_with_history(rows=changed, fields=[*RESCORED_FIELDS, "updated_at"])
    # Each deletion keeps its history row; a hit an editor ruled on meanwhile stays.
    TopicHit.objects.filter(
        pk__in=dropped,
        origin=TopicHit.Origin.MACHINE,
        review_state=TopicHit.ReviewState.SUGGESTED,
    ).delete()
    return len(changed) + len(dropped)


def _reason(source, topic: TopicSpec, subtopic, confidence: float) -> str:
    """The offline backend's reason for a hit of `source` on `topic` scored `confidence`."""
    return reason_compose(
        title=source.title,
        abstract=source.abstract,
        topic=topic,
        subtopic=subtopic,
        confidence=confidence,
    )


def scorers_retrain(*, force: bool = False) -> list[ScorerModel]:
    """Retrain every active topic's scorer whose examples changed; returns the new versions."""
    trained = [scorer_train_topic(topic=topic, force=force) for topic in Topic.objects.active()]
    return [row for row in trained if row is not None]
