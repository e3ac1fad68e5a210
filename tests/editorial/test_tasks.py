"""The auto-publish task is on the beat schedule and publishes due drafts of auto topics."""

import datetime as dt

import pytest
from django.conf import settings

from arxdaily.celery import app
from editorial import services, tasks
from papers.models import DailyPage
from tests.factories import AnnouncementFactory, PaperFactory, TopicFactory, TopicHitFactory

pytestmark = pytest.mark.django_db


def test_autopublish_task_publishes_past_due_drafts(editor):
    topic = TopicFactory(publish_policy="auto", auto_publish_time=dt.time(9, 0))
    paper = PaperFactory()
    AnnouncementFactory(paper=paper, announce_date=dt.date(2026, 4, 27))
    services.topic_hit_accept(hits=[TopicHitFactory(paper=paper, topic=topic)], user=editor)

    result = tasks.daily_pages_autopublish.delay()

    assert result.get() == 1
    assert DailyPage.objects.get(topic=topic).status == DailyPage.Status.PUBLISHED


def test_autopublish_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["papers.daily_pages_autopublish"]
    assert entry["task"] == "papers.daily_pages_autopublish"
    assert entry["task"] in app.tasks
