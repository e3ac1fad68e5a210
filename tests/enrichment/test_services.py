"""Enrichment services: human edits win, editor hits stay, cache, budget, concurrency, tasks."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrichment import services, storing
from enrichment.backends.base import HitSuggestion
from enrichment.backends.offline import OfflineBackend
from enrichment.selectors import taxonomy_snapshot
from enrichment.services import Outcome, paper_enrich, papers_enrich
from enrichment.tasks import enrich_papers, enrich_sweep, papers_enrichment_queue
from papers.models import EnrichmentRun, Institution, Paper, RunStatus, TopicHit, ZhState
from tests.factories import (
    InstitutionFactory,
    PaperAuthorFactory,
    PaperFactory,
    SubtopicFactory,
    TopicHitFactory,
    UserFactory,
)
from tests.fakes.llm_server import Reply, requested_arxiv_id

pytestmark = pytest.mark.django_db


def hit(topic="llm", subtopic=None, confidence=0.9, reason="论文研究大语言模型"):
    return {"topic": topic, "subtopic": subtopic, "confidence": confidence, "reason": reason}


def test_human_edit_survives_a_rerun_and_is_flagged_when_the_source_changed(fake_llm, llm_taxonomy):
    paper = PaperFactory()
    paper_enrich(paper=paper)
    paper.refresh_from_db()
    paper.summary_zh_human = "编辑写的总结。"
    paper.save()

    paper.abstract = "A new abstract for version 2."
    paper.save()
    fake_llm.push(Reply.answer(summary_zh="新的总结第一句。第二句。第三句。"))
    assert paper_enrich(paper=paper).outcome == Outcome.DONE
    paper.refresh_from_db()
    assert paper.summary_zh_human == "编辑写的总结。"
    assert paper.summary_zh_machine == "新的总结第一句。第二句。第三句。"
    assert paper.zh("summary") == paper.zh("summary").__class__(
        value="编辑写的总结。", state=ZhState.EDITED, source_changed=True
    )
    # No human title: nothing to flag; the title did not change either.
    assert not paper.title_zh_source_changed


def test_a_changed_title_flags_only_the_human_title(fake_llm, llm_taxonomy):
    paper = PaperFactory(title_zh_human="编辑的标题", abstract_zh_human="编辑的摘要")
    paper_enrich(paper=paper)
    paper.refresh_from_db()
    paper.title += " (revised)"
    paper.save()
    fake_llm.push(Reply.answer(title_zh="修订后的标题"))
    paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert paper.title_zh_source_changed
    assert not paper.abstract_zh_source_changed  # the abstract is unchanged
    assert paper.title_zh_human == "编辑的标题"


def test_changed_machine_text_clears_the_review_unchanged_keeps_it(
    fake_llm, settings, llm_taxonomy
):
    paper = PaperFactory()
    paper_enrich(paper=paper)
    editor = UserFactory()
    Paper.objects.filter(pk=paper.pk).update(zh_reviewed_at=timezone.now(), zh_reviewed_by=editor)
    paper.refresh_from_db()

    settings.LLM_MODEL = "gpt-4o"  # a new model: new cache key, same answer
    paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert paper.zh_reviewed_at is not None
    assert paper.zh("title").state == ZhState.REVIEWED

    settings.LLM_MODEL = "deepseek-chat"
    fake_llm.push(Reply.answer(title_zh="另一个标题"))
    paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert paper.zh_reviewed_at is None
    assert paper.zh_reviewed_by is None
    assert paper.zh("title").state == ZhState.MACHINE


def test_offline_rerun_keeps_machine_translations_unless_the_source_changed(
    fake_llm, settings, llm_taxonomy
):
    paper = PaperFactory()
    paper_enrich(paper=paper)
    settings.LLM_BACKEND = "offline"
    paper_enrich(paper=paper)
    paper.refresh_from_db()
    assert paper.title_zh_machine  # offline has no opinion on Chinese text

    paper.abstract = "Different large language model abstract."
    paper.save()
    paper_enrich(paper=paper)
    paper.refresh_from_db()
    # The old translations translate an abstract that is gone: missing, not stale.
    assert paper.abstract_zh_machine == ""
    assert paper.summary_zh_machine == ""
    assert paper.title_zh_machine


def test_machine_hits_are_replaced_editor_hits_never_touched(fake_llm, llm_taxonomy):
    other = SubtopicFactory(slug="agents").topic
    other.slug = "agents-topic"
    other.save()
    paper = PaperFactory()
    stale = TopicHitFactory(paper=paper, topic=llm_taxonomy, confidence=0.3, reason="旧的")
    accepted = TopicHitFactory(
        paper=paper, topic=other, review_state=TopicHit.ReviewState.ACCEPTED, reason="编辑接受"
    )
    rejected_topic = SubtopicFactory(slug="x").topic
    rejected_topic.slug = "rejected-topic"
    rejected_topic.save()
    rejected = TopicHitFactory(
        paper=paper, topic=rejected_topic, review_state=TopicHit.ReviewState.REJECTED
    )
    fake_llm.push(
        Reply.answer(
            hits=[
                hit("llm", "reasoning", 0.8, "涉及推理"),
                hit("agents-topic", None, 0.1, "机器想改"),
                hit("rejected-topic", None, 0.99, "机器想再提"),
            ]
        )
    )
    paper_enrich(paper=paper)
    hits = {h.topic.slug: h for h in paper.topic_hits.select_related("topic", "subtopic")}
    assert set(hits) == {"llm", "agents-topic", "rejected-topic"}
    assert not TopicHit.objects.filter(pk=stale.pk).exists()
    assert (hits["llm"].subtopic.slug, hits["llm"].reason) == ("reasoning", "涉及推理")
    for kept in (accepted, rejected):
        fresh = TopicHit.objects.get(pk=kept.pk)
        assert (fresh.confidence, fresh.reason, fresh.review_state) == (
            kept.confidence,
            kept.reason,
            kept.review_state,
        )
    assert paper.topic_hits.count() == 3


def test_rerun_on_unchanged_papers_makes_zero_calls(fake_llm, llm_taxonomy):
    papers = PaperFactory.create_batch(3)
    first = papers_enrich(papers=Paper.objects.all())
    assert (first.papers_done, first.llm_calls) == (3, 3)
    second = papers_enrich(papers=Paper.objects.all())
    assert (second.papers_cached, second.papers_done, second.llm_calls) == (3, 0, 0)
    assert len(fake_llm.requests) == 3
    assert second.status == RunStatus.OK
    assert set(Paper.objects.values_list("enrichment_state", flat=True)) == {"done"}
    # A changed abstract is new source text: one call for that paper only.
    Paper.objects.filter(pk=papers[0].pk).update(abstract="Changed.")
    third = papers_enrich(papers=Paper.objects.all())
    assert (third.papers_done, third.papers_cached, third.llm_calls) == (1, 2, 1)


def test_run_records_counts_tokens_cost_and_errors(fake_llm, settings, llm_taxonomy):
    settings.LLM_CONCURRENCY = 4
    papers = PaperFactory.create_batch(6)
    bad = papers[2].arxiv_id

    def respond(request):
        if requested_arxiv_id(request) == bad:
            return Reply(content="no json at all")
        return Reply()

    fake_llm.respond = respond
    run = papers_enrich(papers=Paper.objects.all())
    assert (run.papers_total, run.papers_done, run.papers_failed) == (6, 5, 1)
    assert run.llm_calls == 7  # one repair for the bad paper
    assert run.status == RunStatus.PARTIAL
    assert bad in run.error
    assert run.prompt_tokens == sum(
        Paper.objects.values_list("enrichment_prompt_tokens", flat=True)
    )
    assert run.cost_usd == sum(Paper.objects.values_list("enrichment_cost_usd", flat=True))
    assert run.cost_usd > 0
    assert run.finished_at is not None
    for paper in Paper.objects.exclude(arxiv_id=bad):
        assert paper.title_zh_machine == f"测试用中文标题 {paper.arxiv_id}"


def test_daily_budget_leaves_the_rest_pending(fake_llm, settings, llm_taxonomy):
    settings.LLM_CONCURRENCY = 1
    PaperFactory.create_batch(4)
    one_paper = papers_enrich(papers=Paper.objects.all()[:1]).cost_usd
    settings.LLM_DAILY_BUDGET_USD = float(one_paper * Decimal("2.5"))
    run = papers_enrich(papers=Paper.objects.filter(enrichment_state="pending"))
    # 1.5 papers' worth left: the first call fits, the second starts under the budget and
    # overruns it, the third is not started.
    assert (run.papers_done, run.papers_deferred) == (2, 1)
    assert run.status == RunStatus.PARTIAL
    assert Paper.objects.filter(enrichment_state="pending").count() == run.papers_deferred
    assert len(fake_llm.requests) == 1 + run.papers_done


def test_spent_budget_defers_everything_and_makes_no_call(fake_llm, settings, llm_taxonomy):
    EnrichmentRun.objects.create(backend="openai", cost_usd=Decimal("5.0"))
    settings.LLM_DAILY_BUDGET_USD = 5.0
    PaperFactory.create_batch(2)
    run = papers_enrich(papers=Paper.objects.all())
    assert (run.papers_deferred, run.llm_calls) == (2, 0)
    assert fake_llm.requests == []
    # Yesterday's spending does not count against today.
    EnrichmentRun.objects.update(started_at=timezone.now() - dt.timedelta(days=2))
    assert papers_enrich(papers=Paper.objects.all()).papers_done == 2


def test_offline_backend_ignores_the_budget(settings, llm_taxonomy):
    EnrichmentRun.objects.create(backend="openai", cost_usd=Decimal("99"))
    PaperFactory()
    run = papers_enrich(papers=Paper.objects.all())
    assert (run.backend, run.papers_done, run.cost_usd) == ("offline", 1, 0)


def test_calls_run_concurrently_up_to_the_limit(fake_llm, settings, llm_taxonomy):
    settings.LLM_CONCURRENCY = 4
    # The fake answers nothing until four requests are waiting at once: that only happens if
    # four calls really are in flight together (a serial client would fail on the timeout).
    together = threading.Barrier(4, timeout=10)

    def respond(request):
        if len(fake_llm.requests) <= 4:
            together.wait()
        return Reply()

    fake_llm.respond = respond
    PaperFactory.create_batch(9)
    run = papers_enrich(papers=Paper.objects.all())
    assert (run.papers_done, run.papers_failed) == (9, 0)
    assert fake_llm.max_in_flight == 4  # and never more than the limit
    assert len(fake_llm.requests) == 9


def test_queued_papers_go_in_batches_of_even_size(settings, monkeypatch):
    settings.LLM_CONCURRENCY = 4  # batches of at most 16
    queued = []
    monkeypatch.setattr(enrich_papers, "delay_on_commit", queued.append)
    assert papers_enrichment_queue(paper_ids=range(50, 0, -1)) == 50
    # Four batches of 12-13, not three of 16 and one of 2: workers sharing them end together.
    assert sorted(len(batch) for batch in queued) == [12, 12, 13, 13]
    assert sorted(pk for batch in queued for pk in batch) == list(range(1, 51))
    assert all(batch == sorted(batch) for batch in queued)


def _offline_run_queries(papers: int) -> int:
    """Queries of an offline run over `papers` new papers, each with an affiliated author."""
    ids = [PaperAuthorFactory(affiliation="Tsinghua University").paper_id for _ in range(papers)]
    with CaptureQueriesContext(connection) as queries:
        run = papers_enrich(papers=Paper.objects.filter(pk__in=ids))
    assert run.papers_done == papers
    return len(queries)


def test_offline_run_costs_the_same_queries_for_every_paper(llm_taxonomy):
    # An editor's institution: the registry with editors' institutions is built once per run.
    InstitutionFactory(name="Lab of Editors", source=Institution.Source.EDITOR)
    _offline_run_queries(1)  # the first run creates the institution its papers share
    one, two, three = (_offline_run_queries(count) for count in (1, 2, 3))
    per_paper = two - one
    assert three - two == per_paper
    # Per paper: its UPDATE; its author's institution and its new link (+ history each).
    # Locking and reading the papers again, their authors, links and hits, storing the new
    # hits, every history row of the papers and hits, matching the institution they share
    # and the check whether any is published: once for a batch of papers.
    assert per_paper == 5


class HitOutOfRangeFor(OfflineBackend):
    """Suggests a hit the database refuses (confidence above 1) for one paper."""

    def __init__(self, *, arxiv_id: str, **kwargs):
        super().__init__(**kwargs)
        self.arxiv_id = arxiv_id

    def enrich(self, source):
        enrichment = super().enrich(source)
        if source.arxiv_id == self.arxiv_id:
            enrichment.hits = [HitSuggestion("llm", None, 1.5, "越界")]
        return enrichment


def test_a_paper_that_cannot_be_stored_is_marked_failed_and_the_others_are_stored(
    llm_taxonomy,
):
    papers = PaperFactory.create_batch(3, title="A large language model", abstract="An LLM.")
    backend = HitOutOfRangeFor(arxiv_id=papers[1].arxiv_id, taxonomy=taxonomy_snapshot())
    run = papers_enrich(papers=Paper.objects.order_by("pk"), backend=backend)
    assert (run.papers_done, run.papers_failed, run.status) == (2, 1, RunStatus.PARTIAL)
    bad = Paper.objects.get(pk=papers[1].pk)
    assert bad.enrichment_state == Paper.EnrichmentState.FAILED
    assert "IntegrityError" in bad.enrichment_error
    assert bad.enrichment_retry_at is not None  # the sweep takes it up again
    assert not bad.topic_hits.exists()
    for good in (papers[0], papers[2]):
        good = Paper.objects.get(pk=good.pk)
        assert good.enrichment_state == Paper.EnrichmentState.DONE
        assert good.topic_hits.filter(topic=llm_taxonomy).exists()


def test_every_stored_change_is_audited_and_a_rerun_writes_nothing_new(llm_taxonomy):
    papers = PaperFactory.create_batch(2, title="A large language model", abstract="An LLM.")
    backend = OfflineBackend(taxonomy=taxonomy_snapshot())
    papers_enrich(papers=Paper.objects.all(), backend=backend)
    hits = TopicHit.objects.filter(paper__in=papers)
    assert hits.count() == TopicHit.history.filter(history_type="+").count() > 0
    for paper in papers:
        record = Paper.history.filter(id=paper.pk).latest("history_date")
        assert (record.history_type, record.enrichment_state) == ("~", "done")
    audited = Paper.history.count(), TopicHit.history.count()
    papers_enrich(papers=Paper.objects.all(), backend=backend)
    assert (Paper.history.count(), TopicHit.history.count()) == audited


class TimeUpOnSecondPaper(OfflineBackend):
    calls = 0

    def enrich(self, source):
        self.calls += 1
        if self.calls == 2:
            raise SoftTimeLimitExceeded()
        return super().enrich(source)


def test_time_limit_in_a_local_backend_stops_the_run_and_leaves_the_rest_pending(llm_taxonomy):
    PaperFactory.create_batch(3)
    with pytest.raises(SoftTimeLimitExceeded):
        papers_enrich(
            papers=Paper.objects.order_by("pk"),
            backend=TimeUpOnSecondPaper(taxonomy=taxonomy_snapshot()),
        )
    run = EnrichmentRun.objects.get()
    assert (run.papers_done, run.papers_failed, run.papers_deferred) == (1, 0, 2)
    states = list(Paper.objects.order_by("pk").values_list("enrichment_state", flat=True))
    assert states == ["done", "pending", "pending"]


def test_time_limit_while_storing_llm_answers_leaves_them_pending(
    fake_llm, settings, llm_taxonomy, monkeypatch
):
    settings.LLM_CONCURRENCY = 2
    PaperFactory.create_batch(5)
    stored = []

    def time_up_on_second_store(*, done, backend):
        if stored:
            raise SoftTimeLimitExceeded()
        stored.append([job.paper.pk for job, _ in done])
        return storing.results_store(done=done, backend=backend)

    monkeypatch.setattr(services, "results_store", time_up_on_second_store)
    with pytest.raises(SoftTimeLimitExceeded):
        papers_enrich(papers=Paper.objects.order_by("pk"))
    run = EnrichmentRun.objects.get()
    # The answers being stored when the time ran out, those still awaited and those never
    # sent are all left pending for the sweep, each once: none is lost or counted twice.
    assert run.papers_done == len(stored[0])
    assert run.papers_done + run.papers_deferred == 5
    states = dict(Paper.objects.values_list("pk", "enrichment_state"))
    assert sorted(pk for pk, state in states.items() if state == "done") == sorted(stored[0])
    assert sorted(states.values()).count("pending") == 5 - len(stored[0])


def test_enrich_papers_task_logs_a_run(fake_llm, llm_taxonomy):
    paper = PaperFactory()
    assert enrich_papers.delay([paper.pk]).get() == RunStatus.OK
    run = EnrichmentRun.objects.get()
    assert (run.papers_done, run.llm_calls, run.backend) == (1, 1, "openai")


def test_sweep_retries_failed_and_pending_papers(fake_llm, llm_taxonomy):
    failed = PaperFactory(
        enrichment_state="failed", enrichment_error="timeout", enrichment_attempts=2
    )
    pending = PaperFactory()
    done = PaperFactory()
    paper_enrich(paper=done)
    fake_llm.requests.clear()
    assert enrich_sweep.delay().get() == RunStatus.OK
    for paper in (failed, pending):
        paper.refresh_from_db()
        assert paper.enrichment_state == "done"
        assert paper.enrichment_error == ""
    assert {requested_arxiv_id(r) for r in fake_llm.requests} == {failed.arxiv_id, pending.arxiv_id}


def test_tasks_are_late_acked_time_limited_and_the_sweep_is_scheduled(settings):
    for task in (enrich_papers, enrich_sweep):
        assert task.acks_late
        assert 0 < task.soft_time_limit < task.time_limit
    assert enrich_papers.name == "papers.enrich_papers"
    schedule = settings.CELERY_BEAT_SCHEDULE["papers.enrich_sweep"]
    assert schedule["task"] == enrich_sweep.name == "papers.enrich_sweep"


@pytest.mark.django_db(transaction=True)
def test_a_listener_failing_after_the_commit_does_not_store_the_papers_again(
    llm_taxonomy, monkeypatch
):
    def listener_fails_after_commit(**kwargs):
        transaction.on_commit(lambda: 1 / 0)

    monkeypatch.setattr(storing, "public_content_changed_if_published", listener_fails_after_commit)
    PaperFactory.create_batch(2, title="A large language model", abstract="An LLM.")
    backend = OfflineBackend(taxonomy=taxonomy_snapshot())
    with pytest.raises(ZeroDivisionError):
        papers_enrich(papers=Paper.objects.all(), backend=backend)
    stored = Paper.objects.values_list("enrichment_state", "enrichment_attempts")
    assert set(stored) == {("done", 1)}
