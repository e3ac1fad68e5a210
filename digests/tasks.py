"""Celery tasks of the e-mail digests, all on the `mail` queue (settings.CELERY_TASK_ROUTES)."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from digests import services


def digests_schedule(*, announce_date: dt.date) -> None:
    """Queue the fan-out of `announce_date` DIGEST_DELAY_MINUTES from now (a page was just
    published): pages published meanwhile go into the same mails. Called after the commit."""
    digests_fanout.apply_async(
        args=[announce_date.isoformat()], countdown=settings.DIGEST_DELAY_MINUTES * 60
    )


@shared_task(
    name="papers.digests_fanout",
    acks_late=True,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
)
def digests_fanout(announce_date: str) -> int:
    """Create the date's digest rows and queue one send per pending row; run again (a
    redelivery, another page published), it creates nothing twice, and a row queued twice is
    still sent once (digest_delivery_send claims it). Returns how many sends it queued."""
    pending = services.digests_plan(announce_date=dt.date.fromisoformat(announce_date))
    for delivery_id in pending:
        digest_send.delay(delivery_id)
    return len(pending)


@shared_task(
    name="papers.digests_sweep",
    acks_late=True,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
)
def digests_sweep() -> int:
    """Beat runs this every half hour: the fan-out again for dates published in the last two
    days (nothing is sent twice; a lost fan-out or send is made up). Returns the dates."""
    dates = services.digest_dates_due(now=timezone.now())
    for day in dates:
        digests_fanout.delay(day.isoformat())
    return len(dates)


@shared_task(
    bind=True,
    name="papers.digest_send",
    acks_late=True,
    rate_limit=settings.DIGEST_SEND_RATE or None,
    time_limit=5 * 60,
    soft_time_limit=4 * 60,
    max_retries=settings.DIGEST_SEND_MAX_RETRIES,
)
def digest_send(self, delivery_id: int) -> str:
    """Send one digest (digests.services.digest_delivery_send); a server out of reach or
    refusing for now is retried, waiting DIGEST_RETRY_SECONDS doubled per attempt."""
    try:
        return services.digest_delivery_send(
            delivery_id=delivery_id, last_attempt=self.request.retries >= self.max_retries
        )
    except services.MailNotSent as error:
        wait = settings.DIGEST_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=error, countdown=wait) from error


@shared_task(
    name="papers.subscription_confirm_send",
    acks_late=True,
    time_limit=2 * 60,
    soft_time_limit=100,
    autoretry_for=(services.MailNotSent,),
    retry_backoff=60,
    max_retries=5,
)
def subscription_confirm_send(subscription_id: int) -> None:
    """Mail a subscribe request's confirmation; retried while the server is out of reach or
    refuses for now (a confirmation sent twice only repeats the same link)."""
    services.subscription_confirmation_send(subscription_id=subscription_id)
