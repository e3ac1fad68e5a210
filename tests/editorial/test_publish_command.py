"""`manage.py publish DATE`: accepts confident hits if asked, publishes, and says so in history."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from papers.models import DailyPage, TopicHit
from public.selectors import topic_day_get
from tests.factories import AnnouncementFactory, PaperFactory, TopicFactory, TopicHitFactory

DAY = dt.date(2026, 6, 16)
pytestmark = pytest.mark.django_db


def _listed_hit(topic, *, day=DAY, **hit):
    paper = PaperFactory()
    AnnouncementFactory(paper=paper, announce_date=day)
    return TopicHitFactory(paper=paper, topic=topic, **hit)


def _publish(*args) -> str:
    out = io.StringIO()
    call_command("publish", *args, stdout=out)
    return out.getvalue()


def test_accept_at_threshold_then_publish_the_day_recorded_as_the_command():
    topic = TopicFactory(confidence_threshold=0.7)
    sure = _listed_hit(topic, confidence=0.7)
    unsure = _listed_hit(topic, confidence=0.69)
    other_day = _listed_hit(topic, day=dt.date(2026, 6, 15), confidence=0.9)

    out = _publish(DAY.isoformat(), "--accept-at-threshold")

    assert "accepted 1 hit(s)" in out and f"published 1 page(s): {topic.slug}" in out
    states = dict(TopicHit.objects.values_list("pk", "review_state"))
    assert states == {sure.pk: "accepted", unsure.pk: "suggested", other_day.pk: "suggested"}
    assert topic_day_get(topic=topic, announce_date=DAY).papers == [sure.paper]
    page = DailyPage.objects.get(topic=topic, announce_date=DAY)
    for row in (sure.history.latest(), page.history.latest()):
        assert (row.history_user, row.history_change_reason) == (None, "manage.py publish")


def test_without_accepting_only_accepted_hits_are_published_and_only_the_topic_asked():
    chosen, other = TopicFactory(), TopicFactory()
    accepted = _listed_hit(chosen, review_state=TopicHit.ReviewState.ACCEPTED)
    suggested = _listed_hit(chosen, confidence=0.99)
    _listed_hit(other, review_state=TopicHit.ReviewState.ACCEPTED)

    _publish(DAY.isoformat(), "--topic", chosen.slug)

    assert topic_day_get(topic=chosen, announce_date=DAY).papers == [accepted.paper]
    assert TopicHit.objects.get(pk=suggested.pk).review_state == "suggested"
    assert DailyPage.objects.published().get().topic == chosen


def test_publishing_again_publishes_nothing_new():
    topic = TopicFactory()
    _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED)
    _publish(DAY.isoformat())

    assert "published 0 page(s): none" in _publish(DAY.isoformat())


def test_an_unknown_or_inactive_topic_is_an_error():
    inactive = TopicFactory(is_active=False)
    for slug in ("no-such-topic", inactive.slug):
        with pytest.raises(CommandError, match=slug):
            _publish(DAY.isoformat(), "--topic", slug)
