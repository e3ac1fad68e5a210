"""A run whose process died is closed as interrupted, whichever way it was started: by the
task delivered again after its worker died, or by the next run on the machine."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from enrichment.services import papers_enrich
from ingest import services
from papers.models import EnrichmentRun, IngestRun, RunStatus
from tests.factories import PaperFactory
from tests.fakes.arxiv_server import FEED_DATE
from tests.reliability.worker import ROOT, wait_until

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


@pytest.mark.django_db(transaction=True)  # the command runs in its own process
def test_a_hand_run_ingest_whose_process_died_is_closed_by_the_next_run(fake_arxiv):
    fake_arxiv.feed_ids_serve()
    fake_arxiv.slow_seconds = 10.0
    fake_arxiv.faults.extend(["", "slow"])  # the listing is stored, then the API hangs
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "arxdaily.settings.test",
        "DATABASE_URL": f"postgres://127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "ARXIV_RSS_URL": fake_arxiv.rss_url,
        "ARXIV_API_URL": fake_arxiv.api_url,
    }
    command = [sys.executable, "manage.py", "ingest", "--date", FEED_DATE.isoformat()]
    command += ["--categories", "cs.AI"]
    process = subprocess.Popen(  # noqa: S603 (fixed argv)
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until(fake_arxiv.api_requests, seconds=60, what="the command to reach the API")
    process.kill()
    process.wait(timeout=10)
    dead = IngestRun.objects.get()
    assert (dead.status, dead.task_id, dead.pid) == (RunStatus.RUNNING, "", process.pid)

    run = services.pending_metadata_ingest()  # any later run, here beat's metadata retry
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.finished_at
    assert dead.error.startswith("interrupted: its process stopped mid-run")
    assert dead.error.endswith(f"found by run {run.pk}")
