"""Which announce dates and daily pages readers can open, and a date's digest.

Dates and pages come from DailyPage.objects.published() (pages of active topics only); each
page's count is what public.selectors.topic_day_get shows, and the digest's papers are read
by its sibling, topic_days_get.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from papers.models import DailyPage, Paper, TopicHit
from public.selectors import topic_days_get
from topics.models import Area, Topic


def latest_announce_date_get() -> dt.date | None:
    """The newest date with a published daily page."""
    return (
        DailyPage.objects.published()
        .order_by("-announce_date")
        .values_list("announce_date", flat=True)
        .first()
    )


def published_announce_dates_list() -> QuerySet:
    """Dates with at least one published daily page, newest first, with how many topics."""
    return (
        DailyPage.objects.published()
        .values("announce_date")
        .annotate(topic_count=Count("pk"))
        .order_by("-announce_date")
    )


def published_dates_around_get(
    *, announce_date: dt.date, topic: Topic | None = None
) -> tuple[dt.date | None, dt.date | None]:
    """The published dates just before and after a date (of one topic, or of any topic)."""
    pages = DailyPage.objects.published()
    if topic is not None:
        pages = pages.filter(topic=topic)
    around = pages.aggregate(
        before=Max("announce_date", filter=Q(announce_date__lt=announce_date)),
        after=Min("announce_date", filter=Q(announce_date__gt=announce_date)),
    )
    return around["before"], around["after"]


def topic_latest_date_get(*, topic: Topic) -> dt.date | None:
    """The topic's newest published day."""
    return (
        DailyPage.objects.published()
        .filter(topic=topic)
        .order_by("-announce_date")
        .values_list("announce_date", flat=True)
        .first()
    )


def published_pages_queryset() -> QuerySet[DailyPage]:
    """Published daily pages, each with `paper_count`: how many papers topic_day_get shows
    (distinct papers whose hits for the page's topic are `listed_on` its date)."""
    shown = (
        TopicHit.objects.filter(topic=OuterRef("topic"))
        .listed_on(OuterRef("announce_date"))
        .order_by()
        .values("topic")
        .annotate(count=Count("paper", distinct=True))
        .values("count")
    )
    return (
        DailyPage.objects.published()
        .select_related("topic__area")
        .annotate(paper_count=Coalesce(Subquery(shown), 0))
    )


def day_pages_list(*, announce_date: dt.date) -> QuerySet[DailyPage]:
    """The published topic pages of one date, in taxonomy order."""
    return (
        published_pages_queryset()
        .filter(announce_date=announce_date)
        .order_by("topic__area__position", "topic__area__slug", "topic__position", "topic__slug")
    )


def topic_pages_list(*, topic) -> QuerySet[DailyPage]:
    """One topic's published pages, newest first: its archive."""
    return published_pages_queryset().filter(topic=topic).order_by("-announce_date")


@dataclass
class TopicDigest:
    """One topic's published page of the date: its first papers and how many it shows."""

    topic: Topic
    paper_count: int
    published_at: dt.datetime | None
    papers: list[Paper]


@dataclass
class AreaDigest:
    area: Area
    topics: list[TopicDigest]


@dataclass
class DayDigest:
    """A date as readers see it: each topic with a published page, in taxonomy order, its
    first papers (all of them without a limit) in the page's order, and `total`, how many
    distinct papers the date's pages show (a paper on two topics counts once)."""

    announce_date: dt.date
    areas: list[AreaDigest]
    total: int

    @property
    def is_published(self) -> bool:
        return bool(self.areas)

    @property
    def papers(self) -> list[Paper]:
        """The papers shown, in page order, each once (a paper on two topics: the first)."""
        unique: dict[int, Paper] = {}
        for area in self.areas:
            for item in area.topics:
                for paper in item.papers:
                    unique.setdefault(paper.pk, paper)
        return list(unique.values())


def day_digest_get(*, announce_date: dt.date, per_topic: int | None = None) -> DayDigest:
    """The home and date pages (`per_topic` papers a topic) and the API's latest day (all).
    Six queries whatever the number of topics and papers."""
    pages = list(day_pages_list(announce_date=announce_date))
    days = topic_days_get(
        topics=[page.topic for page in pages], announce_date=announce_date, limit=per_topic
    )
    areas: list[AreaDigest] = []
    for page, day in zip(pages, days, strict=True):
        if not areas or areas[-1].area.pk != page.topic.area_id:
            areas.append(AreaDigest(area=page.topic.area, topics=[]))
        areas[-1].topics.append(
            TopicDigest(
                topic=page.topic,
                paper_count=page.paper_count,
                published_at=page.published_at,
                papers=day.papers,
            )
        )
    total = len(set().union(*(day.paper_ids for day in days)))
    return DayDigest(announce_date=announce_date, areas=areas, total=total)
