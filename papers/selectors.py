"""Reads for the public site, feeds and API: everything goes through `published()`."""

import datetime as dt

from django.db.models import QuerySet

from papers.models import Announcement, DailyPage


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
