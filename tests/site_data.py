"""Published and unpublished days for the public-site tests."""

import datetime as dt

from django.utils import timezone

from papers.models import Announcement, DailyPage, TopicHit
from papers.publication import papers_publication_refresh_ids, publication_paper_ids
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    PaperAuthorFactory,
    PaperFactory,
    PaperInstitutionFactory,
    TopicHitFactory,
)

DAY = dt.date(2026, 4, 27)  # a Monday with an arXiv listing


def listed_paper(
    topic,
    *,
    day: dt.date = DAY,
    state: str = TopicHit.ReviewState.ACCEPTED,
    announce_type: str = Announcement.Type.NEW,
    confidence: float = 0.8,
    reviewed: bool = True,
    subtopic=None,
    **paper_fields,
):
    """A paper listed on `day` with a hit for `topic`; Chinese text reviewed unless told."""
    defaults = {
        "title_zh_machine": "大语言模型研究",
        "summary_zh_machine": "本文研究大语言模型的蒸馏。",
        "abstract_zh_machine": "我们研究大语言模型中的 $x<y$。",
        "zh_reviewed_at": timezone.now() if reviewed else None,
        "authors_text": "Ada Lovelace, Alan Turing",
    }
    paper = PaperFactory(**{**defaults, **paper_fields})
    AnnouncementFactory(
        paper=paper,
        announce_date=day,
        announce_type=announce_type,
        version=paper.version,
        category=paper.primary_category,
    )
    PaperAuthorFactory(paper=paper, position=0, name="Ada Lovelace")
    PaperAuthorFactory(paper=paper, position=1, name="Alan Turing")
    PaperInstitutionFactory(paper=paper)
    TopicHitFactory(
        paper=paper, topic=topic, review_state=state, confidence=confidence, subtopic=subtopic
    )
    return paper


def page_publish(topic, day: dt.date = DAY) -> DailyPage:
    page, _ = DailyPage.objects.get_or_create(topic=topic, announce_date=day)
    page.status = DailyPage.Status.PUBLISHED
    page.published_at = timezone.now()
    page.save()
    papers_publication_refresh_ids(publication_paper_ids(page))
    return page


def page_draft(topic, day: dt.date = DAY) -> DailyPage:
    return DailyPageFactory(topic=topic, announce_date=day)
