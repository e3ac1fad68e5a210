"""The paper list's filters and pagination: each narrows published papers, bad input is a 422."""

import pytest

from tests.api.conftest import DAY, NEXT_DAY, page_published, paper_listed
from tests.factories import InstitutionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def listed_ids(client, query: str) -> list[str]:
    response = client.get(f"/api/v1/papers?{query}")
    assert response.status_code == 200, response.json()
    return sorted(item["arxiv_id"] for item in response.json()["items"])


def test_filter_by_topic_and_subtopic(client, newsroom):
    assert listed_ids(client, "topic=llm") == ["2604.90001", "2604.90002"]
    assert listed_ids(client, "subtopic=reasoning") == ["2604.90001"]
    assert listed_ids(client, "topic=vision&subtopic=reasoning") == []


def test_min_confidence_and_topic_must_hold_for_the_same_listing(client, newsroom):
    # 2604.90003 is listed under vision at 0.7 and, weakly, under llm on a later day.
    page_published(newsroom["topic"], day=NEXT_DAY)
    paper_listed(newsroom["topic"], paper=newsroom["vision"], day=NEXT_DAY, confidence=0.3)

    assert listed_ids(client, "min_confidence=0.9") == ["2604.90001"]
    assert listed_ids(client, "topic=llm&min_confidence=0.65") == ["2604.90001", "2604.90006"]
    assert "2604.90003" in listed_ids(client, "min_confidence=0.65")


def test_date_range_applies_to_the_page_that_published_the_paper(client, newsroom):
    # The llm topic also has a published page the next day, but 2604.90002 is not on it.
    page_published(newsroom["topic"], day=NEXT_DAY)

    assert listed_ids(client, f"date_from={NEXT_DAY}") == ["2604.90006"]
    assert listed_ids(client, f"date_to={DAY}") == ["2604.90001", "2604.90002", "2604.90003"]
    assert listed_ids(client, f"date_from={DAY}&date_to={DAY}&topic=vision") == ["2604.90003"]


def test_filter_by_category(client, newsroom):
    newsroom["vision"].categories = ["cs.CV"]
    newsroom["vision"].save()

    assert listed_ids(client, "category=cs.CV") == ["2604.90003"]
    assert listed_ids(client, "category=cs") == []


def test_filter_by_institution_in_either_language_or_spelling(client, newsroom):
    institution = InstitutionFactory(name="University of Oxford", name_zh="牛津大学")
    newsroom["low"].paper_institutions.create(institution=institution)

    assert listed_ids(client, "institution=oxford") == ["2604.90002"]
    assert listed_ids(client, "institution=牛津") == ["2604.90002"]
    assert listed_ids(client, "institution=UNIVERSITY+OF+OXFORD.") == ["2604.90002"]
    assert listed_ids(client, "institution=Cambridge") == []


def test_text_query_matches_title_abstract_and_authors(client, newsroom):
    newsroom["high"].title = "Sparse attention at scale"
    newsroom["high"].save()
    newsroom["low"].abstract = "We revisit SPARSE mixtures."
    newsroom["low"].save()
    newsroom["vision"].authors_text = "Grace Sparse, Alan Turing"
    newsroom["vision"].save()

    # Words, stemmed, through the same full-text rule as the search page.
    assert listed_ids(client, "q=sparse") == ["2604.90001", "2604.90002", "2604.90003"]
    assert listed_ids(client, "q=attention") == ["2604.90001"]
    assert listed_ids(client, "q=mixture") == ["2604.90002"]


def test_text_query_never_finds_unpublished_papers(client, newsroom):
    newsroom["rejected"].title = "Quokka networks"
    newsroom["rejected"].save()

    assert listed_ids(client, "q=quokka") == []


def test_filter_by_version_update(client, newsroom):
    newsroom["low"].version = 3
    newsroom["low"].save()

    assert listed_ids(client, "updated=true") == ["2604.90002"]
    assert listed_ids(client, "updated=false") == ["2604.90001", "2604.90003"]


@pytest.mark.parametrize(
    ("query", "where", "says"),
    [
        ("date_from=2026-02-30", "date_from (query)", "valid date"),
        ("date_from=yesterday", "date_from (query)", "must be a date as YYYY-MM-DD"),
        ("date_to=0", "date_to (query)", "must be a date as YYYY-MM-DD"),
        ("topic=no%20spaces", "topic (query)", "should match pattern"),
        ("min_confidence=1.5", "min_confidence (query)", "less than or equal to 1"),
        ("updated=maybe", "updated (query)", "valid boolean"),
        ("q=a%00b", "q (query)", "should match pattern"),
        ("category=cs.CL%27--", "category (query)", "should match pattern"),
        ("page=0", "page (query)", "greater than or equal to 1"),
        ("page_size=101", "page_size (query)", "less than or equal to 100"),
        ("page_size=ten", "page_size (query)", "valid integer"),
    ],
)
def test_bad_parameters_are_422_saying_what_was_wrong(client, newsroom, query, where, says):
    response = client.get(f"/api/v1/papers?{query}")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_parameters"
    assert error["message"].startswith(f"{where}: ")
    assert says in error["message"]
    assert error["detail"][0]["loc"][0] == "query"


@pytest.mark.parametrize("name", ["topic", "subtopic"])
def test_unknown_topic_or_subtopic_filter_is_404_naming_it(client, newsroom, name):
    response = client.get(f"/api/v1/papers?{name}=nope")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        f"unknown {name} 'nope'; GET /api/v1/topics lists them"
    )


def test_reversed_date_range_is_422_on_date_to(client, newsroom):
    response = client.get(f"/api/v1/papers?date_from={NEXT_DAY}&date_to={DAY}")

    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert message == "date_to (query): must not be before date_from"
    assert listed_ids(client, f"date_from={DAY}&date_to={DAY}") != []


def test_blank_text_filters_are_ignored(client, newsroom):
    assert len(listed_ids(client, "q=+++&institution=")) == 3


def test_bad_date_in_path_is_422(client, db):
    response = client.get("/api/v1/days/2026-13-01")

    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("announce_date (path): ")


def test_pages_split_the_list_without_overlap_in_a_stable_order(client, newsroom):
    topic = TopicFactory()
    page_published(topic)
    for _ in range(7):
        paper_listed(topic)  # all share one date: arxiv_id breaks the tie

    seen = []
    for page in (1, 2, 3, 4):
        body = client.get(f"/api/v1/papers?page={page}&page_size=3").json()
        assert body["count"] == 10
        assert body["page"] == page
        seen += [item["arxiv_id"] for item in body["items"]]

    assert len(seen) == 10
    assert seen == sorted(seen, reverse=True)


def test_newest_listing_comes_first(client, newsroom):
    page_published(newsroom["topic"], day=NEXT_DAY)

    body = client.get("/api/v1/papers").json()

    assert body["items"][0]["arxiv_id"] == "2604.90006"
    assert body["items"][0]["last_published_on"] == str(NEXT_DAY)


def test_page_past_the_end_is_empty_and_the_last_page_is_partial(client, newsroom):
    assert client.get("/api/v1/papers?page=2&page_size=2").json()["items"][0]["arxiv_id"]
    assert len(client.get("/api/v1/papers?page=2&page_size=2").json()["items"]) == 1
    past = client.get("/api/v1/papers?page=3&page_size=2").json()
    assert past == {"count": 3, "page": 3, "page_size": 2, "items": []}


def test_maximum_page_size_is_accepted(client, newsroom):
    body = client.get("/api/v1/papers?page_size=100").json()

    assert body["page_size"] == 100
    assert body["count"] == len(body["items"]) == 3
