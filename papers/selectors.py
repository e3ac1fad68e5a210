"""Reads for the public site, feeds and API: everything public goes through `published()`."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

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


# --- API reads (issue 8): built on the published() QuerySets, never a rule of their own. ---


def published_hits_queryset(
    *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[TopicHit]:
    """Published hits, each row with `published_on`: the date of the page that published it.

    The annotation reuses published()'s own join to the daily page, so a date bound applies to
    the very page that made the hit public (a later filter() on the relation would join anew).
    """
    hits = TopicHit.objects.published().annotate(
        published_on=F("topic__daily_pages__announce_date")
    )
    if date_from:
        hits = hits.filter(published_on__gte=date_from)
    if date_to:
        hits = hits.filter(published_on__lte=date_to)
    return hits


def published_papers_queryset() -> QuerySet[Paper]:
    """Published papers with card data and their published listings, newest listing first.

    Each paper carries `published_hits` (rows of published_hits_queryset, oldest first) and
    `last_published_on`; ordering is total (arxiv_id breaks ties), so pages never overlap.
    """
    listings = (
        published_hits_queryset()
        .select_related("topic", "subtopic")
        .order_by("published_on", "topic__slug", "subtopic__slug", "pk")
        .distinct()
    )
    newest = (
        published_hits_queryset()
        .filter(paper=OuterRef("pk"))
        .order_by("-published_on")
        .values("published_on")[:1]
    )
    return (
        paper_card_queryset()
        .published()
        .annotate(last_published_on=Subquery(newest))
        .prefetch_related(Prefetch("topic_hits", queryset=listings, to_attr="published_hits"))
        .order_by("-last_published_on", "-arxiv_id")
    )


def published_paper_get(*, arxiv_id: str) -> Paper | None:
    """One published paper by its arXiv id (without version), or None."""
    return published_papers_queryset().filter(arxiv_id=arxiv_id).first()


def published_announce_dates_list() -> QuerySet:
    """Dates with at least one published daily page, newest first, with how many topics."""
    return (
        DailyPage.objects.published()
        .values("announce_date")
        .annotate(topic_count=Count("pk"))
        .order_by("-announce_date")
    )


def published_pages_queryset() -> QuerySet[DailyPage]:
    """Published daily pages, each with `paper_count`: how many papers topic_day_get shows.

    That is distinct papers with an accepted hit for the page's topic, listed on its date.
    """
    return (
        DailyPage.objects.published()
        .select_related("topic__area")
        .annotate(
            paper_count=Count(
                "topic__hits__paper",
                filter=Q(
                    topic__hits__review_state=TopicHit.ReviewState.ACCEPTED,
                    topic__hits__paper__announcements__announce_date=F("announce_date"),
                ),
                distinct=True,
            )
        )
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
