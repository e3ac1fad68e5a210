"""Which announce dates readers can open, and what the date page shows of each.

Dates come from DailyPage.objects.published() (pages of active topics only); counts from
public.selectors.day_pages_list, the same per-page count the API gives.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet

from papers.models import DailyPage
from public.selectors import day_pages_list
from topics.models import Area, Topic
from topics.selectors import area_tree_list


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


@dataclass
class TopicCount:
    topic: Topic
    is_published: bool
    count: int


@dataclass
class AreaOverview:
    area: Area
    topics: list[TopicCount]


@dataclass
class DateOverview:
    """Every area and topic with how many papers it published on one announce date."""

    announce_date: dt.date
    areas: list[AreaOverview]

    @property
    def total(self) -> int:
        return sum(entry.count for area in self.areas for entry in area.topics)

    @property
    def is_published(self) -> bool:
        return any(entry.is_published for area in self.areas for entry in area.topics)


def date_overview_get(*, announce_date: dt.date) -> DateOverview:
    """The date page: every topic with the count its published page shows (as the API's)."""
    counts = {
        page.topic_id: page.paper_count for page in day_pages_list(announce_date=announce_date)
    }
    areas = [
        AreaOverview(
            area=area,
            topics=[
                TopicCount(
                    topic=topic, is_published=topic.pk in counts, count=counts.get(topic.pk, 0)
                )
                for topic in area.topics.all()
            ],
        )
        for area in area_tree_list()
    ]
    return DateOverview(announce_date=announce_date, areas=[a for a in areas if a.topics])
