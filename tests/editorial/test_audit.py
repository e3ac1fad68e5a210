"""Every editorial write leaves history: one row per object written, naming the editor, with
the reason when one was given; the history page reads "—" where a value or reason is empty."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from papers.models import DailyPage, Institution, Paper, TopicHit
from tests.admin_forms import admin_form_data
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    InstitutionFactory,
    PaperAuthorFactory,
    PaperFactory,
    PaperInstitutionFactory,
    TopicFactory,
    TopicHitFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 27)
QUEUE = reverse("admin:papers_reviewqueuepaper_changelist")
FILTERS = "topic=llm&updated=yes"


@contextmanager
def history_written():
    """Collects (model name, object pk, user, reason) of every history row the block writes."""
    rows = []
    start = timezone.now()
    yield rows
    for model in registered_models.values():
        written = model.history.filter(history_date__gte=start)
        rows += [
            (model._meta.model_name, row.id, row.history_user, row.history_change_reason)
            for row in written
        ]


def _queue_url(paper) -> str:
    return reverse("admin:papers_reviewqueuepaper_change", args=[paper.pk])


def _opened_from_the_filtered_queue(client, user, paper) -> tuple[str, dict]:
    """The paper's queue page as reached from a filtered queue, and its form as posted back."""
    client.force_login(user)
    url = f"{_queue_url(paper)}?_changelist_filters=topic%3Dllm%26updated%3Dyes"
    return url, admin_form_data(client.get(url))


def _queue_paper(**fields) -> Paper:
    paper = PaperFactory(**{"version": 2, **fields})
    AnnouncementFactory(paper=paper, announce_date=DAY)
    TopicHitFactory(paper=paper, topic=TopicFactory(slug="llm"))
    return paper


def _post_action(client, changelist: str, action: str, pks: list, **extra):
    url = reverse(f"admin:papers_{changelist}_changelist")
    return client.post(url, {"action": action, ACTION_CHECKBOX_NAME: pks, **extra})


# ---- the paper page and the queue ----


def test_save_and_mark_reviewed_from_the_queue_is_one_audited_change(client, editor):
    paper = _queue_paper()
    url, data = _opened_from_the_filtered_queue(client, editor, paper)

    with history_written() as rows:
        response = client.post(url, {**data, "_mark_reviewed": "1", "_change_reason": "读过全文"})

    assert rows == [("paper", paper.pk, editor, "读过全文")]
    assert Paper.objects.get(pk=paper.pk).zh_reviewed_by == editor
    assert response.url == f"{QUEUE}?{FILTERS}"


def test_plain_save_from_the_queue_returns_to_the_filtered_queue(client, editor):
    paper = _queue_paper()
    url, data = _opened_from_the_filtered_queue(client, editor, paper)

    with history_written() as rows:
        response = client.post(url, {**data, "title_zh_human": "编辑标题"}, follow=True)

    assert rows == [("paper", paper.pk, editor, "")]
    assert response.redirect_chain == [(f"{QUEUE}?{FILTERS}", 302)]
    assert "不存在" not in response.content.decode()


def test_queue_page_stays_open_after_the_paper_left_the_queue(client, editor):
    paper = _queue_paper(zh_reviewed_at=timezone.now())
    paper.topic_hits.update(review_state=TopicHit.ReviewState.ACCEPTED)
    client.force_login(editor)
    assert client.get(_queue_url(paper)).status_code == 200
    assert str(paper.arxiv_id) not in client.get(QUEUE).content.decode()


def test_revert_to_machine_is_one_audited_change(client, editor):
    paper = _queue_paper(title_zh_machine="机器标题", title_zh_human="编辑标题")
    client.force_login(editor)
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    data = {**admin_form_data(client.get(url)), "_zh_revert": "title"}

    with history_written() as rows:
        response = client.post(url, data)

    assert rows == [("paper", paper.pk, editor, "")]
    assert response.url == url


def test_inline_author_edit_is_audited_with_the_reason(client, editor):
    paper = _queue_paper()
    author = PaperAuthorFactory(paper=paper, position=0, name="Ada")
    client.force_login(editor)
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    data = admin_form_data(client.get(url))
    [name_key] = [key for key, value in data.items() if key.endswith("-name") and value == "Ada"]
    data[name_key] = "Ada Lovelace"

    with history_written() as rows:
        client.post(url, {**data, "_change_reason": "拼写"})

    assert ("paperauthor", author.pk, editor, "拼写") in rows
    assert {user for _, _, user, _ in rows} == {editor}


# ---- bulk actions ----


def test_bulk_mark_reviewed_on_the_queue_is_audited(client, editor):
    paper = _queue_paper()
    client.force_login(editor)
    with history_written() as rows:
        _post_action(client, "reviewqueuepaper", "mark_reviewed", [paper.pk])
    assert rows == [("paper", paper.pk, editor, None)]


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_hit_actions_are_audited(client, editor, action):
    hit = TopicHitFactory(paper=PaperFactory())
    client.force_login(editor)
    with history_written() as rows:
        _post_action(client, "topichit", action, [hit.pk])
    assert rows == [("topichit", hit.pk, editor, None)]


def test_accepting_a_listed_hit_makes_its_draft_page_audited_too(client, editor):
    paper = _queue_paper()
    [hit] = paper.topic_hits.all()
    client.force_login(editor)
    with history_written() as rows:
        _post_action(client, "topichit", "accept", [hit.pk])
    page = DailyPage.objects.get()
    assert sorted(rows) == [
        ("dailypage", page.pk, editor, None),
        ("topichit", hit.pk, editor, None),
    ]


def test_enrich_again_is_audited(client, editor, monkeypatch):
    from enrichment import tasks

    monkeypatch.setattr(tasks.enrich_papers, "delay_on_commit", lambda *a, **kw: None)
    paper = PaperFactory()
    client.force_login(editor)
    with history_written() as rows:
        _post_action(client, "paper", "enrich_again", [paper.pk])
    assert rows == [("paper", paper.pk, editor, None)]


@pytest.mark.parametrize("action", ["publish", "unpublish", "publish_dates"])
def test_publishing_actions_are_audited(client, chief_editor, action):
    paper = _queue_paper()
    paper.topic_hits.update(review_state=TopicHit.ReviewState.ACCEPTED)
    status = DailyPage.Status.PUBLISHED if action == "unpublish" else DailyPage.Status.DRAFT
    page = DailyPageFactory(topic=paper.topic_hits.get().topic, announce_date=DAY, status=status)
    client.force_login(chief_editor)
    with history_written() as rows:
        _post_action(client, "dailypage", action, [page.pk])
    assert ("dailypage", page.pk, chief_editor, None) in rows
    assert {user for _, _, user, _ in rows} == {chief_editor}
    assert len([row for row in rows if row[0] == "dailypage"]) == 1


def test_publish_button_without_edits_is_one_change_with_its_reason(client, chief_editor):
    page = DailyPageFactory(topic=TopicFactory(), announce_date=DAY)
    client.force_login(chief_editor)
    url = reverse("admin:papers_dailypage_change", args=[page.pk])
    data = {**admin_form_data(client.get(url)), "_publish": "1", "_change_reason": "按时发布"}
    with history_written() as rows:
        client.post(url, data)
    assert rows == [("dailypage", page.pk, chief_editor, "按时发布")]


def test_institution_merge_and_confirmations_name_the_editor(client, editor):
    target, other = InstitutionFactory(name="MIT"), InstitutionFactory(name="M.I.T.")
    PaperAuthorFactory(paper=PaperFactory(), position=0, institution=other)
    PaperInstitutionFactory(paper=PaperFactory(), institution=other)
    client.force_login(editor)
    with history_written() as rows:
        _post_action(
            client, "institution", "merge", [target.pk, other.pk], _merge="1", target=target.pk
        )
        _post_action(client, "institution", "confirm_institutions", [target.pk])
    models = {model for model, *_ in rows}
    assert {"institution", "institutionalias", "paperauthor", "paperinstitution"} <= models
    assert {user for _, _, user, _ in rows} == {editor}
    assert not Institution.objects.filter(pk=other.pk).exists()


# ---- reading the history ----


def test_history_shows_a_dash_for_empty_values_and_reasons(client, editor):
    paper = _queue_paper()
    client.force_login(editor)
    url = _queue_url(paper)
    client.post(url, {**admin_form_data(client.get(url)), "_mark_reviewed": "1"})

    body = client.get(reverse("admin:papers_paper_history", args=[paper.pk])).content.decode()

    assert "None" not in body and "pk=None" not in body
    assert f"<td>{editor.username}</td>" in body and "<td>—</td>" in body
    assert "— &rarr; " in body  # reviewed by: nobody before
    assert "系统 / system" in body  # the factory's row: nobody made it by hand
