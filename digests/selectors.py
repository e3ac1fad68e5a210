"""Reads of the digests: a subscription by its link's token; what a digest shows (a
subscriber's topics on one date, through the site's one read path)."""

import datetime as dt

from django.conf import settings
from django.db.models import Count

from public.selectors import TopicDay, topic_days_get
from topics.models import DigestDelivery, Subscription


def digest_days_get(*, subscription: Subscription, announce_date: dt.date) -> list[TopicDay]:
    """The subscription's active topics that readers can see on `announce_date` with at least
    one paper, in the site's topic order: the TopicDays of public.selectors.topic_days_get
    (published pages only, accepted hits, cards attached), the same the topic-day pages
    show, each with its first settings.DIGEST_PAPERS_PER_TOPIC papers in the page's order
    (0: all) and `paper_ids` all of them. Empty when nothing of the reader's is published
    that day."""
    topics = subscription.topics.active().select_related("area")
    days = topic_days_get(
        topics=list(topics),
        announce_date=announce_date,
        limit=settings.DIGEST_PAPERS_PER_TOPIC or None,
    )
    return [day for day in days if day.is_published and day.papers]


def digest_states_count(*, announce_date: dt.date) -> dict[str, int]:
    """How many digests of `announce_date` are in each DigestDelivery state ("sent": 3, …),
    states without any left out."""
    rows = (
        DigestDelivery.objects.filter(announce_date=announce_date)
        .values_list("state")
        .annotate(count=Count("pk"))
        .order_by("state")
    )
    return dict(rows)


def subscription_token_get(*, token: str) -> Subscription:
    """The subscription a confirm or unsubscribe link names, with its state and language only
    (not its address: nothing else of it is shown). Subscription.DoesNotExist for an unknown
    token."""
    return Subscription.objects.only("pk", "language", "confirmed_at", "unsubscribed_at").get(
        token=token
    )
