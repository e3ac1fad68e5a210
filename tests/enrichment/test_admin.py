"""Admin: the EnrichmentRun log and the re-run action on papers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enrichment.services import papers_enrich
from papers.models import EnrichmentRun, Paper, RunStatus
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def test_run_log_shows_counts_tokens_cost_and_error(client, chief_editor):
    EnrichmentRun.objects.create(
        backend="openai",
        model="gpt-4o-mini",
        status=RunStatus.PARTIAL,
        papers_total=7,
        papers_failed=1,
        papers_deferred=2,
        prompt_tokens=12345,
        completion_tokens=678,
        cost_usd=Decimal("0.002258"),
        error="2604.00001: invalid answer after one repair\n",
    )
    client.force_login(chief_editor)
    response = client.get(reverse("admin:papers_enrichmentrun_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("12345", "678", "0.002258", "2604.00001: invalid answer after one repair"):
        assert text in html
    run = EnrichmentRun.objects.get()
    detail = client.get(reverse("admin:papers_enrichmentrun_change", args=[run.pk]))
    assert detail.status_code == 200
    assert b'name="papers_total"' not in detail.content  # read-only log
    assert client.get(reverse("admin:papers_enrichmentrun_add")).status_code == 403


def test_rerun_action_calls_the_llm_again_for_unchanged_papers(
    client, chief_editor, fake_llm, llm_taxonomy, django_capture_on_commit_callbacks
):
    papers = PaperFactory.create_batch(2)
    papers_enrich(papers=Paper.objects.all())
    assert len(fake_llm.requests) == 2
    client.force_login(chief_editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:papers_paper_changelist"),
            {"action": "enrich_again", "_selected_action": [papers[0].pk]},
            follow=True,
        )
    assert "已排队 1 篇 / 1 papers queued." in response.content.decode()
    assert len(fake_llm.requests) == 3
    papers[0].refresh_from_db()
    assert papers[0].enrichment_state == Paper.EnrichmentState.DONE
    assert EnrichmentRun.objects.latest("started_at").papers_done == 1


def test_paper_page_shows_enrichment_error_and_usage_read_only(client, chief_editor):
    paper = PaperFactory(
        enrichment_state="failed",
        enrichment_error="invalid answer after one repair: invalid JSON",
        enrichment_prompt_tokens=4321,
    )
    client.force_login(chief_editor)
    response = client.get(reverse("admin:papers_paper_change", args=[paper.pk]))
    html = response.content.decode()
    assert "invalid answer after one repair: invalid JSON" in html
    assert "4321" in html
    assert 'name="enrichment_prompt_tokens"' not in html
