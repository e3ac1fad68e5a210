"""Reads for the public site, feeds and API: everything public goes through `published()`."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse

from papers.models import (
    PAPER_NEWEST_FIRST,
    ZH_FIELDS,
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
    """Papers with everything the API shows, in a fixed number of queries whatever the count."""
    return _paper_columns().prefetch_related(
        Prefetch("authors", queryset=PaperAuthor.objects.order_by("position")),
        Prefetch(
            "paper_institutions",
            queryset=PaperInstitution.objects.select_related("institution").order_by("position"),
        ),
        "versions",
    )


def _paper_columns() -> QuerySet[Paper]:
    """Papers without the stored search columns, which no page or API answer shows."""
    return Paper.objects.defer("search_vector", "search_zh")


def _url_builder(name: str):
    """`reverse(name, args=[value])` for many values at the price of one reverse.

    Only for URL arguments that need no quoting (arXiv ids, slugs): the value is spliced in.
    """
    head, _, tail = reverse(name, args=["x"]).rpartition("x")
    return lambda value: f"{head}{value}{tail}"


def _zh_shown(paper: Paper, field: str) -> str | None:
    """The Chinese text readers may see, or None (the card says "not yet translated")."""
    text = paper.zh(field)
    return text.value if text.is_public else None


def paper_cards_attach(papers: list[Paper], *, paper_ids: QuerySet | None = None) -> list[Paper]:
    """Give each paper `card`: everything templates/includes/paper_card.html shows, as a dict.

    A topic day shows hundreds of cards. Plain values (authors and institutions fetched with
    values_list, URLs built once, dates and percentages formatted here) render several times
    faster than model lookups, prefetch managers and per-card {% url %}; two queries in all.
    Each paper must carry `hit` (TopicHit with topic and subtopic, or None) and
    `announcement` (the listing shown, or None). Escaping stays with the template.
    `paper_ids`, a subquery selecting the same papers, spares the driver hundreds of literal
    ids to quote.
    """
    ids = [paper.pk for paper in papers] if paper_ids is None else paper_ids
    authors = defaultdict(list)
    for paper_id, name in (
        PaperAuthor.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "position")
        .values_list("paper_id", "name")
    ):
        authors[paper_id].append(name)
    institutions = defaultdict(list)
    for paper_id, name, name_zh in (
        PaperInstitution.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "position")
        .values_list("paper_id", "institution__name", "institution__name_zh")
    ):
        institutions[paper_id].append({"name": name, "name_zh": name_zh})
    paper_url = _url_builder("papers:paper")
    topic_url = _url_builder("topics:detail")
    for paper in papers:
        listing, hit = paper.announcement, paper.hit
        version = (listing.version if listing else None) or paper.version
        paper.card = {
            "pk": str(paper.pk),  # strings: numbers go through localization in templates
            "arxiv_id": paper.arxiv_id,
            "versioned_id": f"{paper.arxiv_id}v{version}",
            "url": paper_url(paper.arxiv_id),
            "date": listing.announce_date.isoformat() if listing else "",
            "is_update": bool(listing and listing.is_replacement),
            "is_cross": bool(listing and listing.announce_type == Announcement.Type.CROSS),
            "categories": paper.categories,
            "primary_category": paper.primary_category,
            "title": paper.title,
            "title_zh": _zh_shown(paper, "title"),
            "authors": ", ".join(authors[paper.pk]) or paper.authors_text,
            "author_names": authors[paper.pk],
            "institutions": institutions[paper.pk],
            "hit": hit
            and {
                # As {% widthratio confidence 1 100 %} rounds it.
                "percent": str(round(hit.confidence * 100)),
                "topic_url": topic_url(hit.topic.slug),
                "topic_name": hit.topic.name_zh,
                "subtopic_name": hit.subtopic.name_zh if hit.subtopic else "",
                "reason": hit.reason,
            },
            "summary_zh": _zh_shown(paper, "summary"),
            "summary_en": paper.summary_en,
            "comments": paper.comments,
            "abstract_zh": _zh_shown(paper, "abstract"),
            "abstract": paper.abstract,
        }
    return papers


# What a public topic day loads of each hit, its paper and its subtopic (see topic_day_get).
_PUBLIC_HIT_COLUMNS = (
    *("paper", "topic", "subtopic", "confidence", "reason", "review_state"),
    *(
        f"paper__{name}"
        for name in (
            "arxiv_id",
            "version",
            "title",
            "abstract",
            "authors_text",
            "comments",
            "primary_category",
            "categories",
            "summary_en",
            "zh_reviewed_at",
            *(
                f"{field}_zh_{kind}"
                for field in ZH_FIELDS
                for kind in ("machine", "human", "source_changed")
            ),
        )
    ),
    *("subtopic__topic", "subtopic__slug", "subtopic__name_zh", "subtopic__name_en"),
)


@dataclass
class TopicDay:
    """One topic's papers for one announce date, as readers (or a previewing editor) see them.

    Each paper carries `hit` (its best accepted hit for this topic), `announcement` (its
    listing on that date, which tells a replacement from a new paper) and `card` (see
    paper_cards_attach; the card's `author_names` serve the API and the admin preview too).
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
    Five queries whatever the number of papers: the page, the hits with their papers, the
    listings, and the cards' authors and institutions.
    """
    # order_by(): at most one page, and the default ordering would join topic and area.
    page = DailyPage.objects.filter(topic=topic, announce_date=announce_date).order_by().first()
    day = TopicDay(topic=topic, announce_date=announce_date, page=page)
    if page is None or not (include_drafts or day.is_published):
        return day

    listed = Announcement.objects.filter(announce_date=announce_date)
    entries = DailyPageEntry.objects.filter(page=page)
    accepted = TopicHit.objects.filter(
        topic=topic,
        review_state=TopicHit.ReviewState.ACCEPTED,
        # A pk subquery rather than a join: a paper listed in two categories is one row.
        paper__in=listed.values("paper_id"),
    )
    # The day's papers as a subquery for the queries that follow (not 200 literal ids).
    paper_ids = accepted.values("paper_id")
    hits = (
        accepted.select_related("paper", "subtopic")
        .annotate(
            # The editors' order: a paper without an entry comes after the entries' count.
            position=Subquery(entries.filter(paper=OuterRef("paper_id")).values("position")),
            entry_count=Subquery(
                entries.order_by().values("page").annotate(count=Count("pk")).values("count")
            ),
        )
        .order_by("-confidence")
    )
    if include_drafts:
        # Editors' reads may save these papers (publishing stamps them): every column.
        hits = hits.defer("paper__search_vector", "paper__search_zh")
    else:
        # Readers' reads never save: only what cards, feeds and the API show (a third less
        # time to fetch and build 200 papers).
        hits = hits.only(*_PUBLIC_HIT_COLUMNS)
    best: dict[int, TopicHit] = {}
    for hit in hits:
        hit.topic = topic
        best.setdefault(hit.paper_id, hit)  # strongest first
    listings: dict[int, Announcement] = {}
    for listing in (
        listed.filter(paper_id__in=paper_ids)
        .order_by(ANNOUNCE_TYPE_RANK, "category")
        .only("paper", "announce_date", "category", "announce_type", "version")
    ):
        listings.setdefault(listing.paper_id, listing)
    papers = []
    for hit in best.values():
        paper = hit.paper
        paper.hit, paper.announcement = hit, listings[paper.pk]
        papers.append(paper)
    papers.sort(
        key=lambda p: (
            (p.hit.entry_count or 0) if p.hit.position is None else p.hit.position,
            -p.hit.confidence,
            p.arxiv_id,
        )
    )
    day.papers = paper_cards_attach(papers, paper_ids=paper_ids)
    return day


# --- Published pages and papers: built on the published() QuerySets, never a rule of their own.


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


# --- Dates, overviews, search and feeds ----------------------------------------------------


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
    """Give each paper the `hit` and `announcement` a card shows (best hit, latest listing)
    and its `card`."""
    papers = list(papers)
    for paper in papers:
        paper.hit = paper.public_hits[0] if paper.public_hits else None
        paper.announcement = paper.listings[0] if paper.listings else None
    return paper_cards_attach(papers)


def paper_public_get(*, arxiv_id: str) -> Paper | None:
    """A published paper with everything its page shows; None when readers may not see it."""
    paper = _public_cards(_paper_columns()).filter(arxiv_id=arxiv_id).first()
    return public_cards_attach([paper])[0] if paper else None


def paper_search_queryset() -> QuerySet[Paper]:
    """What search filters: published papers, newest first, ready for cards.

    Submission order has an index (paper_newest_first), so a common word is answered by
    reading the newest papers until a page is full instead of sorting every match.
    """
    return _public_cards(_paper_columns()).order_by(*PAPER_NEWEST_FIRST)


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
        _paper_columns()
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
