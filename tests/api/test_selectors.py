"""The API's reads agree with topic_day_get, the one rule of what a published day shows."""

import pytest

from papers.models import TopicHit
from public.dates import day_pages_list, topic_pages_list
from public.selectors import topic_day_get
from tests.api.conftest import DAY, NEXT_DAY, page_published, paper_listed

pytestmark = pytest.mark.django_db


def test_day_page_counts_equal_what_topic_day_get_shows(newsroom):
    paper_listed(newsroom["topic"], paper=newsroom["high"], subtopic=None, category="cs.AI")
    paper_listed(newsroom["other"], state=TopicHit.ReviewState.REJECTED)

    pages = list(day_pages_list(announce_date=DAY))

    assert [page.topic.slug for page in pages] == ["llm", "vision"]
    for page in pages:
        shown = topic_day_get(topic=page.topic, announce_date=DAY).papers
        assert page.paper_count == len(shown)


def test_topic_page_counts_equal_what_topic_day_get_shows(newsroom):
    page_published(newsroom["topic"], day=NEXT_DAY)

    pages = list(topic_pages_list(topic=newsroom["topic"]))

    assert [page.announce_date for page in pages] == [NEXT_DAY, DAY]
    for page in pages:
        shown = topic_day_get(topic=page.topic, announce_date=page.announce_date).papers
        assert page.paper_count == len(shown)


def test_published_on_is_the_date_of_the_page_that_published_the_hit(newsroom):
    # llm's next-day page is published too, but 2604.90002 was only listed on DAY.
    page_published(newsroom["topic"], day=NEXT_DAY)

    later = TopicHit.objects.published().filter(published_on__gte=NEXT_DAY)

    assert sorted(hit.paper.arxiv_id for hit in later) == ["2604.90006"]
    assert {hit.published_on for hit in later} == {NEXT_DAY}


def test_each_accepted_hit_has_a_row_per_published_day_of_the_paper(newsroom):
    page_published(newsroom["topic"], day=NEXT_DAY)
    paper_listed(
        newsroom["topic"], paper=newsroom["low"], day=NEXT_DAY, subtopic=newsroom["subtopic"]
    )

    dates = sorted(
        TopicHit.objects.published()
        .filter(paper=newsroom["low"])
        .values_list("published_on", flat=True)
    )

    assert dates == [DAY, DAY, NEXT_DAY, NEXT_DAY]
