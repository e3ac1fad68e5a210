"""Celery tasks of enrichment, and the functions that queue them (ingest, admin actions)."""

from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from enrichment.curation.services import scorers_retrain
from enrichment.selectors import papers_to_enrich
from enrichment.services import papers_enrich, papers_enrichment_reset
from papers.models import EnrichmentRun, Paper

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


def papers_enrichment_queue(*, paper_ids: Iterable[int]) -> int:
    """Queue enrichment of these papers once the caller's transaction commits.

    Batches of at most a few times the LLM concurrency keep every worker's request pool busy;
    they are of even size (600 papers: ten of 60, not nine of 64 and one of 24), so workers
    that share them finish together instead of one waiting on the last full batch.
    Returns how many papers were queued.
    """
    paper_ids = sorted(paper_ids)
    batches = -(-len(paper_ids) // (settings.LLM_CONCURRENCY * 4))
    for n in range(batches):
        enrich_papers.delay_on_commit(paper_ids[n::batches])
    return len(paper_ids)


def enrichment_run_retry(*, run: EnrichmentRun) -> bool:
    """Sweep again: the sweep picks up every paper still pending or failed. Returns True."""
    enrich_sweep.delay_on_commit()
    return True


def papers_enrichment_rerun(*, papers: Iterable[Paper], user=None) -> int:
    """Enrich these papers again even if their input is unchanged (admin action, `user` asked);
    returns how many were queued."""
    return papers_enrichment_queue(paper_ids=papers_enrichment_reset(papers=papers, user=user))


@shared_task(
    name="papers.scorers_retrain",
    bind=True,
    soft_time_limit=20 * 60,
    time_limit=22 * 60,
    **ENRICH_TASK_OPTIONS,
)
def scorers_retrain_task(self, force: bool = False) -> list[str]:
    """Retrain the topic scorers whose examples (labels, editors' decisions) changed; the same
    data never makes a new version, so a repeated delivery does nothing. Returns "slug vN"."""
    return [str(row) for row in scorers_retrain(force=force)]


def scorers_retrain_queue(*, force: bool = False) -> bool:
    """Retrain soon (admin action), once the caller's transaction commits. Returns True."""
    scorers_retrain_task.delay_on_commit(force)
    return True
