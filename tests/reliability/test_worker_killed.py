"""A real Celery worker is SIGKILLed in the middle of an ingest and of an enrichment batch,
then restarted: the broker hands the unacknowledged task to the new worker, the enrichment
sweep takes up the rest. Papers lost, left unenriched and duplicated: 0."""

import pytest
from django.db import connection

from papers.models import EnrichmentRun, IngestRun, Paper, RunStatus
from tests.factories import PaperFactory, TopicFactory
from tests.fakes.arxiv_server import FEED_DATE, FEED_IDS
from tests.reliability.worker import task_send, wait_until

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # to the broker
]

AREA = "Worker killed"
# (table, columns) that must be unique per paper: a redelivered task must not add a second row.
UNIQUE = [
    ("papers_paper", "arxiv_id"),
    ("papers_announcement", "paper_id, announce_date, category"),
    ("papers_paperversion", "paper_id, version"),
    ("papers_paperauthor", "paper_id, position"),
    ("papers_topichit", "paper_id, topic_id, coalesce(subtopic_id, 0)"),
    ("papers_paperinstitution", "paper_id, institution_id"),
]


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
    task_send("papers.ingest_announcement", ["cs.AI"], FEED_DATE.isoformat())
    wait_until(lambda: fake_arxiv.api_requests(), seconds=60, what="the ingest to reach the API")
    assert Paper.objects.filter(arxiv_id__in=FEED_IDS).count() == len(FEED_IDS)
    worker.kill()
    assert IngestRun.objects.get().status == RunStatus.RUNNING  # it died mid-run
    worker.start()
    wait_until(
        lambda: IngestRun.objects.exclude(status=RunStatus.RUNNING).exists(),
        seconds=60,
        what="the redelivered ingest",
    )

    # 2. Killed in the middle of an enrichment batch of a slow LLM (two calls at a time).
    batch = [PaperFactory(enrichment_state="pending").pk for _ in range(16)]
    task_send("papers.enrich_papers", batch)
    wait_until(
        lambda: Paper.objects.filter(pk__in=batch, enrichment_state="done").count() >= 4,
        seconds=60,
        what="the enrichment batch to get going",
    )
    worker.kill()
    done_before_restart = Paper.objects.filter(pk__in=batch, enrichment_state="done").count()
    assert done_before_restart < len(batch)  # really killed mid-batch
    worker.start()
    wait_until(
        lambda: Paper.objects.filter(pk__in=batch, enrichment_state="done").count() == len(batch),
        seconds=90,
        what="the redelivered enrichment batch",
    )

    # 3. The sweep (beat runs it every ENRICH_SWEEP_MINUTES) takes up whatever is left.
    task_send("papers.enrich_sweep")
    wait_until(
        lambda: not Paper.objects.exclude(enrichment_state="done").exists(),
        seconds=60,
        what="the sweep",
    )

    complete = Paper.objects.filter(arxiv_id__in=FEED_IDS, metadata_state="complete")
    lost = len(FEED_IDS) - complete.count()
    unenriched = Paper.objects.exclude(enrichment_state="done").count()
    duplicates = _duplicates()
    running = [
        *IngestRun.objects.filter(status=RunStatus.RUNNING),
        *EnrichmentRun.objects.filter(status=RunStatus.RUNNING),
    ]
    figure(area=AREA, measure="papers lost (killed mid-ingest)", measured=lost)
    figure(area=AREA, measure="papers left unenriched after the sweep", measured=unenriched)
    figure(area=AREA, measure="duplicate rows", measured=duplicates)
    figure(area=AREA, measure="runs left 'running' by the killed worker", measured=len(running))
    assert (lost, unenriched, duplicates, running) == (0, 0, 0, [])
    interrupted = IngestRun.objects.get(error__startswith="interrupted")
    assert interrupted.status == RunStatus.FAILED
    assert EnrichmentRun.objects.filter(error__startswith="interrupted").count() == 1
    assert IngestRun.objects.filter(status=RunStatus.OK).exists()
