"""One language per page: the reader's language picks the taxonomy's names and descriptions;
the machine's Chinese reasons are marked as such for readers of English."""

import datetime as dt

import pytest

from papers.models import Announcement, Paper
from tests.factories import AnnouncementFactory, AreaFactory, SubtopicFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

REASON = "该文提出一种新的训练方法。"
TAXONOMY_ZH = ["自然语言处理", "语言大模型", "大语言模型的训练与对齐。", "对齐"]
TAXONOMY_EN = ["Language processing", "Large language models", "Training LLMs.", "Alignment"]


@pytest.fixture
def topic_day():
    area = AreaFactory(name_zh="自然语言处理", name_en="Language processing")
    topic = TopicFactory(
        area=area,
        name_zh="语言大模型",
        name_en="Large language models",
        description_zh="大语言模型的训练与对齐。",
        description_en="Training LLMs.",
    )
    alignment = SubtopicFactory(topic=topic, name_zh="对齐", name_en="Alignment")
    paper = listed_paper(topic, subtopic=alignment)
    paper.topic_hits.update(reason=REASON)
    listed_paper(topic)  # a second subtopic ("other") makes the page count by subtopic
    page_publish(topic)
    return topic


def _page(client, topic, language: str) -> str:
    url = f"/topics/{topic.slug}/{DAY}/"
    return client.get(url, headers={"accept-language": language}).content.decode()


def test_chinese_page_names_and_describes_the_topic_in_chinese_only(client, topic_day):
    body = _page(client, topic_day, "zh-hans")
    assert all(text in body for text in TAXONOMY_ZH)
    assert not any(text in body for text in TAXONOMY_EN)
    assert "machine, in Chinese" not in body and "机器生成" not in body


def test_english_page_names_and_describes_the_topic_in_english_only(client, topic_day):
    body = _page(client, topic_day, "en")
    assert all(text in body for text in TAXONOMY_EN)
    assert not any(text in body for text in TAXONOMY_ZH)


def test_english_page_marks_the_machine_reason_as_chinese(client, topic_day):
    body = _page(client, topic_day, "en")
    reason = f'<span class="reason" lang="zh-Hans">：{REASON}</span>'
    assert f'{reason} <small class="reason-tag">(machine, in Chinese)</small>' in body


def test_home_and_paper_pages_use_the_readers_language_for_topics(client, topic_day):
    paper = Paper.objects.get(topic_hits__subtopic__topic=topic_day)
    for url in ("/", f"/papers/{paper.arxiv_id}/"):
        english = client.get(url, headers={"accept-language": "en"}).content.decode()
        chinese = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
        assert "Large language models" in english and "语言大模型" not in english
        assert "语言大模型" in chinese and "Large language models" not in chinese


def test_paper_page_names_the_listing_kinds_in_the_readers_language(
    client, topic_day, zh_translated
):
    paper = Paper.objects.filter(topic_hits__subtopic__topic=topic_day).first()
    kinds = [kind for kind in Announcement.Type if kind != Announcement.Type.NEW]
    for days, kind in enumerate(kinds, start=1):
        AnnouncementFactory(
            paper=paper, announce_date=DAY + dt.timedelta(days=days), announce_type=kind
        )
    url = f"/papers/{paper.arxiv_id}/"
    labels = ("new", "cross-list", "replacement", "replacement of cross-list")
    chinese = zh_translated(*labels)

    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    zh_page = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()

    for label in labels:
        assert f" · {label} · v" in english
        assert f" · {chinese[label]} · v" in zh_page
