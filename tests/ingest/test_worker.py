"""End to end: a real Celery worker process on the Redis broker runs an ingest."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from arxdaily.celery import app
from papers.models import Announcement, IngestRun, Paper, RunStatus

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(fake_arxiv, transactional_db):
    """A worker subprocess on this test's broker and database, aimed at the fake arXiv."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "arxdaily.settings.test",
        "DATABASE_URL": f"postgres://127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ARXIV_RSS_URL": fake_arxiv.rss_url,
        "ARXIV_API_URL": fake_arxiv.api_url,
        "ARXIV_HTML_URL": fake_arxiv.html_url,
        "ARXIV_PDF_URL": fake_arxiv.pdf_url,
    }
    command = [sys.executable, "-m", "celery", "-A", "arxdaily", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    process = subprocess.Popen(  # noqa: S603 (fixed argv)
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")  # it goes to the broker
def test_real_worker_ingests_an_announcement(worker, fake_arxiv):
    fake_arxiv.alias("2604.21935", like="2604.26951")
    app.send_task("papers.ingest_announcement", args=[["cs.AI"], "2026-04-27"])
    deadline = time.monotonic() + 90
    while not IngestRun.objects.exclude(status=RunStatus.RUNNING).exists():
        assert worker.poll() is None, worker.stdout.read().decode()
        assert time.monotonic() < deadline, "the worker did not finish the ingest in time"
        time.sleep(0.5)
    run = IngestRun.objects.get()
    assert run.status == RunStatus.PARTIAL  # two of the three papers are not in the API yet
    assert (run.new_count, run.pending_count) == (3, 2)
    assert Announcement.objects.filter(category="cs.AI").count() == 3
    assert Paper.objects.get(arxiv_id="2604.21935").metadata_state == "complete"
    assert {r.path for r in fake_arxiv.requests} == {"/rss/cs.AI", "/api/query"}
