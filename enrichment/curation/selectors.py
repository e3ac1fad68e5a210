"""Reads for topic curation: the scorers in use, editors' decisions, reliability per band."""

import logging
from dataclasses import dataclass

import sklearn
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Abs

from enrichment.backends.base import PaperSource
from enrichment.backends.reliability import Band, bands_tally
from enrichment.backends.scorer import TopicScorer, scorer_loads
from enrichment.backends.taxonomy import Taxonomy
from papers.models import Paper, ScorerModel, TopicHit
from topics.models import Topic

log = logging.getLogger(__name__)

# Loaded scorers by (row pk, digest): a row never changes, so one unpickling per process.
_LOADED: dict[tuple[int, str], TopicScorer] = {}
DECIDED = (TopicHit.ReviewState.ACCEPTED, TopicHit.ReviewState.REJECTED)
# A verdict a person gave: reviewed by an editor, or a hit an editor made.
EDITORS_DECIDED = Q(reviewed_by__isnull=False) | Q(origin=TopicHit.Origin.EDITOR)
# The LLM's proposal and the learned scorer disagree strongly on a waiting hit (the LLM said
# 0.9 and the scorer 0.2, or the scorer ≥ 0.8 on a topic the LLM left out): people look first.
DISAGREEMENT = 0.5


def hits_disputed() -> QuerySet[TopicHit]:
    """Waiting hits whose LLM confidence and scorer confidence differ by ≥ DISAGREEMENT."""
    return (
        TopicHit.objects.filter(
            review_state=TopicHit.ReviewState.SUGGESTED, proposed_confidence__isnull=False
        )
        .alias(gap=Abs(F("confidence") - F("proposed_confidence")))
        .filter(gap__gte=DISAGREEMENT)
    )


def scorer_latest(*, topic: Topic) -> ScorerModel | None:
    return ScorerModel.objects.filter(topic=topic).order_by("-version").first()


def scorers_active(*, taxonomy: Taxonomy) -> dict[str, TopicScorer]:
    """The newest scorer of each topic in `taxonomy`, by slug; topics without one are absent.
    A scorer trained by another scikit-learn version is skipped (logged) until retrained."""
    newest = ScorerModel.objects.filter(topic=OuterRef("topic")).order_by("-version")
    rows = ScorerModel.objects.filter(
        topic_id__in=[topic.pk for topic in taxonomy.topics],
        version=Subquery(newest.values("version")[:1]),
    ).values("pk", "topic__slug", "version", "digest", "library")
    scorers = {}
    for row in rows:
        if row["library"] != sklearn.__version__:
            log.warning(
                "scorer %s v%s: trained with scikit-learn %s, not loaded",
                row["topic__slug"],
                row["version"],
                row["library"],
            )
            continue
        key = (row["pk"], row["digest"])
        if key not in _LOADED:
            data = ScorerModel.objects.values_list("estimator", flat=True).get(pk=row["pk"])
            scorer = scorer_loads(bytes(data), row["digest"])
            scorer.version = row["version"]
            _LOADED[key] = scorer
        scorers[row["topic__slug"]] = _LOADED[key]
    return scorers


@dataclass(frozen=True)
class Decision:
    """An editor's verdict on a paper for a topic: accepted if any of its hits was."""

    source: PaperSource
    accepted: bool
    subtopic: str | None  # of an accepted hit


def paper_sources_by_id(*, paper_ids: list[int]) -> dict[int, PaperSource]:
    """What a scorer reads of each paper (title, abstract, categories, primary first), by
    paper pk, in one query."""
    rows = Paper.objects.filter(pk__in=paper_ids).values_list(
        "pk", "arxiv_id", "title", "abstract", "primary_category", "categories"
    )
    return {
        pk: PaperSource(
            arxiv_id=arxiv_id,
            title=title,
            abstract=abstract,
            categories=tuple(c for c in dict.fromkeys([primary, *categories]) if c),
        )
        for pk, arxiv_id, title, abstract, primary, categories in rows
    }


def decisions_list(*, topic: Topic) -> list[Decision]:
    """Every paper an editor accepted or rejected for `topic` (editors' own hits count as
    accepted), in paper order. Only a person's verdicts (see EDITORS_DECIDED): an accept no
    one made (`publish --accept-at-threshold`) would teach the scorer its own output."""
    rows = (
        TopicHit.objects.filter(EDITORS_DECIDED, topic=topic, review_state__in=DECIDED)
        .order_by("paper_id", "pk")
        .values_list("paper_id", "review_state", "subtopic__slug")
    )
    verdicts: dict[int, tuple[bool, str | None]] = {}
    for paper_id, state, subtopic in rows:
        accepted = state == TopicHit.ReviewState.ACCEPTED
        if not verdicts.get(paper_id, (False,))[0]:
            verdicts[paper_id] = (accepted, subtopic if accepted else None)
    sources = paper_sources_by_id(paper_ids=list(verdicts))
    return [
        Decision(sources[paper_id], accepted, subtopic)
        for paper_id, (accepted, subtopic) in verdicts.items()
    ]


def topic_reliability(*, topic: Topic) -> list[Band]:
    """Per score band, the machine's hits on `topic` that editors decided, and how many they
    accepted (the right ones): whether confidences mean what they say."""
    decided = TopicHit.objects.filter(
        EDITORS_DECIDED, topic=topic, origin=TopicHit.Origin.MACHINE, review_state__in=DECIDED
    ).values_list("confidence", "review_state")
    return bands_tally(
        (confidence, state == TopicHit.ReviewState.ACCEPTED) for confidence, state in decided
    )
