"""Tasks, commands and the admin: thin entry points over the ingest services."""

import datetime as dt
import io

import pytest
from celery.exceptions import Retry
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.urls import reverse

from ingest.tasks import ingest_announcement, ingest_pending_metadata
from papers.models import Announcement, IngestRun, Paper, RunStatus
from tests.factories import TopicFactory
from tests.fakes.arxiv_server import FEED_IDS

pytestmark = pytest.mark.django_db


def test_tasks_have_stable_names_and_are_acks_late_with_limits():
    for task, name in (
        (ingest_announcement, "papers.ingest_announcement"),
        (ingest_pending_metadata, "papers.ingest_pending_metadata"),
    ):
        assert task.name == name
        assert task.acks_late is True
        assert task.time_limit and task.soft_time_limit
        assert task.max_retries >= 1


def test_ingest_task_defaults_to_the_categories_topics_watch(fake_arxiv):
    TopicFactory(categories=["cs.AI"])
    run_id = ingest_announcement.delay(announce_date="2026-04-27").get()
    run = IngestRun.objects.get(pk=run_id)
    assert run.categories == ["cs.AI"]
    assert run.new_count == 3


def test_failed_ingest_task_is_retried_with_the_reason(fake_arxiv):
    with pytest.raises(Retry, match=r"IngestIncomplete.*not out yet"):
        ingest_announcement.apply(args=[["cs.AI"], "2026-04-28"], throw=True)
    assert IngestRun.objects.filter(status=RunStatus.FAILED).exists()


def test_pending_metadata_task_completes_papers(fake_arxiv):
    Paper.objects.create(arxiv_id="2104.12255", title="pending")
    ingest_pending_metadata.delay().get()
    assert Paper.objects.get(arxiv_id="2104.12255").title == "0"


def test_ingest_command_for_a_date_and_categories(fake_arxiv):
    out = io.StringIO()
    call_command("ingest", "--date", "2026-04-27", "--categories", "cs.AI", stdout=out)
    assert "ok" in out.getvalue() or "partial" in out.getvalue()
    assert "new 3" in out.getvalue()
    assert Announcement.objects.filter(announce_date=dt.date(2026, 4, 27)).count() == 3


def test_ingest_command_writes_with_debug_on(fake_arxiv, settings):
    """DEBUG=True (the local default) puts Django's debug wrapper around every cursor; the
    bulk upsert's COPY into PostgreSQL still goes through."""
    settings.DEBUG = True
    fake_arxiv.feed_ids_serve()
    call_command("ingest", "--date", "2026-04-27", "--categories", "cs.AI", stdout=io.StringIO())
    assert IngestRun.objects.get().status == RunStatus.OK
    complete = Paper.objects.filter(arxiv_id__in=FEED_IDS, metadata_state="complete")
    assert complete.count() == len(FEED_IDS)


def test_ingest_command_fails_loudly_when_the_run_fails(fake_arxiv):
    err = io.StringIO()
    with pytest.raises(CommandError, match="failed"):
        call_command(
            "ingest",
            "--date",
            "2026-04-28",
            "--categories",
            "cs.AI",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "not out yet" in err.getvalue()


def test_ingest_command_from_the_bundled_sample():
    out = io.StringIO()
    call_command("ingest", "--from-dir", "papers/sample", stdout=out)
    assert "2026-06-16: ok — new 543" in out.getvalue()
    assert "metadata pending 0" in out.getvalue()
    assert Announcement.objects.filter(category="cs.AI").exists()


def test_backfill_command_shows_progress_and_stores_papers(fake_arxiv):
    fake_arxiv.search_ids = ["2604.26951", "2604.26942"]
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "backfill",
        "--from",
        "2026-04-27",
        "--to",
        "2026-04-28",
        "--categories",
        "cs.CL,cs.AI",
        stdout=out,
        stderr=err,
    )
    assert "2/2" in err.getvalue()  # the tqdm bar reached both listing dates
    assert "backfill" in out.getvalue() or "API backfill" in out.getvalue()
    assert len(fake_arxiv.api_requests()) == 2
    assert Paper.objects.filter(arxiv_id__in=["2604.26951", "2604.26942"]).count() == 2


def test_ingest_run_admin_is_read_only_and_shows_counts_duration_errors(client, chief_editor):
    run = IngestRun.objects.create(
        status=RunStatus.PARTIAL, new_count=7, pending_count=2, error="cs.AI: HTTP 503"
    )
    IngestRun.objects.filter(pk=run.pk).update(finished_at=run.started_at + dt.timedelta(seconds=4))
    client.force_login(chief_editor)
    changelist = client.get(reverse("admin:papers_ingestrun_changelist"))
    assert changelist.status_code == 200
    assert "4.0 s" in changelist.content.decode()
    detail = client.get(reverse("admin:papers_ingestrun_change", args=[run.pk]))
    assert "cs.AI: HTTP 503" in detail.content.decode()
    model_admin = site._registry[IngestRun]
    request = detail.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, run)
