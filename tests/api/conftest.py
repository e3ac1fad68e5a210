import datetime as dt

import pytest
from django.utils import timezone

from papers.models import DailyPage, TopicHit
from papers.publication import papers_publication_refresh_ids, publication_paper_ids
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    PaperFactory,
    SubtopicFactory,
    TopicFactory,
    TopicHitFactory,
)

DAY = dt.date(2026, 4, 27)
NEXT_DAY = dt.date(2026, 4, 28)


def paper_listed(
    topic,
    *,
    day=DAY,
    confidence=0.8,
    state=TopicHit.ReviewState.ACCEPTED,
    subtopic=None,
    paper=None,
    category="cs.CL",
    **paper_fields,
):
    """A paper announced on `day` with a hit for `topic` (accepted unless told otherwise)."""
    paper = paper or PaperFactory(**paper_fields)
    AnnouncementFactory(paper=paper, announce_date=day, category=category)
    TopicHitFactory(
        paper=paper, topic=topic, subtopic=subtopic, confidence=confidence, review_state=state
    )
    return paper


def page_published(topic, day=DAY, **fields):
    """Publish the topic's page for `day`, creating it if there is none yet."""
    page, _ = DailyPage.objects.update_or_create(
        topic=topic,
        announce_date=day,
        defaults={"status": DailyPage.Status.PUBLISHED, "published_at": timezone.now(), **fields},
    )
    papers_publication_refresh_ids(publication_paper_ids(page))
    return page


@pytest.fixture
def newsroom(db):
    """One published day and one draft day, with hits in every review state."""
    topic = TopicFactory(slug="llm", name_en="Large language models", name_zh="大语言模型")
    subtopic = SubtopicFactory(topic=topic, slug="reasoning")
    other = TopicFactory(slug="vision")
    page_published(topic, note="今日推荐")
    page_published(other)
    DailyPageFactory(topic=topic, announce_date=NEXT_DAY)  # draft
    return {
        "topic": topic,
        "subtopic": subtopic,
        "other": other,
        "high": paper_listed(topic, confidence=0.95, subtopic=subtopic, arxiv_id="2604.90001"),
        "low": paper_listed(topic, confidence=0.61, arxiv_id="2604.90002"),
        "vision": paper_listed(other, confidence=0.7, arxiv_id="2604.90003"),
        "rejected": paper_listed(topic, state=TopicHit.ReviewState.REJECTED, arxiv_id="2604.90004"),
        "suggested": paper_listed(
            topic, state=TopicHit.ReviewState.SUGGESTED, arxiv_id="2604.90005"
        ),
        "draft_only": paper_listed(topic, day=NEXT_DAY, arxiv_id="2604.90006"),
    }
