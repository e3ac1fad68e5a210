"""Reads for ingest: which papers' front matter is to be fetched next."""

import datetime as dt
import functools
import operator

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from papers.models import FrontMatter, Paper, TopicHit
from topics.selectors import watched_categories_list


def papers_front_matter_due(*, now: dt.datetime) -> QuerySet[Paper]:
    """Papers whose front matter the sweep fetches, most wanted first.

    A paper is due when a topic watches one of its categories, its API metadata is complete,
    and its front matter is missing, of an older version, pending, or failed with its
    `next_attempt_at` at or before `now` (a failure past the attempts cap has none: not due).
    Papers with a suggested or accepted topic hit come first (the likeliest to be published),
    then the newest submissions.
    """
    watched = watched_categories_list()
    if not watched:
        return Paper.objects.none()
    in_watched = functools.reduce(
        operator.or_, (Paper.objects.in_category(category) for category in watched)
    )
    hit = TopicHit.objects.filter(
        paper=OuterRef("pk"),
        review_state__in=[TopicHit.ReviewState.SUGGESTED, TopicHit.ReviewState.ACCEPTED],
    )
    due = (
        Q(front_matter__isnull=True)
        | Q(front_matter__version__lt=F("version"))
        | Q(front_matter__state=FrontMatter.State.PENDING)
        | Q(front_matter__state=FrontMatter.State.FAILED, front_matter__next_attempt_at__lte=now)
    )
    return (
        in_watched.filter(due, metadata_state=Paper.MetadataState.COMPLETE)
        .annotate(has_hit=Exists(hit))
        .order_by(F("has_hit").desc(), F("submitted_at").desc(nulls_last=True), "-arxiv_id")
    )
