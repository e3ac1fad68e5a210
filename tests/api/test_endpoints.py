"""Every endpoint returns exactly what the public pages show: published days, accepted hits."""

import pytest
from django.utils import timezone

from editorial.services import daily_page_unpublish
from papers.models import DailyPage, TopicHit
from tests.api.conftest import DAY, NEXT_DAY, page_published, paper_listed
from tests.factories import (
    AreaFactory,
    InstitutionFactory,
    PaperAuthorFactory,
    PaperFactory,
    RegistryInstitutionFactory,
    SubtopicFactory,
    TopicFactory,
    TopicHitFactory,
)

pytestmark = pytest.mark.django_db


def ids(items):
    return [item["arxiv_id"] for item in items]


def test_topic_tree_nests_areas_topics_and_subtopics(client):
    area = AreaFactory(slug="ai", position=0)
    topic = TopicFactory(area=area, slug="llm", position=1)
    TopicFactory(area=area, slug="agents", position=0)
    TopicFactory(area=area, slug="retired", is_active=False)
    SubtopicFactory(topic=topic, slug="reasoning")

    response = client.get("/api/v1/topics")

    assert response.status_code == 200
    [tree] = response.json()
    assert tree["slug"] == "ai"
    assert [t["slug"] for t in tree["topics"]] == ["agents", "llm"]
    assert [s["slug"] for s in tree["topics"][1]["subtopics"]] == ["reasoning"]


def test_topic_day_lists_accepted_papers_in_page_order(client, newsroom):
    response = client.get(f"/api/v1/topics/llm/days/{DAY}")

    assert response.status_code == 200
    body = response.json()
    assert body["topic"]["slug"] == "llm"
    assert body["note"] == "今日推荐"
    assert "今日推荐".encode() in response.content  # UTF-8, not \u escapes
    assert ids(body["papers"]) == ["2604.90001", "2604.90002"]
    first = body["papers"][0]
    assert first["confidence"] == 0.95
    assert first["reason"] == "标题提到大语言模型"
    assert first["subtopic"]["slug"] == "reasoning"
    assert first["announce_type"] == "new"
    assert first["listed_category"] == "cs.CL"


def test_topic_days_list_its_published_pages_newest_first(client, newsroom):
    page_published(newsroom["topic"], day=DAY.replace(day=20))

    response = client.get("/api/v1/topics/llm/days")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2  # the draft next day is left out
    assert [(item["announce_date"], item["paper_count"]) for item in body["items"]] == [
        (str(DAY), 2),
        ("2026-04-20", 0),
    ]


def test_topic_days_of_unknown_topic_is_404(client, db):
    assert client.get("/api/v1/topics/nope/days").json()["error"]["code"] == "not_found"


def test_draft_topic_day_is_not_found_even_with_accepted_papers(client, newsroom):
    response = client.get(f"/api/v1/topics/llm/days/{NEXT_DAY}")

    assert response.status_code == 404
    assert (
        response.json()["error"]["message"] == f"topic 'llm' has no published page for {NEXT_DAY}"
    )


def test_unknown_topic_is_404_naming_the_topic(client, newsroom):
    response = client.get(f"/api/v1/topics/nope/days/{DAY}")

    assert response.status_code == 404
    assert "unknown topic 'nope'" in response.json()["error"]["message"]


def test_day_lists_published_topics_with_the_counts_the_pages_show(client, newsroom):
    # A second listing of the same paper on the same day must not count twice.
    paper_listed(newsroom["topic"], paper=newsroom["high"], subtopic=None, category="cs.AI")

    response = client.get(f"/api/v1/days/{DAY}")

    assert response.status_code == 200
    body = response.json()
    counts = {entry["topic"]["slug"]: entry["paper_count"] for entry in body["topics"]}
    assert counts == {"llm": 2, "vision": 1}


def test_day_with_only_drafts_is_404(client, newsroom):
    response = client.get(f"/api/v1/days/{NEXT_DAY}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_latest_day_lists_its_published_topics_and_papers_and_ignores_newer_drafts(
    client, newsroom
):
    # The vision paper is on the llm page too: the day counts it once.
    TopicHitFactory(
        paper=newsroom["vision"],
        topic=newsroom["topic"],
        confidence=0.5,
        review_state=TopicHit.ReviewState.ACCEPTED,
    )

    body = client.get("/api/v1/days/latest").json()

    assert (body["announce_date"], body["paper_count"]) == (str(DAY), 3)
    topics = {t["topic"]["slug"]: (t["paper_count"], ids(t["papers"])) for t in body["topics"]}
    assert topics == {
        "llm": (3, ["2604.90001", "2604.90002", "2604.90003"]),
        "vision": (1, ["2604.90003"]),
    }
    assert body["topics"][0]["published_at"] is not None
    assert body["topics"][0]["papers"][0]["reason"] == "标题提到大语言模型"


def test_latest_day_before_anything_is_published_is_404(client, db):
    response = client.get("/api/v1/days/latest")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "nothing has been published yet"


def test_days_lists_only_published_dates_newest_first(client, newsroom):
    page_published(newsroom["other"], day=DAY.replace(day=20))

    response = client.get("/api/v1/days")

    assert response.json() == {
        "count": 2,
        "page": 1,
        "page_size": 20,
        "items": [
            {"announce_date": str(DAY), "topic_count": 2},
            {"announce_date": "2026-04-20", "topic_count": 1},
        ],
    }


def test_papers_list_holds_only_published_papers(client, newsroom):
    response = client.get("/api/v1/papers")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert sorted(ids(body["items"])) == ["2604.90001", "2604.90002", "2604.90003"]


def test_paper_listings_name_the_pages_that_published_it(client, newsroom):
    body = client.get("/api/v1/papers/2604.90001").json()

    assert body["listings"] == [
        {
            "topic": {"slug": "llm", "name_zh": "大语言模型", "name_en": "Large language models"},
            "subtopic": {
                "slug": "reasoning",
                "name_zh": newsroom["subtopic"].name_zh,
                "name_en": newsroom["subtopic"].name_en,
            },
            "announce_date": str(DAY),
            "confidence": 0.95,
            "reason": "标题提到大语言模型",
        }
    ]
    assert body["last_published_on"] == str(DAY)


@pytest.mark.parametrize("name", ["rejected", "suggested", "draft_only"])
def test_unpublished_papers_are_not_found(client, newsroom, name):
    response = client.get(f"/api/v1/papers/{newsroom[name].arxiv_id}")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == f"no published paper {newsroom[name].arxiv_id}"


def test_paper_detail_by_legacy_id_with_slash_and_version(client, newsroom):
    paper = paper_listed(newsroom["topic"], arxiv_id="hep-th/9901001", version=2)
    PaperAuthorFactory(paper=paper, position=0, name="E. Witten", affiliation="IAS")
    institution = RegistryInstitutionFactory(
        name="Institute for Advanced Study", name_zh="高等研究院", ror_id="00wr4ns62", country="US"
    )
    paper.paper_institutions.create(institution=institution)
    guessed = InstitutionFactory(name="IAS Princeton", name_zh="普林斯顿", name_zh_source="machine")
    paper.paper_institutions.create(institution=guessed, position=1)

    response = client.get("/api/v1/papers/hep-th/9901001v2")

    assert response.status_code == 200
    body = response.json()
    assert body["arxiv_id"] == "hep-th/9901001"
    assert body["abs_url"] == "https://arxiv.org/abs/hep-th/9901001v2"
    assert body["authors"] == ["E. Witten"]
    assert body["author_details"] == [{"name": "E. Witten", "affiliation": "IAS"}]
    assert [
        {key: item[key] for key in ("name", "name_zh", "ror_id", "country", "matched")}
        for item in body["institutions"]
    ] == [
        {
            "name": "Institute for Advanced Study",
            "name_zh": "高等研究院",
            "ror_id": "00wr4ns62",
            "country": "US",
            "matched": True,
        },
        # Unmatched: the paper's words only; the machine's Chinese guess is not shown.
        {"name": "IAS Princeton", "name_zh": "", "ror_id": None, "country": "", "matched": False},
    ]


def test_text_that_is_no_arxiv_id_is_404(client, db):
    response = client.get("/api/v1/papers/not-an-id")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == "not an arXiv identifier: 'not-an-id'"


def test_machine_chinese_is_withheld_until_reviewed(client, newsroom):
    paper = newsroom["high"]
    paper.title_zh_machine = "机器标题"
    paper.summary_zh_machine = "机器总结"
    paper.abstract_zh_human = "编辑摘要"
    paper.save()

    body = client.get(f"/api/v1/papers/{paper.arxiv_id}").json()

    assert body["title_zh"] == {"text": None, "state": "machine"}
    assert body["summary_zh"] == {"text": None, "state": "machine"}
    assert body["abstract_zh"] == {"text": "编辑摘要", "state": "edited"}

    paper.zh_reviewed_at = timezone.now()
    paper.save()
    body = client.get(f"/api/v1/topics/llm/days/{DAY}").json()["papers"][0]

    assert body["title_zh"] == {"text": "机器标题", "state": "reviewed"}


def test_missing_chinese_is_null_with_state_missing(client, newsroom):
    body = client.get("/api/v1/papers/2604.90002").json()

    assert body["title_zh"] == {"text": None, "state": "missing"}


def test_unpublishing_a_page_hides_its_papers(client, newsroom):
    daily_page_unpublish(page=DailyPage.objects.get(topic=newsroom["other"]), user=None)

    assert client.get("/api/v1/papers/2604.90003").status_code == 404
    assert "2604.90003" not in ids(client.get("/api/v1/papers").json()["items"])
    assert [t["topic"]["slug"] for t in client.get(f"/api/v1/days/{DAY}").json()["topics"]] == [
        "llm"
    ]


def test_paper_list_query_count_does_not_grow_with_papers(
    client, newsroom, django_assert_max_num_queries
):
    for _ in range(15):
        paper = paper_listed(newsroom["topic"])
        PaperAuthorFactory(paper=paper)

    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/papers?page_size=50")
    assert response.json()["count"] == 18


def test_paper_never_on_a_page_is_not_found(client, newsroom):
    unlisted = PaperFactory(arxiv_id="2604.09999")

    assert client.get(f"/api/v1/papers/{unlisted.arxiv_id}").status_code == 404


def test_listings_leave_out_rejected_and_suggested_hits_on_published_pages(client, newsroom):
    paper = newsroom["high"]
    TopicHitFactory(
        paper=paper, topic=newsroom["other"], review_state=TopicHit.ReviewState.REJECTED
    )
    robots = TopicFactory(slug="robots")
    page_published(robots)
    TopicHitFactory(paper=paper, topic=robots)  # suggested

    body = client.get("/api/v1/papers/2604.90001").json()

    assert [listing["topic"]["slug"] for listing in body["listings"]] == ["llm"]
    assert client.get(f"/api/v1/topics/robots/days/{DAY}").json()["papers"] == []


def test_topic_day_gives_authors_in_order_in_constant_queries(
    client, newsroom, django_assert_max_num_queries
):
    PaperAuthorFactory(paper=newsroom["high"], position=1, name="Alan Turing")
    PaperAuthorFactory(paper=newsroom["high"], position=0, name="Ada Lovelace")
    for _ in range(20):
        PaperAuthorFactory(paper=paper_listed(newsroom["topic"]))

    with django_assert_max_num_queries(7):
        body = client.get(f"/api/v1/topics/llm/days/{DAY}").json()

    assert len(body["papers"]) == 22
    [high] = [p for p in body["papers"] if p["arxiv_id"] == newsroom["high"].arxiv_id]
    assert high["authors"] == ["Ada Lovelace", "Alan Turing"]
