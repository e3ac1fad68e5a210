"""How search results are ordered: newest first, except that papers titled exactly as the
query's words come before everything else.

Newest first, because the submission order has an index (paper_newest_first): a common word
is answered by reading the newest papers until a page is full, never by scoring and sorting
every match among a million, and a digest's readers look for recent work. Ranking by
ts_rank would read every match's vector. What a reader who pastes a title expects, that
paper on the first page, is found by one lookup of its normalised title (index
paper_title_words) and put first.
"""

import re

from django.db import connections
from django.db.models import Case, Func, QuerySet, TextField, Value, When

from papers.models import PAPER_NEWEST_FIRST, Paper

# No more papers are put first than fit on one page of results.
TITLED_FIRST = 20


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
    matches). SQLite (`make run`): newest first only.
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
        return newest
    return papers.order_by(
        Case(When(pk__in=titled, then=Value(0)), default=Value(1)), *PAPER_NEWEST_FIRST
    )
