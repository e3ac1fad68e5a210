"""Reads of the triage desk: one topic's candidates on one announce date, decided or not.

A candidate is a topic hit (any review state) whose paper arXiv listed on that date. The desk
shows every one of them, with what the readers' card would show of the paper (public.cards),
so an editor decides on the same facts readers will see.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Subquery

from enrichment.curation.selectors import hits_disputed
from papers.models import Announcement, DailyPage, TopicHit
from public.cards import paper_cards_attach
from public.selectors import ANNOUNCE_TYPE_RANK
from topics.models import Subtopic, Topic

SUGGESTED = TopicHit.ReviewState.SUGGESTED


def desk_topics_list() -> QuerySet[Topic]:
    """The topics an editor can triage, in taxonomy order."""
    return Topic.objects.active().select_related("area")


def _candidates(*, topic: Topic, announce_date: dt.date) -> QuerySet[TopicHit]:
    listed = Announcement.objects.filter(paper=OuterRef("paper"), announce_date=announce_date)
    return TopicHit.objects.filter(topic=topic).filter(Exists(listed))


def desk_date_default(*, topic: Topic) -> dt.date | None:
    """The newest announce date on which the topic has candidates (None: it has none)."""
    return Announcement.objects.filter(paper__topic_hits__topic=topic).aggregate(
        newest=Max("announce_date")
    )["newest"]


def desk_topic_default() -> Topic | None:
    """Where an editor starts: on the newest date with undecided candidates, the topic with
    the most of them; else the first active topic."""
    open_hits = TopicHit.objects.filter(review_state=SUGGESTED, topic__in=Topic.objects.active())
    newest = Announcement.objects.filter(paper__in=open_hits.values("paper_id")).aggregate(
        newest=Max("announce_date")
    )["newest"]
    if newest is not None:
        busiest = (
            open_hits.filter(paper__announcements__announce_date=newest)
            .values("topic_id")
            .annotate(count=Count("pk", distinct=True))
            .order_by("-count", "topic_id")
            .first()
        )
        return desk_topics_list().get(pk=busiest["topic_id"])
    return desk_topics_list().first()


@dataclass
class DeskDay:
    """One topic's candidates on one date. Each hit carries its `paper`, whose `card` is what
    public.cards builds (institutions, the listing's version-update flag)."""

    topic: Topic
    announce_date: dt.date
    page: DailyPage | None
    hits: list[TopicHit]
    subtopics: list[Subtopic] = field(default_factory=list)

    @property
    def decided(self) -> int:
        return sum(hit.review_state != SUGGESTED for hit in self.hits)

    @property
    def confident_open(self) -> list[TopicHit]:
        """Undecided candidates at or above the topic's threshold: what bulk accept takes."""
        threshold = self.topic.confidence_threshold
        return [
            hit
            for hit in self.hits
            if hit.review_state == SUGGESTED and hit.confidence >= threshold
        ]

    @property
    def accepted(self) -> int:
        return sum(hit.review_state == TopicHit.ReviewState.ACCEPTED for hit in self.hits)


def _hits_with_papers(hits: QuerySet[TopicHit], *, announce_date: dt.date) -> QuerySet[TopicHit]:
    """With each hit its paper, subtopic and reviewer, and what the paper's listing of the date
    (the one readers' cards show, see public.selectors) says: `listing_type`,
    `listing_version`."""
    listing = Announcement.objects.filter(
        paper=OuterRef("paper_id"), announce_date=announce_date
    ).order_by(ANNOUNCE_TYPE_RANK, "category")
    return (
        hits.select_related("paper", "subtopic", "reviewed_by")
        .defer("paper__search_vector", "paper__search_zh")
        .annotate(
            listing_type=Subquery(listing.values("announce_type")[:1]),
            listing_version=Subquery(listing.values("version")[:1]),
        )
    )


def desk_hit_get(
    *, topic_slug: str, pk: int, announce_date: dt.date, lock: bool = False
) -> TopicHit | None:
    """One hit of an active topic, with its paper and topic, for a decision on its card.
    `lock`: the hit and its paper locked (select_for_update) until the transaction ends."""
    hits = TopicHit.objects.filter(pk=pk, topic__slug=topic_slug, topic__in=desk_topics_list())
    hits = _hits_with_papers(hits, announce_date=announce_date).select_related("topic")
    return (hits.select_for_update(of=("self", "paper")) if lock else hits).first()


def desk_cards_attach(hits: list[TopicHit], *, announce_date: dt.date) -> list[TopicHit]:
    """Give each hit's paper its listing on the date and the card public.cards builds (no
    authors: the desk shows none); hits of one paper (two subtopics) share it. One query."""
    papers = {}
    for hit in hits:
        hit.paper = papers.setdefault(hit.paper_id, hit.paper)
        if not hasattr(hit.paper, "hit"):  # the strongest: what the readers' card shows
            hit.paper.hit = hit
            hit.paper.announcement = (
                Announcement(
                    paper_id=hit.paper_id,
                    announce_date=announce_date,
                    announce_type=hit.listing_type,
                    version=hit.listing_version,
                )
                if hit.listing_type
                else None
            )
    paper_cards_attach(list(papers.values()), authors=False)
    return hits


def desk_day_get(*, topic: Topic, announce_date: dt.date) -> DeskDay:
    """The desk for one topic and date: candidates the LLM and the learned scorer disagree on
    first, then the strongest. Four queries whatever the number of candidates."""
    candidates = _candidates(topic=topic, announce_date=announce_date)
    disputed = Exists(hits_disputed().filter(pk=OuterRef("pk")))
    hits = list(
        _hits_with_papers(candidates, announce_date=announce_date)
        .alias(disputed=disputed)
        .order_by("-disputed", "-confidence", "paper__arxiv_id", "pk")
    )
    for hit in hits:
        hit.topic = topic
    desk_cards_attach(hits, announce_date=announce_date)
    page = DailyPage.objects.filter(topic=topic, announce_date=announce_date).order_by().first()
    return DeskDay(
        topic=topic,
        announce_date=announce_date,
        page=page,
        hits=hits,
        subtopics=list(Subtopic.objects.filter(topic=topic)),
    )
