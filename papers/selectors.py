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
    PAPER_NEWEST_FIRST,
    Announcement,
    DailyPage,
    DailyPageEntry,
    Paper,
    PaperAuthor,
    PaperInstitution,
    TopicHit,
)
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
    return Paper.objects.defer("search_vector", "search_zh").prefetch_related(
        Prefetch("authors", queryset=PaperAuthor.objects.order_by("position")),
        Prefetch(
            "paper_institutions",
            queryset=PaperInstitution.objects.select_related("institution").order_by("position"),
        ),
        "versions",
    )


def _accepted_on(papers: QuerySet[Paper], *, topics, announce_date: dt.date) -> QuerySet[Paper]:
    """Papers listed on the date with an accepted hit for one of the topics (a day's content)."""
    return papers.filter(
        topic_hits__topic__in=topics,
        topic_hits__review_state=TopicHit.ReviewState.ACCEPTED,
        announcements__announce_date=announce_date,
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
    ).select_related("topic", "subtopic")
    announcements = Announcement.objects.filter(announce_date=announce_date).order_by(
        ANNOUNCE_TYPE_RANK, "category"
    )
    papers = list(
        # A pk subquery rather than DISTINCT: Postgres would otherwise compare whole wide rows.
        paper_card_queryset()
        .filter(
            pk__in=_accepted_on(
                Paper.objects.all(), topics=[topic], announce_date=announce_date
            ).values("pk")
        )
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


# --- site (issue 7): reads behind the public pages, search and feeds -------------------------


def published_dates_around_get(
    *, announce_date: dt.date, topic: Topic | None = None
) -> tuple[dt.date | None, dt.date | None]:
    """The published dates just before and after a date (of one topic, or of any topic)."""
    pages = DailyPage.objects.published()
    if topic is not None:
        pages = pages.filter(topic=topic)
    dates = pages.values_list("announce_date", flat=True)
    before = dates.filter(announce_date__lt=announce_date).order_by("-announce_date").first()
    after = dates.filter(announce_date__gt=announce_date).order_by("announce_date").first()
    return before, after


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
    """The date page: counts per topic in two queries besides the taxonomy's three."""
    published = set(
        DailyPage.objects.published()
        .filter(announce_date=announce_date)
        .values_list("topic_id", flat=True)
    )
    counts = dict(
        _accepted_on(Paper.objects.all(), topics=published, announce_date=announce_date)
        .values("topic_hits__topic")
        .annotate(count=Count("pk", distinct=True))
        .values_list("topic_hits__topic", "count")
    )
    areas = [
        AreaOverview(
            area=area,
            topics=[
                TopicCount(
                    topic=topic, is_published=topic.pk in published, count=counts.get(topic.pk, 0)
                )
                for topic in area.topics.all()
            ],
        )
        for area in area_tree_list()
    ]
    return DateOverview(announce_date=announce_date, areas=[a for a in areas if a.topics])


def _public_cards(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """Published papers with their published hits (each with its day) and all their listings."""
    public_hits = (
        TopicHit.objects.published()
        .annotate(day=F("topic__daily_pages__announce_date"))
        .select_related("topic", "subtopic")
        .order_by("-confidence", "-day")
        .distinct()
    )
    return papers.published().prefetch_related(
        Prefetch("topic_hits", queryset=public_hits, to_attr="public_hits"),
        Prefetch(
            "announcements",
            queryset=Announcement.objects.order_by("-announce_date", ANNOUNCE_TYPE_RANK),
            to_attr="listings",
        ),
    )


def public_cards_attach(papers) -> list[Paper]:
    """Give each paper the `hit` and `announcement` a card shows: best hit, latest listing."""
    papers = list(papers)
    for paper in papers:
        paper.hit = paper.public_hits[0] if paper.public_hits else None
        paper.announcement = paper.listings[0] if paper.listings else None
    return papers


def paper_public_get(*, arxiv_id: str) -> Paper | None:
    """A published paper with everything its page shows; None when readers may not see it."""
    paper = _public_cards(paper_card_queryset()).filter(arxiv_id=arxiv_id).first()
    return public_cards_attach([paper])[0] if paper else None


def paper_search_queryset() -> QuerySet[Paper]:
    """What search filters: published papers, newest first, ready for cards.

    Submission order has an index (paper_newest_first), so a common word is answered by
    reading the newest papers until a page is full instead of sorting every match.
    """
    return _public_cards(paper_card_queryset()).order_by(*PAPER_NEWEST_FIRST)


@dataclass
class FeedItem:
    paper: Paper
    hit: TopicHit
    announce_date: dt.date
    announcement: Announcement | None


def feed_items_list(
    *, topic: Topic | None = None, days: int = 7, limit: int = 200
) -> list[FeedItem]:
    """Accepted papers of the latest published days (of a topic or of all), newest first.

    A paper appears once per day, with its strongest hit; a later replacement on another
    day is a new item (its guid carries the new version).
    """
    hits = TopicHit.objects.published()
    if topic is not None:
        hits = hits.filter(topic=topic)
    hits = hits.annotate(day=F("topic__daily_pages__announce_date"))
    dates = list(hits.order_by("-day").values_list("day", flat=True).distinct()[:days])
    if not dates:
        return []
    best: dict[tuple[int, dt.date], TopicHit] = {}
    for hit in (
        hits.filter(day__in=dates)
        .select_related("topic", "subtopic")
        .order_by("-day", "-confidence", "-paper__arxiv_id")
    ):
        best.setdefault((hit.paper_id, hit.day), hit)
    chosen = list(best.values())[:limit]
    papers = (
        Paper.objects.defer("search_vector", "search_zh")
        .prefetch_related(
            Prefetch(
                "announcements",
                queryset=Announcement.objects.filter(announce_date__in=dates).order_by(
                    ANNOUNCE_TYPE_RANK, "category"
                ),
                to_attr="day_announcements",
            )
        )
        .in_bulk({hit.paper_id for hit in chosen})
    )
    items = []
    for hit in chosen:
        paper = papers[hit.paper_id]
        listing = next((a for a in paper.day_announcements if a.announce_date == hit.day), None)
        items.append(FeedItem(paper=paper, hit=hit, announce_date=hit.day, announcement=listing))
    return items
