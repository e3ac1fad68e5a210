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
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Case, Func, QuerySet, TextField, Value, When

from papers.models import PAPER_NEWEST_FIRST, Paper
from papers.publication import published_unsubmitted_exist
from public.found import found_papers_read
from public.matching import searched_arxiv_id

# No more papers are put first than fit on one page of results.
TITLED_FIRST = 20
# The newest papers searched first for several common words (about two months of arXiv's CS
# listings: enough for a page of such words in one topic of twenty).
RECENT_PAPERS = 40_000
RECENT_SINCE_KEY = "search:recent-since:{papers}:{before}"
# How often a process reads the column statistics again (ANALYZE runs about as often).
COMMON_WORDS_SECONDS = 3600


class TitleWords(Func):
    """Text as lower-case words and digits separated by single spaces, so "Chain-of-Thought
    Prompting!" and "chain of thought prompting" are equal; the index paper_title_words
    holds it for every title (PostgreSQL only)."""

    template = "btrim(lower(regexp_replace(%(expressions)s, '[^[:alnum:]]+', ' ', 'g')))"
    output_field = TextField()


@dataclass(frozen=True)
class SearchResults:
    """A search's results in their order: `papers` holds them all; `first`, when set, is
    the same search among the RECENT_PAPERS newest papers (before the range's end, if it has
    one), whose results come first in that order anyway.

    Read a page as ids first (`ids`), then its papers (`read`): one search query a page.
    """

    papers: QuerySet[Paper]
    first: QuerySet[Paper] | None = None

    def ids(self, limit: int) -> list[int]:
        """The pks of the first `limit` results, in order. From `first` when it holds that
        many (then they are exactly the first of `papers`), else from `papers`."""
        if self.first is not None:
            # Within the window, reading it in index order is bounded and right: PostgreSQL,
            # misled by the same estimates, may otherwise gather and sort a whole date range.
            with transaction.atomic(using=self.first.db), connections[self.first.db].cursor() as c:
                c.execute("SET LOCAL enable_bitmapscan = off")
                ids = list(self.first.values_list("pk", flat=True)[:limit])
            if len(ids) == limit:
                return ids
        return list(self.papers.values_list("pk", flat=True)[:limit])

    def read(self, ids: list[int]) -> list[Paper]:
        """The papers of `ids` (as `ids` gave them: results already), in that order, with
        what their cards show (public.found.found_papers_read), read by pk alone: the
        search's conditions are not checked a second time."""
        return found_papers_read(ids=ids)


def papers_titled_first(
    *,
    papers: QuerySet[Paper],
    text: str,
    before: dt.datetime | None = None,
    window: bool = True,
) -> SearchResults:
    """`papers` newest first, those whose title is exactly the words of `text` first of all.

    One index lookup finds the titled papers, for text of two words or more (no title is one
    word); only when there are some does the order need more than the index (a sort of the
    matches). Otherwise several words are searched among the newest papers first, those
    submitted before `before` when the search has such a bound (see _recent_first), unless
    `window` is False: another condition names few papers already (an institution's), all
    of whose matches are read as fast. An arXiv id and SQLite (`make run`): newest first
    only.
    """
    newest = papers.order_by(*PAPER_NEWEST_FIRST)
    if (
        len(re.findall(r"\w+", text)) < 2
        or connections[papers.db].vendor != "postgresql"
        or searched_arxiv_id(text) is not None  # one paper at most: no title to look up
    ):
        return SearchResults(newest)
    titled = list(
        papers.annotate(title_words=TitleWords("title"))
        .filter(title_words=TitleWords(Value(text)))
        .order_by()
        .values_list("pk", flat=True)[:TITLED_FIRST]
    )
    if not titled:
        first = _recent_first(newest, text=text, before=before) if window else None
        return SearchResults(newest, first=first)
    return SearchResults(
        papers.order_by(
            Case(When(pk__in=titled, then=Value(0)), default=Value(1)), *PAPER_NEWEST_FIRST
        )
    )


def _recent_first(
    newest: QuerySet[Paper], *, text: str, before: dt.datetime | None
) -> QuerySet | None:
    """`newest` among the RECENT_PAPERS newest papers submitted before `before` (or of all):
    a prefix of `newest`, so when it holds a page's results they are the page's results.
    None while some published paper lacks its submission time (it sorts first).

    PostgreSQL estimates several words' matches as if the words were independent ("reinforcement
    learning policy": 417 where 66,421 match), so it would fetch and sort every match (a
    bitmap scan) instead of reading the newest papers until a page is full. Within the recent
    papers either plan is cheap. When they hold fewer results, the words are rare enough
    for the bitmap scan to be right. Only for common words (see _words_common): for a rare
    one PostgreSQL's estimate is low and right, and the window would be read for nothing.
    """
    if published_unsubmitted_exist() or not _words_common(text, db=newest.db):
        return None
    key = RECENT_SINCE_KEY.format(papers=RECENT_PAPERS, before=before.isoformat() if before else "")
    since = cache.get(key)
    if since is None:
        recent = Paper.objects.order_by(*PAPER_NEWEST_FIRST).filter(submitted_at__isnull=False)
        if before is not None:
            recent = recent.filter(submitted_at__lt=before)
        since = recent.values_list("submitted_at", flat=True)[
            RECENT_PAPERS - 1 : RECENT_PAPERS
        ].first() or dt.datetime.min.replace(tzinfo=dt.UTC)
        cache.set(key, since, 3600)  # any date gives the same results
    return newest.filter(submitted_at__gte=since)


# This process's copy of the most common words of the papers' search vectors: (read at, words).
_common_words: tuple[float, frozenset[str]] = (-COMMON_WORDS_SECONDS, frozenset())


def _words_common(text: str, *, db: str) -> bool:
    """Whether every word of `text` (as English lexemes) is among the most common elements
    PostgreSQL's statistics keep for `Paper.search_vector` (ANALYZE's sample: words in more
    than about 1 % of papers at a million), read at most every COMMON_WORDS_SECONDS. Those
    are the words whose AND the planner underestimates, as if independent."""
    global _common_words
    read_at, common = _common_words
    with connections[db].cursor() as cursor:
        if time.monotonic() - read_at > COMMON_WORDS_SECONDS:
            cursor.execute(
                "SELECT most_common_elems::text::text[] FROM pg_stats"
                " WHERE tablename = %s AND attname = 'search_vector'",
                [Paper._meta.db_table],
            )
            row = cursor.fetchone()
            common = frozenset(row[0] if row and row[0] else ())
            _common_words = (time.monotonic(), common)
        cursor.execute("SELECT tsvector_to_array(to_tsvector('english', %s))", [text])
        lexemes = cursor.fetchone()[0]
    return bool(lexemes) and common.issuperset(lexemes)
