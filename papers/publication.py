"""Where readers can see each paper, kept on the paper itself for search.

`Paper.published_topics` (topic ids, ascending), `published_first` and `published_last`
(dates) and `published_listings` (listing keys, see listing_key: one per published date and
one per published topic and date) copy what `TopicHit.objects.published()` says of the
paper, so that search reads its topic and date filters off the paper row (GIN and btree
indexes) instead of an EXISTS over hits, pages and listings for every candidate paper.
Every write that can publish or withdraw a paper calls papers_publication_refresh: the
ingest (a listing added), editorial.edits.audited_save (a hit, page or topic saved:
accepting, rejecting, publishing, unpublishing, deactivating) and
editorial.edits.row_delete.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db import connections
from django.db.models import QuerySet

from papers.models import PUBLICATION_FIELDS, Announcement, DailyPage, Paper, TopicHit
from topics.models import Subtopic, Topic


def papers_publication_refresh(*, papers: QuerySet[Paper]) -> int:
    """Write the publication columns of these papers as TopicHit.objects.published() has them
    now; returns how many papers changed. Papers already right are not written (a re-ingest
    writes nothing); papers with the same new values share one UPDATE."""
    stored = {
        pk: tuple(tuple(v) if isinstance(v, list) else v for v in columns)
        for pk, *columns in papers.order_by().values_list("pk", *PUBLICATION_FIELDS)
    }
    listings: dict[int, set[tuple[int, dt.date]]] = defaultdict(set)
    published = TopicHit.objects.published().filter(paper__in=papers.order_by().values("pk"))
    for paper_id, topic_id, day in published.values_list("paper_id", "topic_id", "published_on"):
        listings[paper_id].add((topic_id, day))
    changed: dict[tuple, list[int]] = defaultdict(list)
    for pk, old in stored.items():
        new = _columns(listings.get(pk, set()))
        if new != old:
            changed[new].append(pk)
    for columns, pks in changed.items():
        values = dict(zip(PUBLICATION_FIELDS, columns, strict=True))
        Paper.objects.filter(pk__in=pks).update(
            **{name: list(v) if isinstance(v, tuple) else v for name, v in values.items()}
        )
    return sum(len(pks) for pks in changed.values())


def listing_key(day: dt.date, topic_id: int | None = None) -> str:
    """A key of `Paper.published_listings`: "2026-04-27" (published that day) or
    "3/2026-04-27" (published that day under topic 3)."""
    return day.isoformat() if topic_id is None else f"{topic_id}/{day.isoformat()}"


def listing_newest_by_topic(keys: Iterable[str]) -> dict[int, dt.date]:
    """The newest date of each topic id among `Paper.published_listings` keys (see
    listing_key); keys without a topic are left out."""
    newest: dict[int, dt.date] = {}
    for key in keys:
        topic_id, slash, day = key.partition("/")
        if slash:
            date = dt.date.fromisoformat(day)
            newest[int(topic_id)] = max(newest.get(int(topic_id), date), date)
    return newest


def _columns(rows: set[tuple[int, dt.date]]) -> tuple:
    """PUBLICATION_FIELDS' values (lists as tuples) for these (topic id, date) listings."""
    if not rows:
        return ((), None, None, ())
    days = {day for _, day in rows}
    keys = {listing_key(day) for day in days} | {listing_key(day, t) for t, day in rows}
    return (tuple(sorted({t for t, _ in rows})), min(days), max(days), tuple(sorted(keys)))


def publication_paper_ids(row) -> list[int]:
    """The papers whose publication this row takes part in: a hit's or a listing's paper, the
    papers with a hit on a page's topic and date, every paper with a hit of a topic or of a
    subtopic (deleting a subtopic deletes its hits)."""
    if isinstance(row, TopicHit | Announcement):
        return [row.paper_id]
    if isinstance(row, DailyPage):
        hits = TopicHit.objects.filter(
            topic=row.topic_id, paper__announcements__announce_date=row.announce_date
        )
    elif isinstance(row, Topic):
        hits = TopicHit.objects.filter(topic=row.pk)
    elif isinstance(row, Subtopic):
        hits = TopicHit.objects.filter(subtopic=row.pk)
    else:
        return []
    return list(hits.order_by().values_list("paper_id", flat=True).distinct())


# Pks per refresh: a bounded IN list (SQLite allows 32,766 parameters; a big topic deactivated
# touches every paper it ever had) and bounded memory for the rows read back.
REFRESH_BATCH = 5_000


def papers_publication_refresh_ids(
    paper_ids: Collection[int], *, batch: int = REFRESH_BATCH
) -> int:
    """papers_publication_refresh for these paper pks, `batch` pks at a time (none: no
    query); returns how many papers changed."""
    ordered = sorted(set(paper_ids))
    return sum(
        papers_publication_refresh(papers=Paper.objects.filter(pk__in=ordered[at : at + batch]))
        for at in range(0, len(ordered), batch)
    )


def submitted_before(date_to: dt.date) -> dt.datetime:
    """A bound on the submission time of every paper listed by `date_to` (UTC, exclusive)."""
    return dt.datetime.combine(date_to + dt.timedelta(days=2), dt.time(), dt.UTC)


def published_unsubmitted_exist() -> bool:
    """Whether some published paper still lacks its submission time (API metadata pending):
    such papers sort first in PAPER_NEWEST_FIRST and no submission bound holds for them."""
    return Paper.objects.filter(submitted_at__isnull=True, published_last__isnull=False).exists()


def papers_published_where(
    papers: QuerySet[Paper],
    *,
    topic_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    **listing,
) -> QuerySet[Paper]:
    """`papers.published(topic_id=…, published_on__gte=…, …)`, read off the publication
    columns: the same papers, found through indexes on the paper.

    A topic is `published_topics` containing it; dates are `published_listings` holding one
    of the keys (listing_key) of the published pages in the range (of the topic, if one is
    asked): a few hundred dates a year, read first from the pages. Only `listing`'s other
    conditions (subtopic, confidence), which no column holds, need the EXISTS. SQLite
    (`make run`) has no JSON containment and always takes the EXISTS.
    """
    exact = dict(listing)
    if topic_id is not None:
        exact["topic_id"] = topic_id
    if date_from:
        exact["published_on__gte"] = date_from
    if date_to:
        exact["published_on__lte"] = date_to
    if connections[papers.db].vendor != "postgresql":
        return papers.published(**exact)
    # A range on both sides, or a topic's dates: the first and last date alone could straddle
    # it (or be another topic's), so the listings' keys decide, and alone: with the first and
    # last dates too, PostgreSQL may combine their btree indexes, every paper on one side.
    keyed = bool((date_from and date_to) or (topic_id is not None and (date_from or date_to)))
    papers = papers.filter(published_last__isnull=False)
    if topic_id is not None:
        papers = papers.filter(published_topics__contains=[topic_id])
    if date_from and not keyed:
        papers = papers.filter(published_last__gte=date_from)
    if date_to:
        if not keyed:
            papers = papers.filter(published_first__lte=date_to)
        # Listed by then, so submitted before: a bound on the newest-first index, where a
        # search in the past starts reading instead of at today's papers. Exact unless some
        # published paper still lacks its submission time (API metadata pending).
        if not published_unsubmitted_exist():
            papers = papers.filter(submitted_at__lt=submitted_before(date_to))
    if keyed:
        pages = DailyPage.objects.published().filter(
            announce_date__gte=date_from or dt.date.min,
            announce_date__lte=date_to or dt.date.max,
            **({} if topic_id is None else {"topic_id": topic_id}),
        )
        days = pages.order_by().values_list("announce_date", flat=True).distinct()
        keys = [listing_key(day, topic_id) for day in days]
        if not keys:
            return papers.none()
        papers = papers.filter(published_listings__has_any_keys=keys)
    if listing:
        return papers.published(**exact)
    return papers
