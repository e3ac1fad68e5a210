"""Editorial services: each records who and when, and moves what topic_day_get shows."""

import datetime as dt

import pytest
from django.utils import timezone

from editorial import services
from papers.models import DailyPage, Paper, TopicHit, ZhState
from public.selectors import topic_day_get
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    PaperFactory,
    TopicFactory,
    TopicHitFactory,
)

DAY = dt.date(2026, 4, 27)
pytestmark = pytest.mark.django_db


def _listed_hit(topic, **hit):
    paper = PaperFactory()
    AnnouncementFactory(paper=paper, announce_date=DAY)
    return TopicHitFactory(paper=paper, topic=topic, **hit)


def test_accepting_a_hit_puts_the_paper_in_the_preview_and_records_who(editor):
    topic = TopicFactory()
    hit = _listed_hit(topic)
    assert not DailyPage.objects.filter(topic=topic, announce_date=DAY).exists()

    services.topic_hit_accept(hits=[hit], user=editor)

    hit.refresh_from_db()
    assert hit.review_state == TopicHit.ReviewState.ACCEPTED
    assert hit.reviewed_by == editor
    assert hit.reviewed_at is not None
    preview = topic_day_get(topic=topic, announce_date=DAY, include_drafts=True)
    assert preview.papers == [hit.paper]
    assert topic_day_get(topic=topic, announce_date=DAY).papers == []


def test_accepting_into_an_already_published_day_publishes_the_paper(editor, chief_editor):
    topic = TopicFactory()
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    services.daily_page_publish(page=page, user=chief_editor)
    hit = _listed_hit(topic)
    hit.paper.summary_zh_machine = "机器总结"
    hit.paper.save()

    services.topic_hit_accept(hits=[hit], user=editor)

    assert topic_day_get(topic=topic, announce_date=DAY).papers == [hit.paper]
    paper = Paper.objects.get(pk=hit.paper.pk)
    assert not paper.zh("summary").is_public  # accepting the hit read no Chinese
    assert paper.zh_reviewed_at is None


def test_rejecting_an_accepted_hit_takes_the_paper_out_of_the_preview(editor):
    topic = TopicFactory()
    DailyPageFactory(topic=topic, announce_date=DAY)
    hit = _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED)
    assert topic_day_get(topic=topic, announce_date=DAY, include_drafts=True).papers

    services.topic_hit_reject(hits=[hit], user=editor)

    assert topic_day_get(topic=topic, announce_date=DAY, include_drafts=True).papers == []
    assert TopicHit.objects.get(pk=hit.pk).review_state == TopicHit.ReviewState.REJECTED


def test_accept_above_threshold_uses_each_topics_own_bar(editor):
    strict = TopicFactory(confidence_threshold=0.9)
    lenient = TopicFactory(confidence_threshold=0.5)
    below = _listed_hit(strict, confidence=0.8)
    at_bar = _listed_hit(strict, confidence=0.9)
    above = _listed_hit(lenient, confidence=0.6)
    rejected = _listed_hit(lenient, confidence=0.99, review_state=TopicHit.ReviewState.REJECTED)

    accepted = services.topic_hits_accept_above_threshold(hits=TopicHit.objects.all(), user=editor)

    assert {hit.pk for hit in accepted} == {at_bar.pk, above.pk}
    states = dict(TopicHit.objects.values_list("pk", "review_state"))
    assert states[below.pk] == TopicHit.ReviewState.SUGGESTED
    assert states[rejected.pk] == TopicHit.ReviewState.REJECTED


def test_editor_added_hit_is_theirs_and_accepted(editor):
    paper = PaperFactory()
    AnnouncementFactory(paper=paper, announce_date=DAY)
    hit = TopicHit(paper=paper, topic=TopicFactory(), confidence=1.0, reason="编辑添加")

    services.topic_hit_editor_save(hit=hit, user=editor)

    hit.refresh_from_db()
    assert (hit.origin, hit.review_state, hit.reviewed_by) == (
        TopicHit.Origin.EDITOR,
        TopicHit.ReviewState.ACCEPTED,
        editor,
    )
    assert DailyPage.objects.filter(topic=hit.topic, announce_date=DAY).exists()


def test_mark_reviewed_makes_machine_text_public(editor):
    paper = PaperFactory(summary_zh_machine="机器总结", summary_zh_source_changed=True)
    assert not paper.zh("summary").is_public

    services.paper_review_mark(paper=paper, user=editor)

    paper = Paper.objects.get(pk=paper.pk)
    assert paper.zh("summary").state == ZhState.REVIEWED
    assert paper.zh("summary").is_public
    assert not paper.summary_zh_source_changed
    assert paper.zh_reviewed_by == editor


def test_revert_to_machine_drops_only_that_fields_human_text(editor):
    paper = PaperFactory(
        title_zh_machine="机器标题",
        title_zh_human="编辑标题",
        summary_zh_machine="机器总结",
        summary_zh_human="编辑总结",
    )

    services.paper_zh_revert(paper=paper, field="title", user=editor)

    paper = Paper.objects.get(pk=paper.pk)
    assert paper.zh("title").value == "机器标题"
    assert paper.zh("title").state == ZhState.MACHINE
    assert paper.zh("summary").value == "编辑总结"
    with pytest.raises(ValueError):
        services.paper_zh_revert(paper=paper, field="authors", user=editor)


def test_publish_makes_the_day_public_and_vouches_for_no_chinese(chief_editor):
    topic = TopicFactory()
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    hit = _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED)
    hit.paper.title_zh_machine = "机器标题"
    hit.paper.save()
    suggested = _listed_hit(topic)

    services.daily_page_publish(page=page, user=chief_editor)

    page.refresh_from_db()
    assert (page.status, page.published_by) == (DailyPage.Status.PUBLISHED, chief_editor)
    assert topic_day_get(topic=topic, announce_date=DAY).papers == [hit.paper]
    paper = Paper.objects.get(pk=hit.paper.pk)
    assert (paper.zh("title").state, paper.zh("title").is_public) == (ZhState.MACHINE, False)
    assert paper.zh_reviewed_at is None
    assert Paper.objects.get(pk=suggested.paper.pk).zh_reviewed_at is None
    assert list(Paper.objects.published()) == [paper]


def test_unpublish_hides_the_day_again(chief_editor):
    topic = TopicFactory()
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED)
    services.daily_page_publish(page=page, user=chief_editor)

    services.daily_page_unpublish(page=page, user=chief_editor)

    assert topic_day_get(topic=topic, announce_date=DAY).papers == []
    assert not Paper.objects.published().exists()


def test_publish_for_date_publishes_every_topic_with_accepted_papers(chief_editor):
    with_papers = TopicFactory()
    only_suggestions = TopicFactory()
    _listed_hit(with_papers, review_state=TopicHit.ReviewState.ACCEPTED)
    _listed_hit(only_suggestions)

    pages = services.daily_pages_publish_for_date(announce_date=DAY, user=chief_editor)

    assert [page.topic for page in pages] == [with_papers]
    assert DailyPage.objects.published().get().topic == with_papers
    assert not DailyPage.objects.filter(topic=only_suggestions, status="published").exists()


def _auto_topic(**kwargs):
    return TopicFactory(publish_policy="auto", auto_publish_time=dt.time(18, 0), **kwargs)


def _at(hour):
    """`hour` o'clock on DAY in the display zone."""
    return dt.datetime.combine(DAY, dt.time(hour, 0), tzinfo=timezone.get_default_timezone())


def test_autopublish_publishes_due_drafts_of_auto_topics_only(editor):
    auto = _auto_topic()
    manual = TopicFactory()
    for topic in (auto, manual):
        services.topic_hit_accept(hits=[_listed_hit(topic)], user=editor)

    assert services.daily_pages_autopublish(now=_at(17)) == []
    [page] = services.daily_pages_autopublish(now=_at(18))

    assert page.topic == auto
    assert page.published_by is None
    assert DailyPage.objects.get(topic=manual).status == DailyPage.Status.DRAFT


def test_autopublish_leaves_empty_and_withdrawn_pages_alone(editor, chief_editor):
    empty = _auto_topic()
    DailyPageFactory(topic=empty, announce_date=DAY)
    withdrawn = _auto_topic()
    services.topic_hit_accept(hits=[_listed_hit(withdrawn)], user=editor)
    page = DailyPage.objects.get(topic=withdrawn)
    services.daily_page_publish(page=page, user=chief_editor)
    services.daily_page_unpublish(page=page, user=chief_editor)

    assert services.daily_pages_autopublish(now=_at(23)) == []
    assert not DailyPage.objects.published().exists()


def test_editorial_changes_leave_audit_rows_with_who(editor, chief_editor):
    topic = TopicFactory()
    hit = _listed_hit(topic)
    services.topic_hit_accept(hits=[hit], user=editor)
    page = DailyPage.objects.get(topic=topic)
    services.daily_page_publish(page=page, user=chief_editor)

    hit_change = hit.history.latest()
    assert hit_change.history_user == editor
    assert hit_change.review_state == TopicHit.ReviewState.ACCEPTED
    assert hit_change.prev_record.review_state == TopicHit.ReviewState.SUGGESTED
    diff = hit_change.diff_against(hit_change.prev_record)
    assert "review_state" in diff.changed_fields
    assert page.history.latest().history_user == chief_editor
    assert page.history.latest().status == DailyPage.Status.PUBLISHED
    assert hit.paper.history.count() == 1  # publishing wrote nothing to the paper


def test_order_fill_writes_current_order_for_editors_to_renumber(chief_editor):
    topic = TopicFactory()
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    low = _listed_hit(topic, confidence=0.6, review_state=TopicHit.ReviewState.ACCEPTED).paper
    high = _listed_hit(topic, confidence=0.9, review_state=TopicHit.ReviewState.ACCEPTED).paper

    assert services.daily_page_order_fill(page=page, user=chief_editor) == 2

    assert list(page.entries.values_list("paper", "position")) == [(high.pk, 10), (low.pk, 20)]
    page.entries.filter(paper=low).update(position=5)
    assert topic_day_get(topic=topic, announce_date=DAY, include_drafts=True).papers == [low, high]
