"""Celery tasks: thin wrappers with stable names around services."""

import datetime as dt

import redis
from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.utils import timezone

from papers import services
from papers.arxiv_source import ArxivError
from papers.enrich.selectors import papers_to_enrich
from papers.enrich.services import papers_enrich
from papers.models import Paper, RunStatus
from topics.selectors import watched_categories_list

# --- Ingest ---

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
    return run.pk


@shared_task(name="papers.ingest_pending_metadata", bind=True, **_INGEST_RETRY)
def ingest_pending_metadata(self):
    """Complete papers the API had not returned yet (it often lags the listing)."""
    return services.pending_metadata_ingest(task_id=self.request.id).pk


# --- Enrichment ---

# A lost database connection is worth retrying; a paper's own failure is not (it is stored as
# failed on the paper and taken up again by the sweep).
ENRICH_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(
    name="papers.enrich_papers",
    bind=True,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
    **ENRICH_TASK_OPTIONS,
)
def enrich_papers(self, paper_ids: list[int]) -> str:
    """Enrich a batch queued by ingest or an editor, with LLM calls in parallel; logged as one
    run so its cost counts in the budget."""
    papers = Paper.objects.filter(pk__in=paper_ids)
    return papers_enrich(papers=papers, task_id=self.request.id).status


@shared_task(
    name="papers.enrich_sweep",
    bind=True,
    soft_time_limit=25 * 60,
    time_limit=27 * 60,
    **ENRICH_TASK_OPTIONS,
)
def enrich_sweep(self) -> str:
    """Retry failed papers and take up pending ones (budget-deferred, or never queued)."""
    papers = papers_to_enrich()[: settings.ENRICH_SWEEP_BATCH]
    return papers_enrich(papers=papers, task_id=self.request.id).status


# --- Editorial ---


@shared_task(
    name="papers.daily_pages_autopublish",
    acks_late=True,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def daily_pages_autopublish() -> int:
    """Beat runs this every few minutes; it publishes due drafts of auto-policy topics."""
    return len(services.daily_pages_autopublish(now=timezone.now()))
