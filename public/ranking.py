"""How search results are ordered: newest first, except that papers titled exactly as the
query's words come before everything else.

Newest first, because the submission order has an index (paper_newest_first): a common word
is answered by reading the newest papers until a page is full, never by scoring and sorting
every match among a million, and a digest's readers look for recent work. Ranking by
ts_rank would read every match's vector. What a reader who pastes a title expects, that
paper on the first page, is found by one lookup of its normalised title (index
paper_title_words) and put first.
"""

import datetime as dt
import re

from django.core.cache import cache
from django.db import connections
from django.db.models import Case, Func, QuerySet, TextField, Value, When

from papers.models import PAPER_NEWEST_FIRST, Paper

# No more papers are put first than fit on one page of results.
TITLED_FIRST = 20
# The most results the search pages ever show: public.views counts to 101 (CappedPaginator),
# so 6 pages of 20.
RESULTS_SHOWN = 120
# The newest papers searched first for several words (about a month of arXiv's CS listings).
RECENT_PAPERS = 20_000
RECENT_SINCE_KEY = "search:recent-since"


class TitleWords(Func):
    """Text as lower-case words and digits separated by single spaces, so "Chain-of-Thought
    Prompting!" and "chain of thought prompting" are equal; the index paper_title_words
    holds it for every title (PostgreSQL only)."""

    template = "btrim(lower(regexp_replace(%(expressions)s, '[^[:alnum:]]+', ' ', 'g')))"
    output_field = TextField()


def papers_titled_first(*, papers: QuerySet[Paper], text: str) -> QuerySet[Paper]:
    """`papers` newest first, those whose title is exactly the words of `text` first of all.

    One index lookup finds the titled papers, for text of two words or more (no title is one
    word); only when there are some does the order need more than the index (a sort of the
    matches). Otherwise several words are read among the newest papers first (see
    _recent_when_enough). SQLite (`make run`): newest first only.
    """
    newest = papers.order_by(*PAPER_NEWEST_FIRST)
    if len(re.findall(r"\w+", text)) < 2 or connections[papers.db].vendor != "postgresql":
        return newest
    titled = list(
        papers.annotate(title_words=TitleWords("title"))
        .filter(title_words=TitleWords(Value(text)))
        .order_by()
        .values_list("pk", flat=True)[:TITLED_FIRST]
    )
    if not titled:
        return _recent_when_enough(newest)
    return papers.order_by(
        Case(When(pk__in=titled, then=Value(0)), default=Value(1)), *PAPER_NEWEST_FIRST
    )


def _recent_when_enough(newest: QuerySet[Paper]) -> QuerySet[Paper]:
    """`newest` limited to the RECENT_PAPERS newest papers when those alone hold every result
    the pages can show: the same results, since they come first in this order anyway.

    PostgreSQL estimates several words' matches as if the words were independent ("reinforcement
    learning policy": 417 where 66,421 match), so it would fetch and sort every match (a
    bitmap scan) instead of reading the newest papers until a page is full. Within the recent
    papers either plan is cheap. When they hold fewer results, the words are rare enough
    for the bitmap scan to be right.
    """
    since = cache.get(RECENT_SINCE_KEY)
    if since is None:
        since = (
            Paper.objects.order_by(*PAPER_NEWEST_FIRST)
            .filter(submitted_at__isnull=False)
            .values_list("submitted_at", flat=True)[RECENT_PAPERS - 1 : RECENT_PAPERS]
            .first()
        ) or dt.datetime.min.replace(tzinfo=dt.UTC)
        cache.set(RECENT_SINCE_KEY, since, 3600)  # any date gives the same results
    recent = newest.filter(submitted_at__gte=since)
    return recent if recent[:RESULTS_SHOWN].count() == RESULTS_SHOWN else newest
