import datetime as dt

import pytest

from papers.models import Announcement, DailyPage, DailyPageEntry, TopicHit
from public.selectors import topic_day_get
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    PaperAuthorFactory,
    PaperFactory,
    PaperInstitutionFactory,
    TopicFactory,
    TopicHitFactory,
)

DAY = dt.date(2026, 4, 27)
pytestmark = pytest.mark.django_db


def _listed(topic, *, confidence=0.8, state=TopicHit.ReviewState.ACCEPTED, **announcement):
    paper = PaperFactory()
    AnnouncementFactory(paper=paper, announce_date=DAY, **announcement)
    TopicHitFactory(paper=paper, topic=topic, confidence=confidence, review_state=state)
    return paper


def test_draft_day_is_empty_for_readers_and_full_in_preview():
    topic = TopicFactory()
    DailyPageFactory(topic=topic, announce_date=DAY)
    paper = _listed(topic)

    assert topic_day_get(topic=topic, announce_date=DAY).papers == []
    assert topic_day_get(topic=topic, announce_date=DAY, include_drafts=True).papers == [paper]


def test_published_day_shows_only_accepted_hits_by_confidence():
    topic = TopicFactory()
    DailyPageFactory(topic=topic, announce_date=DAY, status=DailyPage.Status.PUBLISHED)
    low = _listed(topic, confidence=0.61)
    high = _listed(topic, confidence=0.93)
    _listed(topic, state=TopicHit.ReviewState.REJECTED)
    _listed(topic, state=TopicHit.ReviewState.SUGGESTED)

    day = topic_day_get(topic=topic, announce_date=DAY)

    assert day.is_published
    assert day.papers == [high, low]
    assert day.papers[0].hit.confidence == 0.93


def test_editor_order_wins_over_confidence():
    topic = TopicFactory()
    page = DailyPageFactory(topic=topic, announce_date=DAY, status=DailyPage.Status.PUBLISHED)
    low = _listed(topic, confidence=0.61)
    high = _listed(topic, confidence=0.93)
    DailyPageEntry.objects.create(page=page, paper=low, position=0)
    DailyPageEntry.objects.create(page=page, paper=high, position=1)

    assert topic_day_get(topic=topic, announce_date=DAY).papers == [low, high]


def test_strongest_listing_of_the_day_is_shown():
    topic = TopicFactory()
    DailyPageFactory(topic=topic, announce_date=DAY, status=DailyPage.Status.PUBLISHED)
    paper = _listed(topic, category="cs.AI", announce_type=Announcement.Type.CROSS)
    AnnouncementFactory(paper=paper, announce_date=DAY, category="cs.CL")

    [shown] = topic_day_get(topic=topic, announce_date=DAY).papers

    assert shown.announcement.announce_type == Announcement.Type.NEW


def test_query_count_does_not_grow_with_papers(django_assert_max_num_queries):
    topic = TopicFactory()
    DailyPageFactory(topic=topic, announce_date=DAY, status=DailyPage.Status.PUBLISHED)
    for _ in range(30):
        paper = _listed(topic)
        PaperAuthorFactory(paper=paper, position=1, name="Alan Turing")
        PaperAuthorFactory(paper=paper, position=0, name="Ada Lovelace")
        PaperInstitutionFactory(paper=paper)

    # The page, the hits with their papers and subtopics, the listings, authors, institutions.
    with django_assert_max_num_queries(5):
        day = topic_day_get(topic=topic, announce_date=DAY)
        cards = [
            (paper.hit.topic.slug, paper.hit.subtopic, paper.announcement.announce_type)
            for paper in day.papers
        ]
    assert len(day.papers) == 30 and len(cards) == 30
    for paper in day.papers:
        assert paper.card["authors"] == "Ada Lovelace, Alan Turing"
        assert len(paper.card["institutions"]) == 1


def test_a_topic_that_no_longer_exists_finds_nothing():
    """A slug checked earlier whose topic is gone by the query (deleted meanwhile): no
    results and no error, for the site's search and the API's filter alike."""
    from papers.models import Paper
    from public.selectors import PaperQuery, paper_search_results, papers_query_apply

    query = PaperQuery(q="language models", topic="gone-meanwhile")
    assert paper_search_results(query=query).ids(21) == []
    assert list(papers_query_apply(query=query, papers=Paper.objects.all())) == []
