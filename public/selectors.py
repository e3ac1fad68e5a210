"""Reads for the public site, feeds and API: one rule for what readers may see.

That rule is `TopicHit.objects.published()` (papers/models.py) and what derives from it:
`Paper.objects.published()`, `DailyPage.objects.published()`, `TopicHit.objects.listed_on()`.
Every read here goes through them; the site, the feeds and the API call the same functions,
so they give the same answers. Beside this module: public.dates (which dates and pages
readers can open, a date's digest), public.cards (what a paper card shows),
public.matching (how words and names match), public.rows (a topic day's rows).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.http import Http404

from papers.models import (
    Announcement,
    DailyPage,
    DailyPageEntry,
    Institution,
    Paper,
    PaperAuthor,
    TopicHit,
)
from papers.publication import papers_published_where, submitted_before
from public.cards import paper_cards_attach
from public.matching import institution_papers_q, paper_text_q
from public.ranking import SearchResults, papers_titled_first
from public.rows import (
    ANNOUNCE_TYPE_RANK,
    HIT_COLUMNS,
    LISTING_COLUMNS,
    SUBTOPIC_COLUMNS,
    DayHit,
    paper_columns_get,
    row_instance,
)
from topics.models import Subtopic, Topic


def _unknown(kind: str, slug: str) -> Http404:
    # The API shows this message; the site's 404 page does not.
    return Http404(f"unknown {kind} {slug!r}; GET /api/v1/topics lists them")


def institution_public_get(*, pk: int) -> Institution:
    """A matched institution (ROR, curated, editor-confirmed) with its aliases, for its page
    and feeds. Raises Http404 for an unknown or unmatched one: an unmatched name is only the
    paper's own words, not an organisation readers can browse."""
    institution = (
        Institution.objects.exclude(source=Institution.Source.UNMATCHED)
        .prefetch_related("aliases")
        .filter(pk=pk)
        .first()
    )
    if institution is None:
        raise Http404(f"no institution {pk}")
    return institution


def topic_active_get(*, slug: str) -> Topic:
    """The active topic with this slug, its area loaded: the one topic lookup of the site,
    the feeds and the API. Raises Http404 for an unknown or inactive topic."""
    topic = Topic.objects.active().select_related("area").filter(slug=slug).first()
    if topic is None:
        raise _unknown("topic", slug)
    return topic


def announce_dates_list() -> QuerySet:
    """Every arXiv announce date we hold, newest first (published or not)."""
    return (
        Announcement.objects.order_by("-announce_date")
        .values_list("announce_date", flat=True)
        .distinct()
    )


def _paper_columns() -> QuerySet[Paper]:
    """Papers without the stored search columns, which no page or API answer shows."""
    return Paper.objects.defer("search_vector", "search_zh")


@dataclass
class TopicDay:
    """One topic's papers for one announce date, as readers (or a previewing editor) see them.

    Each paper carries `hit` (a DayHit: its best accepted hit for this topic), `announcement` (its
    listing on that date, which tells a replacement from a new paper) and `card` (see
    paper_cards_attach; the card's `author_names` serve the API and the admin preview too).
    `paper_ids`: every paper the day shows, also those a limit left out of `papers`.
    """

    topic: object
    announce_date: dt.date
    page: DailyPage | None
    papers: list[Paper] = field(default_factory=list)
    paper_ids: set[int] = field(default_factory=set)

    @property
    def is_published(self) -> bool:
        """Readers see this page: DailyPage.objects.published() holds it."""
        return self.page is not None and self.page.is_public


def topic_day_get(*, topic, announce_date: dt.date, include_drafts: bool = False) -> TopicDay:
    """The single read behind the topic-day page, its preview, its feed items and the API.

    Without `include_drafts` a day readers may not see has no papers. With it (editors'
    preview), the day shows exactly what publishing would make public: the hits
    `TopicHit.objects.listed_on(announce_date)` gives for the topic. See topic_days_get.
    """
    return topic_days_get(
        topics=[topic], announce_date=announce_date, include_drafts=include_drafts
    )[0]


def topic_days_get(
    *, topics, announce_date: dt.date, include_drafts: bool = False, limit: int | None = None
) -> list[TopicDay]:
    """topic_day_get for several topics at once (a date's digest), in the order given; with
    `limit`, only each day's first papers in the page's order, with their cards.

    Five queries whatever the number of topics and papers: the pages, the hits with their
    papers, the listings, and the cards' authors and institutions.
    """
    days = {
        topic.pk: TopicDay(topic=topic, announce_date=announce_date, page=None) for topic in topics
    }
    for page in (
        DailyPage.objects.filter(topic__in=list(days), announce_date=announce_date)
        .annotate(is_public=Exists(DailyPage.objects.published().filter(pk=OuterRef("pk"))))
        # At most one page per topic, and the default ordering would join topic and area.
        .order_by()
    ):
        days[page.topic_id].page = page
    shown_ids = [
        pk for pk, day in days.items() if day.page and (include_drafts or day.is_published)
    ]
    if not shown_ids:
        return list(days.values())

    entries = DailyPageEntry.objects.filter(
        page__topic=OuterRef("topic_id"), page__announce_date=announce_date
    )
    shown = TopicHit.objects.filter(topic__in=shown_ids).listed_on(announce_date)
    # The days' papers as a subquery for the queries that follow (not 200 literal ids).
    paper_ids = shown.values("paper_id")
    # Editors' previews read more of a paper than cards show (its Chinese as stored, links to
    # edit it): every column but the search ones. Readers' reads only what cards, feeds and
    # the API show (a third less time to fetch and build 200 papers).
    paper_columns = paper_columns_get(include_drafts=include_drafts)
    rows = (
        shown.annotate(
            # The editors' order: a paper without an entry comes after the entries' count.
            position=Subquery(entries.filter(paper=OuterRef("paper_id")).values("position")),
            entry_count=Subquery(
                entries.order_by().values("page").annotate(count=Count("pk")).values("count")
            ),
        )
        .order_by("-confidence")
        .values_list(
            *HIT_COLUMNS,
            *(f"subtopic__{name}" for name in SUBTOPIC_COLUMNS),
            *(f"paper__{name}" for name in paper_columns),
        )
    )
    db = rows.db
    subtopics: dict[int, Subtopic] = {}
    best: dict[tuple[int, int], Paper] = {}
    paper_at = len(HIT_COLUMNS) + len(SUBTOPIC_COLUMNS)
    subtopic_id_at = len(HIT_COLUMNS) + SUBTOPIC_COLUMNS.index("id")
    paper_id_at = paper_at + paper_columns.index("id")
    for row in rows:
        topic_id, confidence, reason, origin, position, entry_count = row[: len(HIT_COLUMNS)]
        paper_id, subtopic_id = row[paper_id_at], row[subtopic_id_at]
        if (topic_id, paper_id) in best:
            continue  # strongest first
        subtopic = subtopics.get(subtopic_id)
        if subtopic is None and subtopic_id is not None:
            subtopic = row_instance(
                Subtopic, db, SUBTOPIC_COLUMNS, row[len(HIT_COLUMNS) : paper_at]
            )
            subtopics[subtopic_id] = subtopic
        paper = row_instance(Paper, db, paper_columns, row[paper_at:])
        paper.hit = DayHit(
            topic=days[topic_id].topic,
            subtopic=subtopic,
            confidence=confidence,
            reason=reason,
            origin=origin,
            position=position,
            entry_count=entry_count,
        )
        best[topic_id, paper_id] = paper
    # Each paper's strongest listing that day, as a row: only those shown become instances.
    listings: dict[int, tuple] = {}
    listing_paper_at = LISTING_COLUMNS.index("paper_id")
    for listing in (
        Announcement.objects.filter(announce_date=announce_date, paper_id__in=paper_ids)
        .order_by(ANNOUNCE_TYPE_RANK, "category")
        .values_list(*LISTING_COLUMNS)
    ):
        listings.setdefault(listing[listing_paper_at], listing)
    for (topic_id, paper_id), paper in best.items():
        paper.announcement = row_instance(Announcement, db, LISTING_COLUMNS, listings[paper_id])
        days[topic_id].papers.append(paper)
    carded = []
    for day in days.values():
        day.papers.sort(
            key=lambda p: (
                (p.hit.entry_count or 0) if p.hit.position is None else p.hit.position,
                -p.hit.confidence,
                p.arxiv_id,
            )
        )
        day.paper_ids = {paper.pk for paper in day.papers}
        day.papers = day.papers[:limit]
        carded.extend(day.papers)
    paper_cards_attach(carded, paper_ids=paper_ids if limit is None else None)
    return list(days.values())


# --- One paper filter for the site's search form and the API's query -----------------------


@dataclass(frozen=True)
class PaperQuery:
    """One filter over published papers, whichever way it comes in (search form, API query).

    Paper conditions: `q` (words, Chinese text or an arXiv id; see paper_text_q), `category`
    (an arXiv category the paper is in), `institution` (see institutions_named),
    `institution_id` (that institution's papers: its page), `updated`
    (True: revised after v1, i.e. version > 1; False: v1 only; None: either).
    Listing conditions, which ONE published listing (a published hit and the page showing it)
    must meet together: `topic` and `subtopic` (slugs; a subtopic slug may recur under
    several topics), `min_confidence` (0–1, the hit's), `date_from` / `date_to` (the page's
    announce date, inclusive). Blank text counts as absent.
    """

    q: str | None = None
    category: str | None = None
    institution: str | None = None
    institution_id: int | None = None
    updated: bool | None = None
    topic: str | None = None
    subtopic: str | None = None
    min_confidence: float | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def paper_query_taxonomy_check(*, query: PaperQuery) -> None:
    """Raise Http404 naming the query's topic or subtopic slug if no active topic has it."""
    if query.topic:
        topic_active_get(slug=query.topic)
    active = Subtopic.objects.filter(topic__in=Topic.objects.active())
    if query.subtopic and not active.filter(slug=query.subtopic).exists():
        raise _unknown("subtopic", query.subtopic)


def papers_query_apply(*, query: PaperQuery, papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """The papers of `papers` that readers may see and that meet every condition of `query`.

    `papers` only shapes the result (columns, prefetches, order): whatever it holds, only
    published papers come out, as Paper.objects.published(**listing) decides, read off the
    paper's own publication columns (papers.publication.papers_published_where). An unknown
    or inactive topic or subtopic matches nothing (the API reports it first:
    paper_query_taxonomy_check).
    """
    return _papers_query_filter(query=query, papers=papers)[0]


def _papers_query_filter(
    *, query: PaperQuery, papers: QuerySet[Paper]
) -> tuple[QuerySet[Paper], bool]:
    """papers_query_apply's papers, and whether a condition (an institution's papers)
    named few enough of them to check the text on each."""
    few = False  # another condition names few enough papers to check the text on each
    if institution := (query.institution or "").strip():
        linked, few = institution_papers_q(institution)
        papers = papers.filter(linked)
    if category := (query.category or "").strip():
        papers = papers.in_category(category)
    if query.institution_id is not None:
        papers = papers.filter(paper_institutions__institution_id=query.institution_id)
    if query.updated is not None:
        papers = papers.filter(version__gt=1) if query.updated else papers.filter(version=1)
    listing = {}
    topic_id = None
    if query.topic:
        # The id itself: the paper's published_topics is matched against a literal.
        topic_id = Topic.objects.filter(slug=query.topic).values_list("pk", flat=True).first()
        if topic_id is None:
            return papers.none(), False
    if query.subtopic:
        listing["subtopic__in"] = Subtopic.objects.filter(slug=query.subtopic).values("pk")
    if query.min_confidence is not None:
        listing["confidence__gte"] = query.min_confidence
    papers = papers_published_where(
        papers, topic_id=topic_id, date_from=query.date_from, date_to=query.date_to, **listing
    )
    if text := (query.q or "").strip():
        # Written last: PostgreSQL checks a row's conditions of equal cost in the order
        # written, and matching text costs the most (a tsvector to unpack, a regex): read in
        # index order, a paper not in the topic is passed over without it (110 → 21 ms for
        # "强化学习" in one of 17 topics at a million papers).
        vendor = connections[papers.db].vendor
        papers = papers.filter(paper_text_q(text=text, vendor=vendor, indexed=not few))
    return papers, few


# --- Published papers: lists, search and the paper detail -----------------------------------


def _published_listings() -> Prefetch:
    """Each paper's `published_hits`: rows of TopicHit.objects.published() (a hit and the page
    that shows it, `published_on` its date), with topic and subtopic, oldest page first."""
    hits = (
        TopicHit.objects.published()
        .select_related("topic", "subtopic")
        .order_by("published_on", "topic__slug", "subtopic__slug", "pk")
        .distinct()  # a paper listed in two categories that day: one row (see listed_on)
    )
    return Prefetch("topic_hits", queryset=hits, to_attr="published_hits")


def _arxiv_listings() -> Prefetch:
    """Each paper's `listings`: every arXiv listing, newest first, the strongest of a day first."""
    listings = Announcement.objects.order_by("-announce_date", ANNOUNCE_TYPE_RANK, "category")
    return Prefetch("announcements", queryset=listings, to_attr="listings")


def published_papers_queryset(*, query: PaperQuery) -> QuerySet[Paper]:
    """The API's paper list: the published papers meeting `query`, newest published page
    first (see papers_query_apply).

    Each paper carries its authors, `published_hits` (see _published_listings) and
    `last_published_on`; ordering is total (arxiv_id breaks ties), so pages never overlap.
    """
    papers = (
        _paper_columns()
        .annotate(last_published_on=F("published_last"))
        .prefetch_related(
            Prefetch("authors", queryset=PaperAuthor.objects.order_by("position")),
            _published_listings(),
        )
        .order_by("-last_published_on", "-arxiv_id")
    )
    return papers_query_apply(query=query, papers=papers)


def paper_search_results(*, query: PaperQuery) -> SearchResults:
    """The site's search results: the published papers meeting `query` (see
    papers_query_apply), newest first after any titled exactly as the query's words (see
    public.ranking). SearchResults.read gives a page's papers ready for paper_cards_attach;
    `papers` is the whole queryset, each paper read with what public_cards_attach needs."""
    shown = _paper_columns().prefetch_related(_published_listings(), _arxiv_listings())
    papers, few = _papers_query_filter(query=query, papers=shown)
    before = submitted_before(query.date_to) if query.date_to else None
    text = (query.q or "").strip()
    return papers_titled_first(papers=papers, text=text, before=before, window=not few)


def public_hits_attach(papers) -> list[Paper]:
    """Give each paper (with `published_hits` and `listings`) the `hit` and `announcement` its
    card shows: its strongest published hit (the newest page on a tie) and its latest
    listing."""
    papers = list(papers)
    for paper in papers:
        paper.hit = max(
            paper.published_hits, key=lambda hit: (hit.confidence, hit.published_on), default=None
        )
        paper.announcement = paper.listings[0] if paper.listings else None
    return papers


def public_cards_attach(papers) -> list[Paper]:
    """public_hits_attach, then each paper's `card` (public.cards.paper_cards_attach)."""
    return paper_cards_attach(public_hits_attach(papers))


def paper_detail_get(*, arxiv_id: str) -> Paper | None:
    """One published paper by arXiv id (without version), as the paper page and the API's
    paper detail show it; None when readers may not see it.

    It carries `published_hits` (the pages that show it, oldest first), `listings` (every
    arXiv listing, newest first), `last_published_on`, its versions (prefetched), and `hit`,
    `announcement` and `card` (see public_cards_attach). Six queries.
    """
    paper = (
        _paper_columns()
        .published()
        .prefetch_related(_published_listings(), _arxiv_listings(), "versions")
        .filter(arxiv_id=arxiv_id)
        .first()
    )
    if paper is None:
        return None
    # The listings are at hand: no subquery (as the paper list needs) for their newest date.
    paper.last_published_on = paper.published_hits[-1].published_on
    return public_cards_attach([paper])[0]


# --- Feeds ---------------------------------------------------------------------------------


@dataclass
class FeedItem:
    paper: Paper
    hit: TopicHit | DayHit
    announce_date: dt.date
    announcement: Announcement | None


def feed_items_list(
    *,
    topic: Topic | None = None,
    institution: Institution | None = None,
    days: int = 7,
    limit: int = 200,
) -> list[FeedItem]:
    """Accepted papers of the latest published days (of a topic, of an institution's papers,
    or of all), newest first.

    A paper appears once per day, with its strongest hit; a later replacement on another
    day is a new item (its guid carries the new version).
    """
    hits = TopicHit.objects.published()
    if topic is not None:
        hits = hits.filter(topic=topic)
    if institution is not None:
        hits = hits.filter(paper__paper_institutions__institution=institution)
    dates = list(
        hits.order_by("-published_on").values_list("published_on", flat=True).distinct()[:days]
    )
    if not dates:
        return []
    best: dict[tuple[int, dt.date], TopicHit] = {}
    for hit in (
        hits.filter(published_on__in=dates)
        .select_related("topic", "subtopic")
        .order_by("-published_on", "-confidence", "-paper__arxiv_id")
    ):
        best.setdefault((hit.paper_id, hit.published_on), hit)
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
        day = hit.published_on
        listing = next((a for a in paper.day_announcements if a.announce_date == day), None)
        items.append(FeedItem(paper=paper, hit=hit, announce_date=day, announcement=listing))
    return items


def search_feed_items_list(*, query: PaperQuery, limit: int) -> list[FeedItem]:
    """The first `limit` results of the site's search for `query` (paper_search_results: the
    same papers in the same order as its result pages), as feed items: the hit and listing
    each paper's card shows (SearchResults.read), dated by the newest published page showing
    the paper."""
    results = paper_search_results(query=query)
    return [
        FeedItem(
            paper=paper,
            hit=paper.hit,
            announce_date=paper.last_published_on,
            announcement=paper.announcement,
        )
        for paper in results.read(results.ids(limit))
    ]
