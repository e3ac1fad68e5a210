"""Celery tasks of the editorial workflow."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from editorial import services


@shared_task(
    name="papers.daily_pages_autopublish",
    acks_late=True,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def daily_pages_autopublish() -> int:
    """Beat runs this every few minutes; it publishes due drafts of auto-policy topics."""
    return len(services.daily_pages_autopublish(now=timezone.now()))
