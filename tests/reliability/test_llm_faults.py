"""The LLM misbehaves: every paper still ends enriched after the sweep, and each failure is
readable by an editor in the admin."""

import html
import json

import pytest
from django.utils import timezone

from enrichment.tasks import enrich_papers, enrich_sweep
from papers.models import EnrichmentRun, Paper
from tests.factories import PaperFactory, TopicFactory
from tests.fakes.llm_server import Reply, answer_json, requested_arxiv_id

pytestmark = pytest.mark.django_db

AREA = "LLM faults"
TIMEOUT = 0.4
FAULTS = {
    "invalid JSON": Reply(content='{"title_zh": "半个回答'),
    "wrong schema": Reply(content=json.dumps({"title": "no Chinese fields", "hits": "llm"})),
    "429": Reply.error(429, retry_after="0"),
    "500": Reply.error(500),
    "empty reply": Reply(content=""),
    "timeout": Reply(content=answer_json(), delay=TIMEOUT + 0.4),
    "huge reply": Reply(content=answer_json(abstract_zh="长" * 200_000)),
}


def test_llm_faults_drop_no_paper_and_show_in_the_admin(
    fake_llm, settings, client, chief_editor, figure
):
    settings.LLM_TIMEOUT = TIMEOUT
    settings.LLM_MAX_RETRIES = 1
    TopicFactory(slug="llm")
    papers = {name: PaperFactory(title=f"Language models under {name}") for name in FAULTS}
    fault_of = {paper.arxiv_id: FAULTS[name] for name, paper in papers.items()}
    fake_llm.respond = lambda request: fault_of[requested_arxiv_id(request)]

    enrich_papers.delay([paper.pk for paper in papers.values()])

    failed = {p.arxiv_id: p for p in Paper.objects.filter(enrichment_state="failed")}
    run = EnrichmentRun.objects.get()
    client.force_login(chief_editor)  # an editor's view, not a superuser's
    run_list = html.unescape(client.get("/admin/papers/enrichmentrun/").content.decode())
    invisible = []
    for name, paper in papers.items():
        stored = failed.get(paper.arxiv_id)
        page = client.get(f"/admin/papers/paper/{paper.pk}/change/").content.decode()
        error = stored.enrichment_error if stored else ""
        shown = bool(error) and error[:80] in html.unescape(page) and error[:80] in run.error
        if not shown:
            invisible.append(name)
    assert run.papers_failed == len(FAULTS) and run.status == "failed"
    assert run.error.splitlines()[0].split(": ", 1)[1][:60] in run_list

    fake_llm.respond = lambda request: Reply()
    # The sweep retries a failed paper once its (growing) retry delay has passed.
    Paper.objects.filter(enrichment_state="failed").update(enrichment_retry_at=timezone.now())
    enrich_sweep.delay()
    dropped = len(FAULTS) - Paper.objects.filter(enrichment_state="done").count()

    figure(area=AREA, measure=f"papers dropped over {len(FAULTS)} fault kinds", measured=dropped)
    figure(area=AREA, measure="failures not shown in the admin", measured=len(invisible))
    assert dropped == 0
    assert invisible == []
    assert "LLM request failed: RateLimitError" in failed[papers["429"].arxiv_id].enrichment_error
    assert "APITimeoutError" in failed[papers["timeout"].arxiv_id].enrichment_error
    assert "more than 60000" in failed[papers["huge reply"].arxiv_id].enrichment_error
