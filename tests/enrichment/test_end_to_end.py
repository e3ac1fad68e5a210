"""From papers to Chinese text and back again: the editor's work survives machine re-runs.

For now the papers come from factories (the ingest branch will replace this with an ingest
from the fake arXiv server); enrichment runs through the Celery task and the fake LLM.
"""

import pytest
from django.utils import timezone

from enrichment.tasks import enrich_papers, enrich_sweep
from papers.models import EnrichmentRun, Paper, TopicHit, ZhState
from tests.factories import PaperFactory, UserFactory
from tests.fakes.llm_server import Reply
from topics.services import taxonomy_load

pytestmark = pytest.mark.django_db


def test_editor_edit_survives_reenrichment_of_a_changed_abstract(fake_llm):
    taxonomy_load()
    paper = PaperFactory(
        title="Chain-of-thought reasoning in large language models",
        abstract=r"We prove $\mathcal{O}(\sqrt{T})$ regret for reasoning with LLMs.",
    )
    hit = {"topic": "llm", "subtopic": "reasoning", "confidence": 0.9, "reason": "研究推理"}
    fake_llm.push(Reply.answer(hits=[hit]))
    enrich_papers.delay([paper.pk])
    paper.refresh_from_db()
    assert paper.summary_zh.state == ZhState.MACHINE
    assert paper.abstract_zh.value  # the fake LLM's Chinese abstract
    llm_hit = paper.topic_hits.get()
    assert (llm_hit.subtopic.slug, llm_hit.review_state) == ("reasoning", "suggested")

    # The editor rewrites the summary, accepts the hit and marks the text reviewed.
    editor = UserFactory(is_staff=True)
    paper.summary_zh_human = "编辑修改后的总结：本文证明了推理的遗憾界。"
    paper.zh_reviewed_at, paper.zh_reviewed_by = timezone.now(), editor
    paper.save()
    TopicHit.objects.filter(pk=llm_hit.pk).update(
        review_state=TopicHit.ReviewState.ACCEPTED, reviewed_by=editor
    )

    # arXiv announces v2 with a new abstract; ingest queues enrichment again.
    Paper.objects.filter(pk=paper.pk).update(
        version=2, abstract=r"We prove $\mathcal{O}(\log T)$ regret.", enrichment_state="pending"
    )
    new_summary = "本文研究新的问题。提出新的方法。得到对数遗憾界。"
    fake_llm.push(
        Reply.answer(
            summary_zh=new_summary,
            abstract_zh=r"我们证明了 $\mathcal{O}(\log T)$ 的遗憾界。",
            hits=[{**hit, "confidence": 0.2, "reason": "机器改变了主意"}],
        )
    )
    enrich_sweep.delay()
    paper.refresh_from_db()

    summary = paper.summary_zh
    assert summary.value == "编辑修改后的总结：本文证明了推理的遗憾界。"
    assert summary.source_changed
    assert paper.summary_zh_machine == new_summary
    assert paper.abstract_zh_machine == r"我们证明了 $\mathcal{O}(\log T)$ 的遗憾界。"
    # The machine text changed, so the paper needs another review before readers see it.
    assert paper.zh_reviewed_at is None
    assert summary.state == ZhState.EDITED and summary.is_public
    assert not paper.abstract_zh.is_public
    # The accepted hit is the editor's: untouched.
    llm_hit.refresh_from_db()
    assert (llm_hit.review_state, llm_hit.confidence, llm_hit.reason) == (
        "accepted",
        0.9,
        "研究推理",
    )
    assert EnrichmentRun.objects.count() == 2
    assert sum(EnrichmentRun.objects.values_list("llm_calls", flat=True)) == 2
