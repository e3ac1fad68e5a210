"""Reads for the public site, feeds and API: everything public goes through `published()`."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Prefetch, QuerySet, Value, When

from papers.models import (
    Announcement,
    DailyPage,
    DailyPageEntry,
    Paper,
    PaperAuthor,
    PaperInstitution,
    TopicHit,
)


def latest_announce_date_get() -> dt.date | None:
    """The newest date with a published daily page."""
    return (
        DailyPage.objects.published()
        .order_by("-announce_date")
        .values_list("announce_date", flat=True)
        .first()
    )


def announce_dates_list() -> QuerySet:
    """Every arXiv announce date we hold, newest first (published or not)."""
    return (
        Announcement.objects.order_by("-announce_date")
        .values_list("announce_date", flat=True)
        .distinct()
    )


# A paper listed in several categories on one day shows its strongest listing: new first.
ANNOUNCE_TYPE_RANK = Case(
    *(
        When(announce_type=kind, then=Value(rank))
        for rank, kind in enumerate(Announcement.Type.values)
    ),
    default=Value(len(Announcement.Type.values)),
)


def paper_card_queryset() -> QuerySet[Paper]:
    """Papers with everything a card shows, in a fixed number of queries whatever the count."""
    return Paper.objects.prefetch_related(
        Prefetch("authors", queryset=PaperAuthor.objects.order_by("position")),
        Prefetch(
            "paper_institutions",
            queryset=PaperInstitution.objects.select_related("institution").order_by("position"),
        ),
        "versions",
    )


@dataclass
class TopicDay:
    """One topic's papers for one announce date, as readers (or a previewing editor) see them.

    Each paper carries `hit` (its best accepted hit for this topic) and `announcement` (its
    listing on that date, which tells a replacement from a new paper).
    """

    topic: object
    announce_date: dt.date
    page: DailyPage | None
    papers: list[Paper] = field(default_factory=list)

    @property
    def is_published(self) -> bool:
        return self.page is not None and self.page.status == DailyPage.Status.PUBLISHED


def topic_day_get(*, topic, announce_date: dt.date, include_drafts: bool = False) -> TopicDay:
    """The single read behind the topic-day page, its preview, its feed items and the API.

    Without `include_drafts` an unpublished day has no papers. With it (editors' preview), the
    day shows exactly what publishing would make public: accepted hits only.
    """
    page = DailyPage.objects.filter(topic=topic, announce_date=announce_date).first()
    day = TopicDay(topic=topic, announce_date=announce_date, page=page)
    if page is None or not (include_drafts or day.is_published):
        return day

    hits = TopicHit.objects.filter(
        topic=topic, review_state=TopicHit.ReviewState.ACCEPTED
    ).select_related("subtopic")
    announcements = Announcement.objects.filter(announce_date=announce_date).order_by(
        ANNOUNCE_TYPE_RANK, "category"
    )
    papers = list(
        paper_card_queryset()
        .filter(
            topic_hits__topic=topic,
            topic_hits__review_state=TopicHit.ReviewState.ACCEPTED,
            announcements__announce_date=announce_date,
        )
        .distinct()
        .prefetch_related(
            Prefetch("topic_hits", queryset=hits, to_attr="accepted_hits"),
            Prefetch("announcements", queryset=announcements, to_attr="day_announcements"),
        )
    )
    order = dict(DailyPageEntry.objects.filter(page=page).values_list("paper_id", "position"))
    for paper in papers:
        paper.hit = max(paper.accepted_hits, key=lambda hit: hit.confidence)
        paper.announcement = paper.day_announcements[0]
    papers.sort(key=lambda p: (order.get(p.pk, len(order)), -p.hit.confidence, p.arxiv_id))
    day.papers = papers
    return day
