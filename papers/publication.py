"""Where readers can see each paper, kept on the paper itself for search.

`Paper.published_topics`, `published_first` and `published_last` copy what
`TopicHit.objects.published()` says of the paper, so that search reads its topic and date
filters off the paper row (GIN and btree indexes) instead of an EXISTS over hits, pages and
listings for every candidate paper. Every write that can publish or withdraw a paper calls
papers_publication_refresh: the ingest (a listing added), editorial.edits.audited_save (a
hit, page or topic saved: accepting, rejecting, publishing, unpublishing, deactivating) and
editorial.edits.row_delete.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from papers.models import Announcement, DailyPage, Paper, TopicHit
from topics.models import Topic


def papers_publication_refresh(*, papers: QuerySet[Paper]) -> int:
    """Write the publication columns of these papers as TopicHit.objects.published() has them
    now; returns how many papers changed. Papers already right are not written (a re-ingest
    writes nothing); papers with the same new values share one UPDATE."""
    stored = {
        pk: (topics, first, last)
        for pk, *(topics, first, last) in papers.order_by().values_list(
            "pk", "published_topics", "published_first", "published_last"
        )
    }
    listings: dict[int, set[tuple[int, dt.date]]] = defaultdict(set)
    published = TopicHit.objects.published().filter(paper__in=papers.order_by().values("pk"))
    for paper_id, topic_id, day in published.values_list("paper_id", "topic_id", "published_on"):
        listings[paper_id].add((topic_id, day))
    changed: dict[tuple, list[int]] = defaultdict(list)
    for pk, old in stored.items():
        rows = listings.get(pk)
        new = (
            (sorted({t for t, _ in rows}), min(d for _, d in rows), max(d for _, d in rows))
            if rows
            else ([], None, None)
        )
        if new != old:
            changed[(tuple(new[0]), new[1], new[2])].append(pk)
    for (topics, first, last), pks in changed.items():
        Paper.objects.filter(pk__in=pks).update(
            published_topics=list(topics), published_first=first, published_last=last
        )
    return sum(len(pks) for pks in changed.values())


def publication_paper_ids(row) -> list[int]:
    """The papers whose publication this row takes part in: a hit's or a listing's paper, the
    papers with a hit on a page's topic and date, every paper with a hit of a topic."""
    if isinstance(row, TopicHit | Announcement):
        return [row.paper_id]
    if isinstance(row, DailyPage):
        hits = TopicHit.objects.filter(
            topic=row.topic_id, paper__announcements__announce_date=row.announce_date
        )
    elif isinstance(row, Topic):
        hits = TopicHit.objects.filter(topic=row.pk)
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

    A topic, or dates for a paper published on one date only, are decided by the columns
    alone. Only a paper published on several dates needs the EXISTS, when dates are asked
    (its first and last date may both lie outside the range with none between them), as do
    `listing`'s other conditions (subtopic, confidence), which no column holds. SQLite
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
    papers = papers.filter(published_last__isnull=False)
    if topic_id is not None:
        papers = papers.filter(published_topics__contains=[topic_id])
    if date_from:
        papers = papers.filter(published_last__gte=date_from)
    if date_to:
        papers = papers.filter(published_first__lte=date_to)
        # Listed by then, so submitted before: a bound on the newest-first index, where a
        # search in the past starts reading instead of at today's papers. Exact unless some
        # published paper still lacks its submission time (API metadata pending).
        unknown = Paper.objects.filter(submitted_at__isnull=True, published_last__isnull=False)
        if not unknown.exists():
            before = dt.datetime.combine(date_to + dt.timedelta(days=2), dt.time(), dt.UTC)
            papers = papers.filter(submitted_at__lt=before)
    if listing:
        return papers.published(**exact)
    if date_from or date_to:
        hits = TopicHit.objects.published().filter(paper=OuterRef("pk"), **exact)
        return papers.filter(Q(published_first=F("published_last")) | Exists(hits))
    return papers
