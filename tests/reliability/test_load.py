"""The public pages under a bounded loopback load (wrk, 30 s at 50 connections) against
gunicorn with production settings, while a real worker runs an ingest and an enrichment batch
whose every write makes the page cache stale. Error responses: 0."""

import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request

import pytest
from django.utils import timezone

from papers.models import EnrichmentRun, IngestRun, Paper, RunStatus
from tests.factories import PaperFactory, TopicFactory
from tests.fakes.arxiv_server import FEED_DATE
from tests.reliability.worker import ROOT, task_send, wait_until
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # to the broker
]

AREA = "Load"
SECONDS, CONNECTIONS = 30, 50
BATCH = 80  # papers the worker enriches during the load (two LLM calls at a time)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "arxdaily.settings.production",
    "SECRET_KEY": "reliability-load-test-only-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "ARXDAILY_SITE_URL": "http://127.0.0.1",
    "SECURE_SSL_REDIRECT": "False",
    "LOG_LEVEL": "WARNING",
}
# wrk cycles through these public pages (the API is left out: its per-client rate limit
# answers one loopback client with 429 by design).
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _errors(report: str) -> tuple[int, int]:
    """(non-2xx/3xx responses + socket errors, requests) from wrk's report."""
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", report))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    requests = int(re.search(r"(\d+) requests in", report).group(1))
    return errors, requests


@pytest.fixture
def gunicorn(worker):
    """gunicorn on the worker's database and Redis (so the worker's writes reach its cache)."""
    env = {**worker.env, **PRODUCTION}
    manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)  # noqa: S603
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "arxdaily.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(2 * len(os.sched_getaffinity(0)) + 1)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    wait_until(up, seconds=30, what="gunicorn")
    yield base
    server.terminate()
    server.wait(timeout=30)


def test_public_pages_under_load_during_ingest_and_enrichment(
    gunicorn, fake_arxiv, fake_llm, figure, tmp_path
):
    assert shutil.which("wrk"), "wrk is missing: bash scripts/install-wrk.sh"
    topic = TopicFactory(slug="llm", name_zh="语言大模型", name_en="LLM")
    papers = [listed_paper(topic, title=f"Language model paper {n}") for n in range(40)]
    page_publish(topic)
    batch = [PaperFactory(enrichment_state="pending").pk for _ in range(BATCH)]
    paths = ["/", f"/{DAY}/", "/topics/llm/", f"/topics/llm/{DAY}/", "/search/?q=language"]
    paths += ["/feeds/all.xml", "/topics/llm/rss.xml", "/topics/llm/atom.xml"]
    paths += [f"/papers/{paper.arxiv_id}/" for paper in papers[:5]]
    script = tmp_path / "pages.lua"
    script.write_text(LUA % ", ".join(f'"{path}"' for path in paths))

    # Background work, queued once the load is on: a slow-API ingest, then an enrichment
    # batch at the LLM's pace (the solo worker runs them one after the other).
    fake_arxiv.feed_ids_serve()
    fake_arxiv.slow_seconds = 5.0
    fake_arxiv.faults.extend(["", "slow"])
    fake_llm.delay = 0.4
    load_start = timezone.now()
    wrk = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s"]
    load = subprocess.Popen(  # noqa: S603 (fixed argv)
        [*wrk, "-s", str(script), gunicorn], stdout=subprocess.PIPE, text=True
    )
    task_send("papers.ingest_announcement", ["cs.AI"], FEED_DATE.isoformat())
    task_send("papers.enrich_papers", batch)
    report, _ = load.communicate(timeout=SECONDS + 60)
    load_end = timezone.now()
    assert load.returncode == 0, report

    # The load really overlapped both: each run started and finished while wrk was running.
    ingest = IngestRun.objects.get(source=IngestRun.Source.FEED)
    enrichment = EnrichmentRun.objects.get(papers_total=BATCH)
    for run in (ingest, enrichment):
        assert run.status == RunStatus.OK, run.error
        assert load_start < run.started_at and run.finished_at < load_end, run
    enriched = Paper.objects.filter(pk__in=batch, enrichment_state="done").count()
    errors, requests = _errors(report)

    figure(
        area=AREA,
        measure=(
            f"error responses in {SECONDS} s at {CONNECTIONS} connections "
            f"({requests} requests, 1 ingest and {enriched} papers enriched meanwhile)"
        ),
        measured=errors,
    )
    assert errors == 0, report
    assert enriched == BATCH
