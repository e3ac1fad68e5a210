"""Celery tasks: thin wrappers with stable names around services. Each block is one feature."""

# ======================================================================= ingest (issue 4)

import datetime as dt

import redis
from celery import shared_task
from django.db import OperationalError

from papers import services
from papers.arxiv_source import ArxivError
from papers.models import RunStatus
from topics.selectors import watched_categories_list

_INGEST_RETRY = {
    "acks_late": True,
    "autoretry_for": (ArxivError, OperationalError, redis.ConnectionError),
    "retry_backoff": 300,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 4,
    "soft_time_limit": 25 * 60,
    "time_limit": 30 * 60,
}


class IngestIncomplete(ArxivError):
    """The run failed as a whole (arXiv unreachable, listing not out): retry later."""


@shared_task(name="papers.ingest_announcement", **_INGEST_RETRY)
def ingest_announcement(categories: list[str] | None = None, announce_date: str | None = None):
    """Ingest the latest listing (or `announce_date`, ISO) of the watched categories."""
    date = dt.date.fromisoformat(announce_date) if announce_date else None
    run = services.announcement_ingest(
        categories=categories or watched_categories_list(), announce_date=date
    )
    if run.status == RunStatus.FAILED:
        raise IngestIncomplete(run.error)
    return run.pk


@shared_task(name="papers.ingest_pending_metadata", **_INGEST_RETRY)
def ingest_pending_metadata():
    """Complete papers the API had not returned yet (it often lags the listing)."""
    return services.pending_metadata_ingest().pk


# =================================================================== end ingest (issue 4)
