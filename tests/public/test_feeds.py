"""RSS and Atom feeds: valid, Chinese, published content only, stable guids."""

import datetime as dt

import feedparser
import pytest

from papers.models import Announcement, TopicHit
from tests.factories import AnnouncementFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db
NEXT_DAY = DAY + dt.timedelta(days=1)


def _parse(client, url):
    response = client.get(url)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def topic_with_days():
    topic = TopicFactory(slug="llm", name_zh="语言大模型")
    older = listed_paper(topic, title="Older paper", title_zh_human="较早的论文")
    newer = listed_paper(topic, day=NEXT_DAY, title="Newer paper", reviewed=False)
    listed_paper(topic, title="Rejected paper", state=TopicHit.ReviewState.REJECTED)
    page_publish(topic)
    page_publish(topic, NEXT_DAY)
    draft_day = NEXT_DAY + dt.timedelta(days=1)
    listed_paper(topic, day=draft_day, title="Draft day paper")
    page_draft(topic, draft_day)
    return topic, older, newer


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/topics/llm/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/topics/llm/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feeds/all.xml", "application/rss+xml; charset=utf-8"),
    ],
)
def test_feed_lists_published_papers_newest_first(client, topic_with_days, url, content_type):
    _topic, older, newer = topic_with_days

    response, feed = _parse(client, url)

    assert response["Content-Type"] == content_type
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Newer paper", "较早的论文 — Older paper"]
    assert feed.entries[0].published_parsed[:3] == (2026, 4, 28)
    assert [entry.id for entry in feed.entries] == [
        f"arXiv:{newer.arxiv_id}v1",
        f"arXiv:{older.arxiv_id}v1",
    ]
    assert feed.entries[1].link.endswith(f"/papers/{older.arxiv_id}/")


def test_feed_item_description_carries_chinese_summary_and_reason(client, topic_with_days):
    _topic, older, _newer = topic_with_days

    _response, feed = _parse(client, "/topics/llm/rss.xml")
    summary = feed.entries[1].summary

    assert "本文研究大语言模型的蒸馏。" in summary
    assert "标题提到大语言模型" in summary
    assert f"https://arxiv.org/abs/{older.arxiv_id}" in summary
    assert "尚未翻译 / not yet translated" in feed.entries[0].summary


def test_replacement_on_a_later_day_is_a_new_item_with_its_version(client):
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic, version=1)
    paper.version = 2
    paper.save()
    AnnouncementFactory(
        paper=paper, announce_date=NEXT_DAY, announce_type=Announcement.Type.REPLACE, version=2
    )
    page_publish(topic)
    page_publish(topic, NEXT_DAY)

    _response, feed = _parse(client, "/topics/llm/atom.xml")

    assert [entry.id for entry in feed.entries] == [
        f"arXiv:{paper.arxiv_id}v2",
        f"arXiv:{paper.arxiv_id}v1",
    ]


def test_feed_escapes_markup_in_titles_and_text(client):
    topic = TopicFactory(slug="llm")
    listed_paper(topic, title="<script>alert(1)</script> & $x<y$", summary_zh_human="<b>粗</b>")
    page_publish(topic)

    response, feed = _parse(client, "/topics/llm/rss.xml")

    assert b"<script>" not in response.content
    # RSS titles may be read as HTML: no tag can open in them (see the test below).
    assert feed.entries[0].title.endswith("< script>alert(1)< /script> & $x<y$")
    assert "&lt;b&gt;粗&lt;/b&gt;" in feed.entries[0].summary


def test_unknown_topic_feed_is_not_found(client):
    assert client.get("/topics/nope/rss.xml").status_code == 404


def test_rss_titles_never_carry_markup_and_atom_titles_stay_exact(client, db):
    topic = TopicFactory(slug="llm")
    listed_paper(topic, title='Bounds for $x<y$ and <a href="javascript:x()">links</a>')
    page_publish(topic)
    rss = feedparser.parse(client.get("/topics/llm/rss.xml").content, sanitize_html=False)
    assert rss.entries[0].title.endswith(
        'Bounds for $x<y$ and < a href="javascript:x()">links< /a>'
    )
    atom = feedparser.parse(client.get("/topics/llm/atom.xml").content, sanitize_html=False)
    assert atom.entries[0].title.endswith('Bounds for $x<y$ and <a href="javascript:x()">links</a>')


def test_the_all_topics_feed_describes_itself_in_the_readers_language(client, zh_translated):
    msgid = "All topics: papers editors accepted on published daily pages."
    translated = zh_translated(msgid)[msgid]

    assert _parse(client, "/feeds/all.xml")[1].feed.description == translated
    english = feedparser.parse(
        client.get("/feeds/all.xml", headers={"accept-language": "en"}).content
    )
    assert english.feed.description == msgid
