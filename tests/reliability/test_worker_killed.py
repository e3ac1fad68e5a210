"""A real Celery worker is SIGKILLed in the middle of an ingest and of an enrichment batch,
then restarted: the broker hands the unacknowledged task to the new worker, the enrichment
sweep takes up the rest. Papers lost, left unenriched and duplicated: 0."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from arxdaily.celery import app
from papers.models import IngestRun, Paper, RunStatus
from tests.factories import PaperFactory, TopicFactory
from tests.fakes.arxiv_server import FEED_DATE, FEED_IDS

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # to the broker
]

ROOT = Path(__file__).resolve().parents[2]
AREA = "Worker killed"
BROKER = "redis://127.0.0.1:6379/8"  # this test's own Redis db: broker, locks, worker cache
VISIBILITY = 6  # seconds before an unacknowledged task is handed out again
# (table, columns) that must be unique per paper: a redelivered task must not add a second row.
UNIQUE = [
    ("papers_paper", "arxiv_id"),
    ("papers_announcement", "paper_id, announce_date, category"),
    ("papers_paperversion", "paper_id, version"),
    ("papers_paperauthor", "paper_id, position"),
    ("papers_topichit", "paper_id, topic_id, coalesce(subtopic_id, 0)"),
    ("papers_paperinstitution", "paper_id, institution_id"),
]


class Worker:
    """`celery -A arxdaily worker` in its own process group, on this test's database."""

    def __init__(self, env: dict[str, str], log):
        self.env = env
        self.log = log  # both lives of the worker write here
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "arxdaily", "worker", "--pool=solo"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        self.process = subprocess.Popen(  # noqa: S603 (fixed argv)
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(fake_arxiv, fake_llm, transactional_db, tmp_path):
    redis.Redis.from_url(BROKER).flushdb()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        # Base settings: everything from the environment, as in production.
        "DJANGO_SETTINGS_MODULE": "arxdaily.settings.base",
        "DATABASE_URL": f"postgres://127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CONN_MAX_AGE": "0",
        "REDIS_URL": BROKER,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "ARXIV_RSS_URL": fake_arxiv.rss_url,
        "ARXIV_API_URL": fake_arxiv.api_url,
        "ARXIV_MIN_INTERVAL": "0",
        "ARXIV_RETRY_BACKOFF": "0.1",
        "ARXDAILY_LLM_BACKEND": "openai",
        "ARXDAILY_LLM_BASE_URL": fake_llm.base_url,
        "ARXDAILY_LLM_API_KEY": "test-key",
        "ARXDAILY_LLM_CONCURRENCY": "2",
        "ARXDAILY_LLM_MAX_RETRIES": "1",
        "LOG_LEVEL": "INFO",
    }
    with (tmp_path / "worker.log").open("w") as log:
        worker = Worker(env, log)
        worker.start()
        yield worker
        worker.stop()


def _send(name: str, *args) -> None:
    with app.connection_for_write(BROKER) as broker:
        app.send_task(name, args=list(args), connection=broker)


def _wait(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _duplicates() -> int:
    with connection.cursor() as cursor:
        total = 0
        for table, columns in UNIQUE:
            cursor.execute(
                f"SELECT count(*) - count(DISTINCT ({columns})) FROM {table}"  # noqa: S608
            )
            total += cursor.fetchone()[0]
    return total


def test_killed_worker_loses_and_duplicates_nothing(worker, fake_arxiv, fake_llm, figure):
    TopicFactory(slug="llm")
    fake_llm.delay = 0.5

    # 1. Killed while the ingest waits for a slow arXiv API (the listing is already stored).
    fake_arxiv.feed_ids_serve()
    fake_arxiv.slow_seconds = 4.0
    fake_arxiv.faults.extend(["", "slow"])
    _send("papers.ingest_announcement", ["cs.AI"], FEED_DATE.isoformat())
    _wait(lambda: fake_arxiv.api_requests(), seconds=60, what="the ingest to reach the API")
    assert Paper.objects.filter(arxiv_id__in=FEED_IDS).count() == len(FEED_IDS)
    worker.kill()
    assert IngestRun.objects.get().status == RunStatus.RUNNING  # it died mid-run
    worker.start()
    _wait(
        lambda: IngestRun.objects.exclude(status=RunStatus.RUNNING).exists(),
        seconds=60,
        what="the redelivered ingest",
    )

    # 2. Killed in the middle of an enrichment batch of a slow LLM (two calls at a time).
    batch = [PaperFactory(enrichment_state="pending").pk for _ in range(16)]
    _send("papers.enrich_papers", batch)
    _wait(
        lambda: Paper.objects.filter(pk__in=batch, enrichment_state="done").count() >= 4,
        seconds=60,
        what="the enrichment batch to get going",
    )
    worker.kill()
    done_before_restart = Paper.objects.filter(pk__in=batch, enrichment_state="done").count()
    assert done_before_restart < len(batch)  # really killed mid-batch
    worker.start()
    _wait(
        lambda: Paper.objects.filter(pk__in=batch, enrichment_state="done").count() == len(batch),
        seconds=90,
        what="the redelivered enrichment batch",
    )

    # 3. The sweep (beat runs it every ENRICH_SWEEP_MINUTES) takes up whatever is left.
    _send("papers.enrich_sweep")
    _wait(
        lambda: not Paper.objects.exclude(enrichment_state="done").exists(),
        seconds=60,
        what="the sweep",
    )

    complete = Paper.objects.filter(arxiv_id__in=FEED_IDS, metadata_state="complete")
    lost = len(FEED_IDS) - complete.count()
    unenriched = Paper.objects.exclude(enrichment_state="done").count()
    duplicates = _duplicates()
    figure(area=AREA, measure="papers lost (killed mid-ingest)", measured=lost)
    figure(area=AREA, measure="papers left unenriched after the sweep", measured=unenriched)
    figure(area=AREA, measure="duplicate rows", measured=duplicates)
    assert (lost, unenriched, duplicates) == (0, 0, 0)
    assert IngestRun.objects.filter(status=RunStatus.OK).exists()
