"""The product path end to end over real loopback HTTP: arXiv listing → API metadata → LLM
enrichment → an editor's review → publish → the public page; then arXiv replaces the paper and
the editor's Chinese text survives the machine re-run, flagged for another look."""

import datetime as dt

import pytest

from editorial import services as editorial_services
from ingest import services as ingest_services
from papers.models import DailyPage, Paper, RunStatus, ZhState
from tests.fakes.arxiv_server import FEED_DATE, replacement_feed
from tests.fakes.llm_server import Reply, answer_json, requested_arxiv_id
from topics.models import Topic
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db

PAPER = "2604.21935"
EDITED = "编辑改写的总结：本文研究语言模型的规划能力。"


def _ingest(day, capture):
    with capture(execute=True):  # ingest queues enrichment on commit; tasks run eagerly
        return ingest_services.announcement_ingest(categories=["cs.AI"], announce_date=day)


def test_listing_to_public_page_and_an_edit_that_survives_a_replacement(
    client, fake_arxiv, fake_llm, chief_editor, django_capture_on_commit_callbacks
):
    taxonomy_load()
    fake_arxiv.feed_ids_serve()

    run = _ingest(FEED_DATE, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.OK, run.error
    paper = Paper.objects.get(arxiv_id=PAPER)
    assert paper.enrichment_state == Paper.EnrichmentState.DONE
    assert paper.title_zh.state == ZhState.MACHINE
    hit = paper.topic_hits.get(topic__slug="llm")
    assert hit.reason == "论文研究大语言模型"
    public_url = f"/topics/llm/{FEED_DATE}/"
    assert client.get(public_url).status_code == 404  # nothing published yet

    # Committing the editor's work makes the cached 404 stale (the cache drops on commit).
    with django_capture_on_commit_callbacks(execute=True):
        editorial_services.topic_hit_accept(hits=[hit], user=chief_editor)
        paper.summary_zh_human = EDITED
        paper.save()
        page = DailyPage.objects.get(topic=Topic.objects.get(slug="llm"), announce_date=FEED_DATE)
        editorial_services.daily_page_publish(page=page, user=chief_editor)

    body = client.get(public_url).content.decode()
    assert EDITED in body
    # Publishing vouches for no Chinese: the machine title waits for a person's review.
    assert f"测试用中文标题 {PAPER}" not in body
    assert "尚未翻译 / not yet translated" in body
    assert "论文研究大语言模型" in body

    # arXiv replaces the paper with a new abstract; the machine writes a new summary.
    fake_arxiv.feeds["cs.AI"] = replacement_feed()
    fake_llm.respond = lambda request: Reply(
        content=answer_json(
            requested_arxiv_id(request),
            summary_zh="机器根据新版摘要写的总结。方法有变化。结果也更新了。",
        )
    )
    run = _ingest(dt.date(2026, 4, 28), django_capture_on_commit_callbacks)

    assert run.replaced_count == 1
    paper.refresh_from_db()
    assert paper.version == 2
    assert paper.summary_zh_machine == "机器根据新版摘要写的总结。方法有变化。结果也更新了。"
    summary = paper.summary_zh
    assert (summary.value, summary.state, summary.source_changed) == (EDITED, "edited", True)
    body = client.get(public_url).content.decode()
    assert EDITED in body
    assert "机器根据新版摘要写的总结" not in body
