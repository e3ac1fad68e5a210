"""Reads for ingest: which papers' front matter is to be fetched next, which announcements
arXiv made already."""

import datetime as dt
import functools
import operator
from collections.abc import Sequence

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from ingest.sources.records import AnnouncementRecord
from papers.models import Announcement, FrontMatter, Paper, TopicHit
from topics.selectors import watched_categories_list


def announcements_repeated(
    *, announcements: Sequence[AnnouncementRecord]
) -> dict[tuple[str, str, int], dt.date]:
    """Those of `announcements` arXiv made already on an earlier date: (arXiv id, category,
    version) → that date.

    arXiv lists one version of a paper in one category once; the same again on a later date
    is its earlier batch served again (a stale feed, a window rebuilt from the API), never a
    new announcement.
    """
    if not announcements:
        return {}
    wanted = {(a.arxiv_id, a.category, a.version): a.announce_date for a in announcements}
    stored = Announcement.objects.filter(
        paper__arxiv_id__in={arxiv_id for arxiv_id, _, _ in wanted},
        announce_date__lt=max(wanted.values()),
    ).values_list("paper__arxiv_id", "category", "version", "announce_date")
    return {
        (arxiv_id, category, version): day
        for arxiv_id, category, version, day in stored
        if day < wanted.get((arxiv_id, category, version), day)
    }


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
