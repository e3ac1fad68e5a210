"""The triage desk: one topic's candidates of one day, decided card by card."""

import datetime as dt

import pytest
from django.urls import reverse

from papers.models import Announcement, DailyPage, Paper, TopicHit
from tests.factories import (
    AnnouncementFactory,
    PaperFactory,
    PaperInstitutionFactory,
    StaffFactory,
    SubtopicFactory,
    TopicFactory,
    TopicHitFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 27)
FRAGMENT = {"HTTP_X_DESK_FRAGMENT": "1"}


def candidate(topic, *, day=DAY, confidence=0.8, **paper_fields):
    paper = PaperFactory(
        title_zh_machine="机器标题", summary_zh_machine="机器总结。", **paper_fields
    )
    AnnouncementFactory(paper=paper, announce_date=day)
    return TopicHitFactory(paper=paper, topic=topic, confidence=confidence)


def desk_url(topic, name="desk:day", *args):
    return reverse(name, args=[topic.slug, DAY.isoformat(), *args])


def card_post(hit, decision="accept", **changes):
    """What a card's form sends, as the desk drew it; `changes` override fields."""
    hit.refresh_from_db()
    paper = hit.paper
    paper.refresh_from_db()
    return {
        "decision": decision,
        "loaded_version": hit.updated_at.isoformat(),
        "subtopic": hit.subtopic_id or "",
        "reason": "",
        "paper-loaded_version": paper.modified_at.isoformat(),
        "paper-title_zh_human": paper.zh("title").value,
        "paper-summary_zh_human": paper.zh("summary").value,
        **changes,
    }


@pytest.fixture
def topic():
    return TopicFactory(slug="llm", confidence_threshold=0.7)


def test_desk_needs_an_editorial_role(client, topic):
    client.force_login(StaffFactory(username="staff-without-role"))
    assert client.get(desk_url(topic)).status_code == 403


def test_desk_asks_for_a_login(client, topic):
    response = client.get(desk_url(topic))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_start_opens_the_newest_day_of_the_topic_with_most_undecided(client, editor, topic):
    quiet = TopicFactory()
    candidate(topic)
    candidate(topic)
    candidate(quiet)
    candidate(quiet, day=DAY - dt.timedelta(days=3))
    client.force_login(editor)
    response = client.get(reverse("desk:start"))
    assert response["Location"] == desk_url(topic)


def test_desk_shows_every_candidate_of_the_day_and_the_progress(client, editor, topic):
    accepted = candidate(topic, confidence=0.9)
    accepted.review_state = TopicHit.ReviewState.ACCEPTED
    accepted.save()
    open_hit = candidate(topic, confidence=0.5, enrichment_flags={"title": ["数字不一致"]})
    PaperInstitutionFactory(paper=open_hit.paper, institution__name="Peking University")
    updated = candidate(topic, version=2)
    updated.paper.announcements.update(announce_type=Announcement.Type.REPLACE, version=2)
    candidate(topic, day=DAY - dt.timedelta(days=1))  # another day
    candidate(TopicFactory())  # another topic
    client.force_login(editor)
    response = client.get(desk_url(topic))
    html = response.content.decode()
    shown = [hit.pk for hit in response.context["desk"].hits]
    assert shown == [accepted.pk, updated.pk, open_hit.pk]  # strongest first
    assert "<span data-desk-decided>1</span>" in html
    assert "数字不一致" in html and "Peking University" in html
    assert html.count('class="desk-badge"') == 1


def test_accept_answers_with_the_card_and_audits_who_and_why(client, editor, topic):
    hit = candidate(topic)
    client.force_login(editor)
    data = card_post(hit, reason="方向正确")
    response = client.post(desk_url(topic, "desk:candidate", hit.pk), data, **FRAGMENT)
    assert response.status_code == 200
    assert response.content.decode().strip().startswith('<article class="desk-card state-accepted')
    hit.refresh_from_db()
    assert (hit.review_state, hit.reviewed_by) == (TopicHit.ReviewState.ACCEPTED, editor)
    row = hit.history.first()
    assert (row.history_user, row.history_change_reason) == (editor, "方向正确")
    assert hit.history.count() == 2  # created, then the one decision
    assert Paper.history.filter(id=hit.paper_id, history_type="~").count() == 0


def test_a_decision_costs_the_same_few_queries_on_any_card(
    client, editor, topic, django_assert_num_queries
):
    """Session, user, permissions; the view's transaction (a savepoint in a test); the hit
    and paper read locked; the subtopics; the service's savepoint, update, history row, the
    paper's publication columns and listings (papers.publication), the pages it joins,
    whether readers see it, release; the card's institutions."""
    subtopic = SubtopicFactory(topic=topic)
    hits = [candidate(topic) for _ in range(3)]
    PaperInstitutionFactory(paper=hits[2].paper)
    client.force_login(editor)
    client.post(desk_url(topic, "desk:candidate", hits[0].pk), card_post(hits[0]), **FRAGMENT)
    for hit in hits[1:]:
        data = card_post(hit, subtopic=subtopic.pk)
        with django_assert_num_queries(16):
            response = client.post(desk_url(topic, "desk:candidate", hit.pk), data, **FRAGMENT)
        assert response.status_code == 200


@pytest.mark.parametrize("candidates", [10, 100])
def test_the_desk_page_costs_the_same_queries_for_any_number_of_candidates(
    client, editor, topic, candidates, django_assert_num_queries
):
    SubtopicFactory(topic=topic)
    for _ in range(candidates):
        hit = candidate(topic)
        PaperInstitutionFactory(paper=hit.paper)
    client.force_login(editor)
    with django_assert_num_queries(9):
        response = client.get(desk_url(topic))
    assert len(response.context["desk"].hits) == candidates


def test_a_stale_card_is_refused_with_the_current_state(client, editor, topic):
    hit = candidate(topic)
    data = card_post(hit, "reject")
    other = StaffFactory(username="other", groups=["Editor"])
    client.force_login(other)
    client.post(desk_url(topic, "desk:candidate", hit.pk), card_post(hit, "accept"))
    client.force_login(editor)
    response = client.post(desk_url(topic, "desk:candidate", hit.pk), data, **FRAGMENT)
    assert response.status_code == 409
    assert "Conflict" in response.content.decode() or "冲突" in response.content.decode()
    hit.refresh_from_db()
    assert (hit.review_state, hit.reviewed_by) == (TopicHit.ReviewState.ACCEPTED, other)


def test_editing_the_title_keeps_the_untouched_summary_the_machines(client, editor, topic):
    hit = candidate(topic)
    client.force_login(editor)
    data = card_post(hit, "save", **{"paper-title_zh_human": "编辑的标题"})
    response = client.post(desk_url(topic, "desk:candidate", hit.pk), data, **FRAGMENT)
    assert response.status_code == 200
    paper = Paper.objects.get(pk=hit.paper_id)
    assert (paper.title_zh_human, paper.summary_zh_human) == ("编辑的标题", "")
    assert paper.history.first().history_user == editor
    hit.refresh_from_db()
    assert hit.review_state == TopicHit.ReviewState.SUGGESTED


def test_save_changes_the_subtopic_without_deciding(client, editor, topic):
    hit = candidate(topic)
    subtopic = SubtopicFactory(topic=topic)
    client.force_login(editor)
    data = card_post(hit, "save", subtopic=subtopic.pk)
    client.post(desk_url(topic, "desk:candidate", hit.pk), data, **FRAGMENT)
    hit.refresh_from_db()
    assert (hit.subtopic, hit.review_state) == (subtopic, TopicHit.ReviewState.SUGGESTED)


def test_a_subtopic_of_another_topic_is_refused(client, editor, topic):
    hit = candidate(topic)
    client.force_login(editor)
    data = card_post(hit, subtopic=SubtopicFactory().pk)
    response = client.post(desk_url(topic, "desk:candidate", hit.pk), data, **FRAGMENT)
    assert response.status_code == 400
    hit.refresh_from_db()
    assert hit.review_state == TopicHit.ReviewState.SUGGESTED


@pytest.mark.parametrize(
    "field", ["paper-summary_zh_human", "paper-title_zh_human", "reason"], ids=str
)
def test_text_pasted_with_a_form_feed_is_refused_naming_it(client, editor, topic, field):
    """Issue 19: pages, feeds and the API cannot carry control characters (a PDF's \\x0c)."""
    hit = candidate(topic)
    client.force_login(editor)
    data = card_post(hit, **{field: "本文研究从PDF复制文本的问题。\x0c作者分析了…"})
    response = client.post(desk_url(topic, "desk:candidate", hit.pk), data, **FRAGMENT)
    assert response.status_code == 400
    assert "U+000C" in response.content.decode()
    paper = Paper.objects.get(pk=hit.paper_id)
    assert (paper.title_zh_human, paper.summary_zh_human) == ("", "")
    hit.refresh_from_db()
    assert hit.review_state == TopicHit.ReviewState.SUGGESTED


def test_without_javascript_a_decision_returns_to_the_card(client, editor, topic):
    hit = candidate(topic)
    client.force_login(editor)
    response = client.post(desk_url(topic, "desk:candidate", hit.pk), card_post(hit, "reject"))
    assert response["Location"] == f"{desk_url(topic)}#card-{hit.pk}"
    hit.refresh_from_db()
    assert hit.review_state == TopicHit.ReviewState.REJECTED


def test_bulk_accept_takes_the_shown_undecided_at_or_above_threshold(client, editor, topic):
    sure = candidate(topic, confidence=0.7)
    unsure = candidate(topic, confidence=0.69)
    rejected = candidate(topic, confidence=0.95)
    rejected.review_state = TopicHit.ReviewState.REJECTED
    rejected.save()
    client.force_login(editor)
    shown = [sure.pk, unsure.pk, rejected.pk]
    client.post(desk_url(topic, "desk:accept_confident"), {"hit": shown})
    states = dict(TopicHit.objects.values_list("pk", "review_state"))
    assert states == {sure.pk: "accepted", unsure.pk: "suggested", rejected.pk: "rejected"}


def test_publishing_needs_the_chief_editors_permission(client, editor, chief_editor, topic):
    hit = candidate(topic)
    hit.review_state = TopicHit.ReviewState.ACCEPTED
    hit.save()
    client.force_login(editor)
    assert client.post(desk_url(topic, "desk:publish")).status_code == 403
    assert 'id="desk-publish"' not in client.get(desk_url(topic)).content.decode()
    client.force_login(chief_editor)
    client.post(desk_url(topic, "desk:publish"))
    page = DailyPage.objects.get(topic=topic, announce_date=DAY)
    assert (page.status, page.published_by) == (DailyPage.Status.PUBLISHED, chief_editor)


def test_candidates_the_llm_and_the_scorer_disagree_on_come_first(client, editor, topic):
    strong = candidate(topic, confidence=0.9)
    disputed = candidate(topic, confidence=0.15)
    TopicHit.objects.filter(pk=disputed.pk).update(
        proposed_confidence=0.9, evidence=["object detection"]
    )
    client.force_login(editor)
    response = client.get(desk_url(topic))
    assert [hit.pk for hit in response.context["desk"].hits] == [disputed.pk, strong.pk]
    assert "LLM 0.90" in response.content.decode()
    assert "(object detection)" in response.content.decode()
