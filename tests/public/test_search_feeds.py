"""Issue 21, part 1: any search as a feed, and the OPML list of topic feeds.

The parity of a search feed with its result page is in test_parity.py; here: every kind of
query parses, titles name the query, bad queries are refused, only published papers appear,
hostile text stays text, the cache answers, and the OPML lists exactly the active topics.
"""

import datetime as dt
from urllib.parse import urlencode

import feedparser
import lxml.html
import pytest
from lxml import etree

from papers.models import Announcement, TopicHit
from tests.factories import (
    AreaFactory,
    InstitutionFactory,
    PaperInstitutionFactory,
    SubtopicFactory,
    TopicFactory,
)
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db
LATER_DAY = DAY + dt.timedelta(days=3)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def topic():
    area = AreaFactory(slug="language", name_zh="语言", name_en="Language")
    llm = TopicFactory(area=area, slug="llm", name_zh="语言大模型", name_en="Large language models")
    reasoning = SubtopicFactory(topic=llm, slug="reasoning", name_zh="推理", name_en="Reasoning")
    paper = listed_paper(
        llm,
        title="Diffusion language models",
        summary_zh_human="本文研究扩散语言模型。",
        subtopic=reasoning,
        confidence=0.9,
    )
    PaperInstitutionFactory(
        paper=paper, institution=InstitutionFactory(name="Tsinghua University", name_zh="清华大学")
    )
    listed_paper(
        llm,
        day=LATER_DAY,
        title="Replaced paper",
        primary_category="cs.LG",
        categories=["cs.LG"],
        version=2,
        announce_type=Announcement.Type.REPLACE,
    )
    page_publish(llm)
    page_publish(llm, LATER_DAY)
    return llm


def _feed(client, url: str, params: dict, **kwargs):
    response = client.get(url, params, **kwargs)
    assert response.status_code == 200, response.content
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


QUERIES = {
    "words": ({"q": "diffusion"}, "Diffusion language models"),
    "chinese words": ({"q": "扩散"}, "Diffusion language models"),
    "topic": ({"topic": "llm", "date_to": str(DAY)}, "Diffusion language models"),
    "subtopic": ({"subtopic": "reasoning", "min_confidence": "0.85"}, "Diffusion language models"),
    "institution": ({"institution": "清华"}, "Diffusion language models"),
    "category": ({"category": "cs.LG"}, "Replaced paper"),
    "version updates": ({"version_update": "on"}, "Replaced paper"),
    "date range": ({"date_from": str(LATER_DAY), "date_to": str(LATER_DAY)}, "Replaced paper"),
}


@pytest.mark.parametrize("kind", QUERIES)
@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/search/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/search/atom.xml", "application/atom+xml; charset=utf-8"),
    ],
)
def test_every_kind_of_search_is_a_valid_feed(client, topic, kind, url, content_type):
    params, title = QUERIES[kind]

    response, feed = _feed(client, url, params)

    assert response["Content-Type"] == content_type
    assert [entry.title.split(" — ")[-1] for entry in feed.entries] == [title]
    assert feed.feed.title.startswith("arxdaily · ")
    assert feed.entries[0].id.startswith("arXiv:2604.")
    assert "专题命中 / Topic: 语言大模型" in feed.entries[0].summary


EN = {"accept-language": "en"}


def test_feed_title_names_the_query(client, topic):
    params = {
        "q": "diffusion",
        "topic": "llm",
        "subtopic": "reasoning",
        "category": "cs.CL",
        "institution": "清华",
        "date_from": "2026-04-01",
        "date_to": "2026-04-30",
        "min_confidence": "0.5",
        "version_update": "on",
    }

    english = feedparser.parse(client.get("/search/atom.xml", params, headers=EN).content)
    chinese = feedparser.parse(client.get("/search/rss.xml", params).content)

    assert english.feed.title == (
        "arxdaily · search: diffusion · topic Large language models · subtopic Large language "
        "models › Reasoning · cs.CL · institution 清华 · 2026-04-01–2026-04-30 · confidence ≥ "
        "0.5 · version updates"
    )
    assert english.feed.link == f"http://testserver/search/?{urlencode(params)}"
    # Chinese readers get the topic's Chinese names (the words around them: the .po file).
    assert "语言大模型 › 推理" in chinese.feed.title and "diffusion" in chinese.feed.title


def test_version_update_off_is_not_a_filter_of_the_feed(client, topic):
    params = {"topic": "llm", "version_update": "off"}

    feed = feedparser.parse(client.get("/search/rss.xml", params, headers=EN).content)

    assert feed.feed.title == "arxdaily · search · topic Large language models"
    assert len(feed.entries) == 2


def test_one_sided_dates_and_filters_alone_are_named(client, topic):
    feed = feedparser.parse(client.get("/search/rss.xml", {"date_from": DAY}, headers=EN).content)
    assert feed.feed.title == "arxdaily · search · listed from 2026-04-27"
    feed = feedparser.parse(client.get("/search/rss.xml", {"date_to": DAY}, headers=EN).content)
    assert feed.feed.title == "arxdaily · search · listed until 2026-04-27"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "yesterday"}, "date_from"),
        ({"topic": "nope"}, "topic"),
        ({"subtopic": "nope"}, "subtopic"),
        ({"min_confidence": "2"}, "min_confidence"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "diffusion", "date_from": "2026-06-16", "date_to": "2026-06-01"}, "date_to"),
    ],
)
def test_invalid_parameters_answer_400_naming_the_parameter(client, topic, params, field):
    for url in ("/search/rss.xml", "/search/atom.xml"):
        response = client.get(url, params, headers=EN)

        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode().startswith("Invalid search parameters:")
        assert f"* {field}" in response.content.decode()


def test_a_search_without_criteria_answers_400_pointing_to_the_all_topics_feed(client, topic):
    for params in ({}, {"q": "  "}, {"page": "2"}):
        response = client.get("/search/rss.xml", params)

        assert response.status_code == 400
        assert "/feeds/all.xml" in response.content.decode()


SEARCH_FEED_TEXTS = (
    "Invalid search parameters:",
    "A search feed needs words or a filter, as /search/ takes them; "
    "/feeds/all.xml has every topic.",
    "Published arxdaily papers matching this search, newest submission first.",
)


def test_search_feed_texts_follow_the_readers_language(client, topic, zh_translated):
    invalid, empty, description = zh_translated(*SEARCH_FEED_TEXTS).values()

    assert client.get("/search/rss.xml", {"topic": "nope"}).content.decode().startswith(invalid)
    assert client.get("/search/rss.xml").content.decode() == f"{empty}\n"
    assert _feed(client, "/search/rss.xml", {"q": "diffusion"})[1].feed.description == description
    assert _feed(client, "/search/atom.xml", {"q": "diffusion"})[1].feed.subtitle == description
    english = _feed(client, "/search/rss.xml", {"q": "diffusion"}, headers=EN)[1]
    assert english.feed.description == SEARCH_FEED_TEXTS[2]


def test_drafts_rejected_and_inactive_topics_never_appear(client, topic):
    listed_paper(topic, title="Rejected diffusion paper", state=TopicHit.ReviewState.REJECTED)
    draft_topic = TopicFactory(slug="draft")
    listed_paper(draft_topic, day=LATER_DAY, title="Draft diffusion paper")
    page_draft(draft_topic, LATER_DAY)
    retired = TopicFactory(slug="retired", is_active=False)
    listed_paper(retired, title="Retired diffusion paper")
    page_publish(retired)

    for url in ("/search/rss.xml", "/search/atom.xml"):
        _response, feed = _feed(client, url, {"q": "diffusion"})
        assert [entry.title.split(" — ")[-1] for entry in feed.entries] == [
            "Diffusion language models"
        ]


def test_a_feed_holds_the_first_fifty_results_in_the_pages_order(client, topic):
    for n in range(53):
        listed_paper(topic, title=f"Scaling study number {n}")
    shown = []
    for page in (1, 2, 3):
        response = client.get("/search/", {"q": "scaling", "page": page})
        shown += [f"/papers/{paper.arxiv_id}/" for paper in response.context["papers"]]

    _response, feed = _feed(client, "/search/rss.xml", {"q": "scaling"})

    assert len(shown) == 53
    assert [entry.link.removeprefix("http://testserver") for entry in feed.entries] == shown[:50]


def test_hostile_text_in_papers_and_queries_stays_text(client, topic):
    listed_paper(
        topic,
        title="<script>alert(1)</script> \x0cform feed \x1b",
        summary_zh_human="<b>粗</b>\x01",
        primary_category="cs.CR",
        categories=["cs.CR"],
    )
    page_publish(topic)

    for url in ("/search/rss.xml", "/search/atom.xml"):
        response = client.get(url, {"category": "cs.CR"})
        root = etree.fromstring(response.content)  # strict: raises unless well-formed XML 1.0
        assert b"<script>" not in response.content and b"<b>" not in response.content
        titles = [element.text for element in root.iter("title", f"{ATOM}title")]
        assert any("alert(1)" in title and "\x0c" not in title for title in titles), url

        response = client.get(url, {"q": "<b>bold</b>\x01\x7f", "category": "cs.CR"})
        title = next(etree.fromstring(response.content).iter("title", f"{ATOM}title")).text
        assert "\x01" not in title and "\x7f" not in title
        # RSS titles may be read as HTML (no tag can open); Atom's are declared text.
        assert ("< b>bold< /b>" if url.endswith("rss.xml") else "<b>bold</b>") in title


def test_the_result_page_links_its_feeds_and_an_empty_search_does_not(client, topic):
    page = client.get("/search/", {"q": "diffusion", "topic": "llm", "page": "2"})
    html = lxml.html.fromstring(page.content)

    alternates = {
        link.get("type"): (link.get("href"), link.get("title"))
        for link in html.head.xpath("link[@rel='alternate']")
        if "/search/" in link.get("href")
    }
    rss, atom = "/search/rss.xml?q=diffusion&topic=llm", "/search/atom.xml?q=diffusion&topic=llm"
    assert set(alternates) == {"application/rss+xml", "application/atom+xml"}
    assert alternates["application/rss+xml"][0] == rss
    assert alternates["application/atom+xml"][0] == atom
    # The link's title is the feed's own title.
    title = feedparser.parse(client.get(rss).content).feed.title
    assert alternates["application/rss+xml"][1] == f"{title} (RSS)"
    assert html.xpath("//p[@class='search-feeds']/a/@href") == [rss, atom]

    empty = lxml.html.fromstring(client.get("/search/").content)
    assert not [href for href in empty.xpath("//@href") if "/search/rss.xml" in href]


def test_a_search_feed_is_served_from_the_page_cache(client, topic, django_assert_num_queries):
    miss = client.get("/search/rss.xml", {"q": "diffusion"})

    with django_assert_num_queries(0):
        hit = client.get("/search/rss.xml", {"q": "diffusion"})

    assert hit.content == miss.content and hit["ETag"] == miss["ETag"]
    # The query string is part of the key: another search is not answered from this one.
    other = client.get("/search/rss.xml", {"q": "replaced"})
    assert other.status_code == 200 and other.content != miss.content


# --- OPML: every active topic's feed -----------------------------------------------------------


def test_opml_lists_exactly_the_active_topics_feeds(client, topic, django_assert_num_queries):
    vision = TopicFactory(area=topic.area, slug="vision", name_zh="视觉", name_en="Vision")
    TopicFactory(area=topic.area, slug="retired", is_active=False)
    AreaFactory(slug="empty")  # no active topic: no folder
    TopicFactory(area=AreaFactory(slug="empty-too"), slug="gone", is_active=False)

    response = client.get("/feeds/topics.opml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-opml; charset=utf-8"
    root = etree.fromstring(response.content)  # strict XML
    assert root.tag == "opml" and root.get("version") == "2.0"
    folders = root.findall("body/outline")
    assert [folder.get("text") for folder in folders] == ["语言 / Language"]
    feeds = [dict(outline.attrib) for outline in folders[0]]
    assert feeds == [
        {
            "type": "rss",
            "text": f"{each.name_zh} / {each.name_en}",
            "title": f"{each.name_zh} / {each.name_en}",
            "xmlUrl": f"http://testserver/topics/{each.slug}/rss.xml",
            "htmlUrl": f"http://testserver/topics/{each.slug}/",
        }
        for each in sorted([topic, vision], key=lambda t: (t.position, t.slug))
    ]
    with django_assert_num_queries(0):
        assert client.get("/feeds/topics.opml").content == response.content


def test_every_feed_the_opml_lists_parses(client, topic):
    root = etree.fromstring(client.get("/feeds/topics.opml").content)

    for url in root.xpath("//outline[@type='rss']/@xmlUrl"):
        feed = feedparser.parse(client.get(url.removeprefix("http://testserver")).content)
        assert not feed.bozo and feed.entries, url


def test_topic_names_with_markup_and_controls_stay_text_in_the_opml(client, topic):
    TopicFactory(area=topic.area, slug="odd", name_zh="<b>粗</b>\x0c", name_en='"A" & <i>')

    response = client.get("/feeds/topics.opml")

    texts = etree.fromstring(response.content).xpath("//outline[@type='rss']/@text")
    assert '<b>粗</b> / "A" & <i>' in texts
    assert b"<b>" not in response.content


def test_home_and_topic_pages_link_the_opml(client, topic):
    for url in ("/", "/topics/llm/"):
        html = lxml.html.fromstring(client.get(url).content)
        assert "/feeds/topics.opml" in html.xpath("//a/@href"), url
