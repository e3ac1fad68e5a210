"""The site, the JSON API and the feeds give the same answers, and the right ones.

Each test asks the search page (/search/), the API's paper list (/api/v1/papers) and, where a
topic is involved, the topic's feed the same question and expects the same arXiv ids, named
explicitly. The search's own feeds (/search/rss.xml, /search/atom.xml, found through the
links the result page carries) list the page's papers in the page's order. One small
newsroom serves them all:

- llm (active, subtopic "reasoning"): pages published on DAY and NEXT_DAY;
- vision (active): page published on DAY only;
- retired (inactive): page published on DAY, which readers must never see.
"""

import datetime as dt
import re

import feedparser
import lxml.html
import pytest

from papers.models import Announcement, Institution, Paper
from tests.factories import (
    AnnouncementFactory,
    AreaFactory,
    InstitutionAliasFactory,
    InstitutionFactory,
    PaperInstitutionFactory,
    SubtopicFactory,
    TopicFactory,
)
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db
NEXT_DAY = DAY + dt.timedelta(days=1)

REASONING = "2604.10001"  # llm › reasoning, 0.95, DAY, MIT, reviewed Chinese
REVISED = "2604.10002"  # llm, 0.61, DAY, version 2 (a replacement)
VISION = "2604.10003"  # vision, DAY, cs.CV; Chinese edited, not reviewed; relisted NEXT_DAY
LATER = "2604.10004"  # llm, 0.8, NEXT_DAY
RETIRED = "2604.10005"  # only on the inactive topic's published page
UNREVIEWED = "2604.10006"  # llm, DAY, machine Chinese nobody has passed
PUBLIC = {REASONING, REVISED, VISION, LATER, UNREVIEWED}
MIT_ROR = "042nb2s44"  # MIT's institution, linked to REASONING (and to RETIRED in one test)


@pytest.fixture
def newsroom():
    area = AreaFactory()
    llm = TopicFactory(area=area, slug="llm")
    reasoning = SubtopicFactory(topic=llm, slug="reasoning", name_zh="推理")
    vision = TopicFactory(area=area, slug="vision")
    retired = TopicFactory(area=area, slug="retired", is_active=False)
    SubtopicFactory(topic=retired, slug="retired-sub")

    paper = listed_paper(
        llm,
        arxiv_id=REASONING,
        subtopic=reasoning,
        confidence=0.95,
        title="Sparse attention for reasoning",
        title_zh_machine="面向推理的稀疏注意力",
        summary_zh_machine="本文研究强化学习中的推理。",
    )
    mit = InstitutionFactory(
        name="Massachusetts Institute of Technology",
        name_zh="麻省理工学院",
        source="ror",
        ror_id=MIT_ROR,
    )
    InstitutionAliasFactory(institution=mit, name="MIT")
    PaperInstitutionFactory(paper=paper, institution=mit)
    listed_paper(
        llm,
        arxiv_id=REVISED,
        confidence=0.61,
        version=2,
        announce_type=Announcement.Type.REPLACE,
        title="Dense retrieval revisited",
    )
    vision_paper = listed_paper(
        vision,
        arxiv_id=VISION,
        confidence=0.7,
        primary_category="cs.CV",
        categories=["cs.CV"],
        title="Segmenting point clouds",
        reviewed=False,
        title_zh_machine="机器翻译的点云标题",
        title_zh_human="编辑改写的点云分割标题",
    )
    # arXiv lists it again on NEXT_DAY, but no published page shows it that day.
    AnnouncementFactory(
        paper=vision_paper,
        announce_date=NEXT_DAY,
        category="cs.CV",
        announce_type=Announcement.Type.REPLACE,
    )
    listed_paper(llm, arxiv_id=LATER, day=NEXT_DAY, title="Tool use by agents")
    listed_paper(retired, arxiv_id=RETIRED, title="Sparse attention, retired topic")
    listed_paper(
        llm,
        arxiv_id=UNREVIEWED,
        title="Speech synthesis at scale",
        reviewed=False,
        title_zh_machine="未经审校的语音合成",
    )
    for topic, day in ((llm, DAY), (llm, NEXT_DAY), (vision, DAY), (retired, DAY)):
        page_publish(topic, day)


def site_ids(client, **params) -> set[str]:
    response = client.get("/search/", params)
    assert response.status_code == 200
    return {paper.arxiv_id for paper in response.context["papers"]}


def api_ids(client, **params) -> set[str]:
    response = client.get("/api/v1/papers", {**params, "page_size": 100})
    assert response.status_code == 200, response.json()
    return {item["arxiv_id"] for item in response.json()["items"]}


def feed_ids(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    guids = [entry.id for entry in feedparser.parse(response.content).entries]
    return {re.fullmatch(r"arXiv:(.+)v\d+", guid).group(1) for guid in guids}


def test_topic_day(client, newsroom):
    page = client.get(f"/topics/llm/{DAY}/")
    api = client.get(f"/api/v1/topics/llm/days/{DAY}").json()

    expected = {REASONING, REVISED, UNREVIEWED}
    assert {paper.arxiv_id for paper in page.context["day"].papers} == expected
    assert {paper["arxiv_id"] for paper in api["papers"]} == expected
    assert site_ids(client, topic="llm", date_from=DAY, date_to=DAY) == expected
    assert api_ids(client, topic="llm", date_from=DAY, date_to=DAY) == expected


def test_topic(client, newsroom):
    expected = {REASONING, REVISED, LATER, UNREVIEWED}
    assert site_ids(client, topic="llm") == expected
    assert api_ids(client, topic="llm") == expected
    assert feed_ids(client, "/topics/llm/rss.xml") == expected


def test_paper(client, newsroom):
    assert client.get(f"/papers/{REASONING}/").context["paper"].arxiv_id == REASONING
    assert client.get(f"/api/v1/papers/{REASONING}").json()["arxiv_id"] == REASONING
    assert site_ids(client, q=REASONING) == api_ids(client, q=REASONING) == {REASONING}


def test_institution_by_alias_name_and_chinese_name(client, newsroom):
    for name in ("MIT", "massachusetts institute", "麻省理工"):
        assert site_ids(client, institution=name) == {REASONING}, name
        assert api_ids(client, institution=name) == {REASONING}, name


def test_institution_page_feeds_and_ror_id_agree(client, newsroom):
    mit = Institution.objects.get(ror_id=MIT_ROR)
    PaperInstitutionFactory(paper=Paper.objects.get(arxiv_id=RETIRED), institution=mit)
    page = client.get(f"/institutions/{mit.pk}/")

    assert {paper.arxiv_id for paper in page.context["papers"]} == {REASONING}
    assert feed_ids(client, f"/institutions/{mit.pk}/rss.xml") == {REASONING}
    assert feed_ids(client, f"/institutions/{mit.pk}/atom.xml") == {REASONING}
    assert site_ids(client, institution=MIT_ROR) == {REASONING}
    assert api_ids(client, institution=f"https://ror.org/{MIT_ROR}") == {REASONING}


def test_category(client, newsroom):
    assert site_ids(client, category="cs.CV") == api_ids(client, category="cs.CV") == {VISION}


def test_subtopic(client, newsroom):
    assert site_ids(client, subtopic="reasoning") == {REASONING}
    assert api_ids(client, subtopic="reasoning") == {REASONING}


def test_min_confidence_holds_for_the_same_listing_as_topic_and_dates(client, newsroom):
    assert site_ids(client, min_confidence="0.9") == api_ids(client, min_confidence=0.9)
    assert api_ids(client, min_confidence=0.9) == {REASONING}
    # LATER (0.8) is llm's only paper on NEXT_DAY; REASONING (0.95) is on DAY.
    params = {"topic": "llm", "date_from": NEXT_DAY, "min_confidence": "0.9"}
    assert site_ids(client, **params) == api_ids(client, **params) == set()


def test_date_range_is_the_date_of_a_published_page(client, newsroom):
    # VISION is listed by arXiv on NEXT_DAY too, but no published page shows it that day.
    assert site_ids(client, date_from=NEXT_DAY) == {LATER}
    assert api_ids(client, date_from=NEXT_DAY) == {LATER}
    assert site_ids(client, date_to=DAY) == {REASONING, REVISED, VISION, UNREVIEWED}
    assert api_ids(client, date_to=DAY) == {REASONING, REVISED, VISION, UNREVIEWED}


def test_chinese_words_match_public_chinese_text_only(client, newsroom):
    assert site_ids(client, q="强化学习") == api_ids(client, q="强化学习") == {REASONING}
    # Machine text nobody has passed is neither shown nor found.
    assert site_ids(client, q="语音合成") == api_ids(client, q="语音合成") == set()


def test_edited_chinese_text_is_found_before_review(client, newsroom):
    assert site_ids(client, q="点云分割") == api_ids(client, q="点云分割") == {VISION}
    # The machine's text it replaced is no longer what readers see: not found either.
    assert site_ids(client, q="机器翻译的") == api_ids(client, q="机器翻译的") == set()
    page = client.get(f"/papers/{VISION}/")
    assert page.context["paper"].card["title_zh"] == "编辑改写的点云分割标题"


def test_english_words(client, newsroom):
    assert site_ids(client, q="sparse attention") == {REASONING}
    assert api_ids(client, q="sparse attention") == {REASONING}


def test_version_updates_are_papers_past_v1(client, newsroom):
    assert site_ids(client, version_update="on") == api_ids(client, updated="true") == {REVISED}
    assert api_ids(client, updated="false") == PUBLIC - {REVISED}


def test_inactive_topic_is_absent_everywhere(client, newsroom):
    assert client.get("/topics/retired/").status_code == 404
    assert client.get(f"/topics/retired/{DAY}/").status_code == 404
    assert client.get("/topics/retired/rss.xml").status_code == 404
    assert client.get(f"/papers/{RETIRED}/").status_code == 404
    for url in (
        "/api/v1/topics/retired/days",
        f"/api/v1/topics/retired/days/{DAY}",
        f"/api/v1/papers/{RETIRED}",
        "/api/v1/papers?topic=retired",
        "/api/v1/papers?subtopic=retired-sub",
    ):
        assert client.get(url).status_code == 404, url

    search = client.get("/search/", {"topic": "retired"})
    assert "topic" in search.context["filterset"].errors and search.context["papers"] == []
    assert site_ids(client, subtopic="retired-sub") == set()  # not a choice: a form error
    assert site_ids(client, q="retired") == api_ids(client, q="retired") == set()
    assert api_ids(client) == feed_ids(client, "/feeds/all.xml") == PUBLIC

    day = client.get(f"/api/v1/days/{DAY}").json()
    assert {t["topic"]["slug"]: t["paper_count"] for t in day["topics"]} == {"llm": 3, "vision": 1}
    assert client.get("/api/v1/days").json()["items"] == [
        {"announce_date": str(NEXT_DAY), "topic_count": 1},
        {"announce_date": str(DAY), "topic_count": 2},
    ]
    digest = client.get(f"/{DAY}/").context["digest"]
    assert {entry.topic.slug: entry.paper_count for a in digest.areas for entry in a.topics} == {
        "llm": 3,
        "vision": 1,
    }
    tree = client.get("/api/v1/topics").json()
    assert [topic["slug"] for area in tree for topic in area["topics"]] == ["llm", "vision"]


# --- The search's feeds: the result page's papers, in its order ------------------------------

NEWEST_FIRST = [UNREVIEWED, LATER, VISION, REVISED, REASONING]  # no submission times: by id


def search_feed_ids(client, **params) -> list[str]:
    """The result page's papers, in order, after checking that both feeds its <head> links
    list exactly these (first page, same order)."""
    page = client.get("/search/", params)
    assert page.status_code == 200
    shown = [paper.arxiv_id for paper in page.context["papers"]]
    head = lxml.html.fromstring(page.content).head
    links = [href for href in head.xpath("link[@rel='alternate']/@href") if "/search/" in href]
    assert [link.split("?")[0] for link in links] == ["/search/rss.xml", "/search/atom.xml"]
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (link, feed.get("bozo_exception"))
        ids = [re.search(r"/papers/([^/]+)/$", entry.link).group(1) for entry in feed.entries]
        assert ids == shown, link
    return shown


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "sparse attention"}, [REASONING]),
        ({"q": "强化学习"}, [REASONING]),
        ({"q": "语音合成"}, []),
        ({"topic": "llm"}, [UNREVIEWED, LATER, REVISED, REASONING]),
        ({"subtopic": "reasoning", "min_confidence": "0.9"}, [REASONING]),
        ({"institution": "麻省理工"}, [REASONING]),
        ({"category": "cs.CV"}, [VISION]),
        ({"version_update": "on"}, [REVISED]),
        ({"date_from": str(DAY), "date_to": str(DAY)}, [UNREVIEWED, VISION, REVISED, REASONING]),
        ({"date_from": str(NEXT_DAY)}, [LATER]),
        ({"topic": "llm", "version_update": "on"}, [REVISED]),
    ],
)
def test_search_feeds_list_the_result_page_in_its_order(client, newsroom, params, expected):
    assert search_feed_ids(client, **params) == expected


def test_search_feeds_never_show_the_inactive_topic(client, newsroom):
    assert search_feed_ids(client, q="sparse attention") == [REASONING]
    assert search_feed_ids(client, date_to=str(DAY)) == [
        paper for paper in NEWEST_FIRST if paper != LATER
    ]
    assert client.get("/search/rss.xml", {"topic": "retired"}).status_code == 400
