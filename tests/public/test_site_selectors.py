"""Reads behind the public site: one rule for what is public, reused everywhere."""

import datetime as dt

import pytest

from ingest.schedule import is_listing_date
from papers.models import TopicHit
from public.dates import day_digest_get, published_dates_around_get, topic_latest_date_get
from public.selectors import feed_items_list, paper_detail_get
from tests.factories import AnnouncementFactory, AreaFactory, TopicFactory, TopicHitFactory
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db


def test_day_digest_shows_published_topics_only_with_their_first_papers_and_counts():
    area = AreaFactory()
    published, second, drafted = (TopicFactory(area=area, position=n) for n in range(3))
    strong = listed_paper(published, confidence=0.9)
    weak = listed_paper(published, confidence=0.7)
    listed_paper(published, confidence=0.6)
    listed_paper(published, state=TopicHit.ReviewState.REJECTED)
    listed_paper(published, day=DAY + dt.timedelta(days=1))
    TopicHitFactory(paper=strong, topic=second, review_state=TopicHit.ReviewState.ACCEPTED)
    listed_paper(drafted)
    page_publish(published), page_publish(second)
    page_draft(drafted)

    digest = day_digest_get(announce_date=DAY, per_topic=2)

    [entry] = digest.areas
    shown = [(item.topic, item.paper_count, item.papers) for item in entry.topics]
    assert shown == [(published, 3, [strong, weak]), (second, 1, [strong])]
    assert all(paper.card["title"] for item in entry.topics for paper in item.papers)
    assert digest.total == 3 and digest.is_published  # `strong` is on both pages: once


def test_day_digest_reads_in_six_queries_whatever_the_topics_and_papers(
    django_assert_num_queries,
):
    topics = TopicFactory.create_batch(3)
    for topic in topics:
        for _ in range(4):
            listed_paper(topic)
        page_publish(topic)

    with django_assert_num_queries(6):
        digest = day_digest_get(announce_date=DAY, per_topic=2)

    assert [len(item.papers) for area in digest.areas for item in area.topics] == [2, 2, 2]


def test_published_dates_around_skip_unpublished_days_and_other_topics():
    topic, other = TopicFactory(), TopicFactory()
    for day in (dt.date(2026, 4, 22), dt.date(2026, 4, 29)):
        page_publish(topic, day)
    page_draft(topic, dt.date(2026, 4, 24))
    page_publish(other, dt.date(2026, 4, 28))

    assert published_dates_around_get(announce_date=DAY, topic=topic) == (
        dt.date(2026, 4, 22),
        dt.date(2026, 4, 29),
    )
    assert published_dates_around_get(announce_date=DAY) == (
        dt.date(2026, 4, 22),
        dt.date(2026, 4, 28),
    )
    assert topic_latest_date_get(topic=topic) == dt.date(2026, 4, 29)


def test_paper_detail_get_only_finds_published_papers_with_their_best_hit():
    topic, draft_topic = TopicFactory(), TopicFactory()
    paper = listed_paper(topic, confidence=0.7)
    TopicHitFactory(paper=paper, topic=draft_topic, confidence=0.99)
    page_publish(topic)
    page_draft(draft_topic)
    hidden = listed_paper(draft_topic)

    found = paper_detail_get(arxiv_id=paper.arxiv_id)

    assert found == paper
    assert found.hit.topic == topic and found.announcement.announce_date == DAY
    assert [hit.published_on for hit in found.published_hits] == [DAY]
    assert paper_detail_get(arxiv_id=hidden.arxiv_id) is None


def test_published_hits_name_only_published_days_of_the_topic():
    topic = TopicFactory()
    paper = listed_paper(topic)
    later = DAY + dt.timedelta(days=1)
    AnnouncementFactory(paper=paper, announce_date=later, category="cs.AI")
    page_publish(topic)
    page_draft(topic, later)

    found = paper_detail_get(arxiv_id=paper.arxiv_id)

    assert [hit.published_on for hit in found.published_hits] == [DAY]
    assert [item.announce_date for item in feed_items_list(topic=topic)] == [DAY]


def test_feed_items_show_a_paper_once_per_day_with_its_strongest_hit():
    first, second = TopicFactory(), TopicFactory()
    paper = listed_paper(first, confidence=0.7)
    TopicHitFactory(
        paper=paper, topic=second, confidence=0.9, review_state=TopicHit.ReviewState.ACCEPTED
    )
    page_publish(first)
    page_publish(second)

    [item] = feed_items_list()

    assert item.paper == paper and item.hit.topic == second
    assert [i.hit.topic for i in feed_items_list(topic=first)] == [first]


def test_feed_items_keep_only_the_latest_days():
    topic = TopicFactory()
    days = [DAY + dt.timedelta(days=n) for n in range(3)]
    for day in days:
        listed_paper(topic, day=day)
        page_publish(topic, day)

    items = feed_items_list(topic=topic, days=2)

    assert [item.announce_date for item in items] == [days[2], days[1]]


@pytest.mark.parametrize(
    ("date", "announces"),
    [
        (dt.date(2026, 4, 27), True),
        (dt.date(2026, 4, 25), False),
        (dt.date(2026, 4, 26), False),
        (dt.date(2026, 12, 25), False),
        (dt.date(2026, 7, 3), False),
    ],
)
def test_arxiv_calendar(date, announces):
    assert is_listing_date(date) is announces
