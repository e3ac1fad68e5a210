"""Celery tasks: thin wrappers that call services."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from papers.enrich.selectors import papers_to_enrich
from papers.enrich.services import papers_enrich
from papers.models import Paper

# --- Enrichment (issue 5) ---

# A lost database connection is worth retrying; a paper's own failure is not (it is stored as
# failed on the paper and taken up again by the sweep).
ENRICH_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OperationalError, ConnectionError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(
    name="papers.enrich_paper", soft_time_limit=10 * 60, time_limit=11 * 60, **ENRICH_TASK_OPTIONS
)
def enrich_paper(paper_id: int) -> str:
    """Enrich one paper (queued by ingest); logged as a run so its cost counts in the budget."""
    return papers_enrich(papers=Paper.objects.filter(pk=paper_id)).status


@shared_task(
    name="papers.enrich_sweep", soft_time_limit=25 * 60, time_limit=27 * 60, **ENRICH_TASK_OPTIONS
)
def enrich_sweep() -> str:
    """Retry failed papers and take up pending ones (budget-deferred, or never queued)."""
    return papers_enrich(papers=papers_to_enrich()[: settings.ENRICH_SWEEP_BATCH]).status
