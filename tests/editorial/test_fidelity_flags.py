"""Fidelity flags: shown to editors in the queue and on the paper page, asked to be confirmed
before flagged machine text is marked reviewed, and never shown to readers."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from editorial import services
from papers.models import Paper, ZhState
from tests.admin_forms import admin_form_data
from tests.factories import PaperFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

FLAGS = {
    "abstract": ["numbers missing or changed: 12.5%"],
    "hits": ["unknown topic slugs: quantum-gravity"],
}
QUEUE = reverse("admin:papers_reviewqueuepaper_changelist")
PAPERS = reverse("admin:papers_paper_changelist")


def _paper_url(paper):
    return reverse("admin:papers_paper_change", args=[paper.pk])


@pytest.fixture
def flagged():
    return PaperFactory(abstract_zh_machine="我们提高了 13.5%。", enrichment_flags=FLAGS)


def test_editors_see_the_flags_on_the_paper_page_and_in_the_lists(client, editor, flagged):
    client.force_login(editor)
    page = client.get(_paper_url(flagged)).content.decode()
    assert "numbers missing or changed: 12.5%" in page
    assert "unknown topic slugs: quantum-gravity" in page
    assert 'name="_flags_confirmed"' in page
    listing = client.get(PAPERS).content.decode()
    assert "abstract 1, hits 1" in listing


def test_flags_show_in_the_review_queue(client, chief_editor):
    topic = TopicFactory()
    paper = listed_paper(topic, reviewed=False, enrichment_flags=FLAGS)
    client.force_login(chief_editor)
    queue = client.get(QUEUE).content.decode()
    assert paper.arxiv_id in queue and "abstract 1, hits 1" in queue


def test_mark_reviewed_with_open_flags_asks_to_confirm(client, editor, flagged):
    client.force_login(editor)
    data = {**admin_form_data(client.get(_paper_url(flagged))), "_mark_reviewed": "1"}
    response = client.post(_paper_url(flagged), data, follow=True)
    flagged.refresh_from_db()
    assert flagged.zh_reviewed_at is None
    assert "not marked reviewed: the machine text has open flags" in response.content.decode()

    data = {**admin_form_data(client.get(_paper_url(flagged))), "_mark_reviewed": "1"}
    client.post(_paper_url(flagged), {**data, "_flags_confirmed": "on"})
    flagged.refresh_from_db()
    assert flagged.zh("abstract").state == ZhState.REVIEWED
    assert flagged.zh_reviewed_by == editor


def test_an_editors_own_text_closes_the_fields_flags(editor, flagged):
    flagged.abstract_zh_human = "我们提高了 12.5%。"
    services.paper_review_mark(paper=flagged, user=editor)
    assert Paper.objects.get(pk=flagged.pk).zh_reviewed_at is not None


def test_bulk_mark_reviewed_leaves_flagged_papers_for_a_look(client, editor, flagged):
    clean = PaperFactory(abstract_zh_machine="干净的摘要。")
    client.force_login(editor)
    response = client.post(
        PAPERS,
        {"action": "mark_reviewed", ACTION_CHECKBOX_NAME: [flagged.pk, clean.pk]},
        follow=True,
    )
    assert Paper.objects.get(pk=clean.pk).zh_reviewed_at is not None
    assert Paper.objects.get(pk=flagged.pk).zh_reviewed_at is None
    assert flagged.arxiv_id in response.content.decode()


def test_readers_never_see_the_flags(client):
    topic = TopicFactory()
    paper = listed_paper(topic, enrichment_flags=FLAGS)
    page_publish(topic, DAY)
    for url in (f"/papers/{paper.arxiv_id}/", f"/api/v1/papers/{paper.arxiv_id}"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "12.5%" not in body and "quantum-gravity" not in body
