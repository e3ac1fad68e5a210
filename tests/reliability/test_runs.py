"""A task delivered again after its worker died closes the run the dead worker left open."""

import pytest

from enrichment.services import papers_enrich
from ingest import services
from papers.models import EnrichmentRun, IngestRun, RunStatus
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def test_a_redelivered_task_closes_the_run_its_killed_worker_left_running(fake_arxiv):
    dead = IngestRun.objects.create(task_id="task-1")  # its worker was SIGKILLed
    other = IngestRun.objects.create(task_id="task-2")  # another task, still running
    run = services.pending_metadata_ingest(task_id="task-1")
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED
    assert (
        dead.error == f"interrupted: the worker stopped mid-run; the task ran again as run {run.pk}"
    )
    assert IngestRun.objects.get(pk=other.pk).status == RunStatus.RUNNING


def test_a_redelivered_enrichment_closes_its_dead_run():
    dead = EnrichmentRun.objects.create(backend="offline", task_id="task-9")
    papers_enrich(papers=[PaperFactory()], task_id="task-9")
    dead.refresh_from_db()
    assert (dead.status, dead.finished_at is not None) == (RunStatus.FAILED, True)
