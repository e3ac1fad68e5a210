"""Celery tasks of ingest: thin wrappers with stable names around ingest.services."""

import datetime as dt

import redis
from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from ingest import services
from ingest.front_matter import front_matters_fetch
from ingest.sources.http import ArxivError
from papers.models import IngestRun, RunStatus
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


@shared_task(name="papers.ingest_announcement", bind=True, **_INGEST_RETRY)
def ingest_announcement(
    self, categories: list[str] | None = None, announce_date: str | None = None
):
    """Ingest the latest listing (or `announce_date`, ISO) of the watched categories."""
    date = dt.date.fromisoformat(announce_date) if announce_date else None
    run = services.announcement_ingest(
        categories=categories or watched_categories_list(),
        announce_date=date,
        task_id=self.request.id,
    )
    if run.status == RunStatus.FAILED:
        raise IngestIncomplete(run.error)
    front_matter_sweep.delay_on_commit()
    return run.pk


@shared_task(name="papers.ingest_pending_metadata", bind=True, **_INGEST_RETRY)
def ingest_pending_metadata(self):
    """Complete papers the API had not returned yet (it often lags the listing)."""
    run = services.pending_metadata_ingest(task_id=self.request.id)
    front_matter_sweep.delay_on_commit()
    return run.pk


# A paper's own fault is stored on its FrontMatter row and retried by the next sweep; only a
# lost database or Redis is worth retrying the task for.
@shared_task(
    name="papers.front_matter_sweep",
    acks_late=True,
    autoretry_for=(OperationalError, redis.ConnectionError),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=4,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def front_matter_sweep() -> str:
    """Fetch the front matter of due papers (new, new versions, failures due again), topic
    hits first, FRONT_MATTER_SWEEP_BATCH at most; returns the tally's summary.

    A full batch queues the next one at once instead of waiting for the beat: a day's papers
    arrive hundreds at a time, before enrichment has proposed any topic hit, and each new batch
    picks the papers with hits first again. Every paper of a batch leaves it with a row that is
    no longer due (done, or failed until its retry time), so the chain ends."""
    batch = settings.FRONT_MATTER_SWEEP_BATCH
    tally = front_matters_fetch(limit=batch)
    if tally.papers >= batch:
        front_matter_sweep.delay()
    return tally.summary


def ingest_run_retry(*, run: IngestRun) -> bool:
    """Queue the run's work again (same date and categories) once the caller commits.

    Returns True: the task is queued (the admin's retry action counts these).
    """
    if run.source == IngestRun.Source.METADATA:
        ingest_pending_metadata.delay_on_commit()
    else:
        day = run.announce_date.isoformat() if run.announce_date else None
        ingest_announcement.delay_on_commit(announce_date=day, categories=run.categories)
    return True
