"""The editor's language picks the taxonomy's names in the admin; the machine's Chinese reasons
say what they are."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import DailyPageFactory, PaperFactory, TopicFactory, TopicHitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("en", "Large language models", "语言大模型"),
        ("zh-hans", "语言大模型", "Large language models"),
    ],
)
def test_daily_pages_and_queue_name_topics_in_the_editors_language(
    client, chief_editor, language, shown, hidden
):
    topic = TopicFactory(name_zh="语言大模型", name_en="Large language models")
    DailyPageFactory(topic=topic, announce_date=dt.date(2026, 4, 27))
    client.force_login(chief_editor)
    for url in ("admin:papers_dailypage_changelist", "admin:papers_reviewqueuepaper_changelist"):
        body = client.get(reverse(url), headers={"accept-language": language}).content.decode()
        assert shown in body and hidden not in body


def test_hit_reason_is_labelled_as_the_machines_chinese(client, editor):
    hit = TopicHitFactory(paper=PaperFactory(), reason="涉及大模型对齐。")
    client.force_login(editor)
    url = reverse("admin:papers_paper_change", args=[hit.paper.pk])
    body = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "reason (machine, in Chinese)" in body
