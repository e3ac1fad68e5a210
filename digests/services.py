"""E-mail digests: subscribing (double opt-in), confirming, unsubscribing, and mailing each
confirmed reader one digest per published day.

Delivery is at most once (digest_delivery_send): a DigestDelivery row per subscription and
date (unique) is claimed, pending → sending, in its own commit with the Message-ID, only once
the SMTP connection is open, right before the mail is handed over, and marked sent right
after. A refusal the server answers (4xx, 5xx) means nothing was delivered: the row goes back
to pending (4xx, retried) or failed (5xx). A worker killed, or a connection lost, between the
claim and the record leaves the row in `sending`: the server may or may not have taken the
mail, and it is not sent again. That window is one SMTP exchange; a reader may miss one
day's digest in it, never receive two.
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from digests.messages import confirmation_message_build, digest_message_build, message_id_new
from digests.selectors import digest_days_get
from papers.models import DailyPage
from topics.models import DigestDelivery, Subscription, Topic

logger = logging.getLogger(__name__)

State = DigestDelivery.State


class MailNotSent(Exception):
    """The SMTP server could not be reached or refused the mail for now (4xx): nothing was
    delivered, and a later attempt may send it (a digest's row is pending again). The message
    names no address (see _error_text)."""


def email_normalize(email: str) -> str:
    """The form addresses are stored and compared in: stripped, lower case."""
    return email.strip().lower()


@transaction.atomic
def subscription_request(*, email: str, topics: Iterable[Topic], language: str) -> int | None:
    """Ask for the daily digest of `topics` in `language` ("zh-hans" or "en") at `email`.

    The same for the caller whether the address is new or known, so nothing tells a stranger
    whether an address subscribed: a new, unconfirmed or unsubscribed address gets the choice
    stored (nothing is mailed before confirmation) and a confirmation mail; a confirmed one
    keeps its choice (a stranger may not change it) and gets a notice with its unsubscribe
    link. At most one such mail per address per DIGEST_CONFIRM_INTERVAL_MINUTES (no mail
    bombing through the form). Returns the pk of the subscription to mail
    (subscription_confirmation_send, from digests.tasks), or None when no mail is due."""
    subscription, _ = Subscription.objects.select_for_update().get_or_create(
        email=email_normalize(email), defaults={"language": language}
    )
    if not subscription.is_active:
        subscription.language = language
        subscription.confirmed_at = subscription.unsubscribed_at = None
        subscription.save(update_fields=["language", "confirmed_at", "unsubscribed_at"])
        subscription.topics.set(topics)
    now = timezone.now()
    interval = dt.timedelta(minutes=settings.DIGEST_CONFIRM_INTERVAL_MINUTES)
    if subscription.confirmation_sent_at and now - subscription.confirmation_sent_at < interval:
        return None
    subscription.confirmation_sent_at = now
    subscription.save(update_fields=["confirmation_sent_at"])
    return subscription.pk


def _error_text(error: Exception, email: str) -> str:
    """`error` as stored, logged and shown to editors: without the address (a refusal often
    quotes it)."""
    return repr(error).replace(email, "<recipient>")


def _refusal_code(error: Exception) -> int | None:
    """The SMTP reply code of a refusal the server answered, or None when it gave none (a
    lost connection, a timeout, any other error)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return max(code for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def subscription_confirmation_send(*, subscription_id: int) -> None:
    """Mail the confirmation (or already-subscribed notice) of a subscribe request. Raises
    MailNotSent when the server cannot be reached or refuses for now (4xx); a refusal for
    good (5xx) is logged and dropped."""
    subscription = Subscription.objects.get(pk=subscription_id)
    try:
        confirmation_message_build(subscription=subscription).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        text = _error_text(error, subscription.email)
        if (_refusal_code(error) or 0) >= 500:
            logger.warning("confirmation of subscription %s refused: %s", subscription_id, text)
            return
        raise MailNotSent(text) from None


def _subscription_stamp(*, token: str, field: str) -> Subscription:
    """Set `field` of the token's subscription to now unless it is set already (in one
    transaction, the row locked). Subscription.DoesNotExist for an unknown token."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(token=token)
        if getattr(subscription, field) is None:
            setattr(subscription, field, timezone.now())
            subscription.save(update_fields=[field])
    return subscription


def subscription_confirm(*, token: str) -> Subscription:
    """Confirm the subscription of this token (the link of its confirmation mail): from now
    on it gets digests. A confirmed or unsubscribed subscription is left as it is (an old
    confirmation link does not undo an unsubscribe). Subscription.DoesNotExist for an
    unknown token."""
    return _subscription_stamp(token=token, field="confirmed_at")


def subscription_unsubscribe(*, token: str) -> Subscription:
    """Stop the digests of this token's subscription (its List-Unsubscribe link): no mail
    leaves for it from now on, pending digests included. Subscription.DoesNotExist for an
    unknown token."""
    return _subscription_stamp(token=token, field="unsubscribed_at")


def digests_plan(*, announce_date: dt.date) -> list[int]:
    """Give every active subscription with a topic published on `announce_date` its digest
    row of that date (a subscription that has one keeps it: one digest per reader and day,
    whatever the number of topics or of calls). Returns the pks of the date's rows still
    pending, for digest_delivery_send."""
    published = DailyPage.objects.published().filter(announce_date=announce_date)
    subscribers = list(
        Subscription.objects.active()
        .filter(topics__in=published.values("topic_id"))
        .values_list("pk", flat=True)
        .distinct()
    )
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(subscription_id=pk, announce_date=announce_date) for pk in subscribers],
        ignore_conflicts=True,
    )
    return list(
        DigestDelivery.objects.filter(
            announce_date=announce_date, subscription_id__in=subscribers, state=State.PENDING
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digest_dates_due(
    *, now: dt.datetime, within: dt.timedelta = dt.timedelta(days=2)
) -> list[dt.date]:
    """Announce dates with a page published between `within` ago and DIGEST_DELAY_MINUTES
    ago, oldest first: the dates whose fan-out the sweep runs again, in case a fan-out or a
    send was lost (a broker down when the page was published)."""
    delay = dt.timedelta(minutes=settings.DIGEST_DELAY_MINUTES)
    pages = DailyPage.objects.published().filter(
        published_at__gte=now - within, published_at__lte=now - delay
    )
    return list(pages.order_by("announce_date").values_list("announce_date", flat=True).distinct())


def _record(delivery_id: int, *, state: str, expected: str = State.PENDING, **fields) -> bool:
    """Move the row from `expected` to `state` (one conditional UPDATE); whether it moved."""
    return bool(
        DigestDelivery.objects.filter(pk=delivery_id, state=expected).update(state=state, **fields)
    )


def _exchange(*, delivery_id: int, connection, message, later: str, email: str) -> str:
    """Claim the row and hand `message` over on the open `connection`; the row's state
    afterwards (see digest_delivery_send)."""
    claimed = _record(
        delivery_id,
        state=State.SENDING,
        message_id=message.extra_headers["Message-ID"],
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    if not claimed:
        return DigestDelivery.objects.get(pk=delivery_id).state
    try:
        connection.send_messages([message])
    except Exception as error:
        code = _refusal_code(error)
        text = _error_text(error, email)
        if code is None:  # no answer (lost connection, timeout): the server may have it
            _record(delivery_id, state=State.SENDING, expected=State.SENDING, error=text)
            raise
        state = State.FAILED if code >= 500 else later
        _record(delivery_id, state=state, expected=State.SENDING, error=text)
        if state == State.PENDING:
            raise MailNotSent(text) from None
        return state
    _record(delivery_id, state=State.SENT, expected=State.SENDING, sent_at=timezone.now(), error="")
    return State.SENT


def digest_delivery_send(*, delivery_id: int, last_attempt: bool = False) -> str:
    """Mail the digest of this DigestDelivery unless it was claimed already; returns the
    row's state afterwards ("sent", "skipped", "failed", or the state another attempt left).

    Built at send time from what readers can see then (digests.selectors); a reader whose
    topics have nothing published, or who unsubscribed meanwhile, is skipped. Raises
    MailNotSent when the server could not be reached or refused for now (4xx), with the row
    pending again; with `last_attempt` the row is failed instead. Any other error during the
    SMTP exchange leaves the row in `sending` and propagates: see the module docstring."""
    delivery = DigestDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if delivery.state != State.PENDING:
        return delivery.state
    days = digest_days_get(subscription=subscription, announce_date=delivery.announce_date)
    if not days or not subscription.is_active:
        _record(delivery_id, state=State.SKIPPED)
        return State.SKIPPED
    message = digest_message_build(
        subscription=subscription,
        announce_date=delivery.announce_date,
        days=days,
        message_id=message_id_new(),
    )
    later = State.FAILED if last_attempt else State.PENDING
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        text = _error_text(error, subscription.email)
        _record(delivery_id, state=later, attempts=F("attempts") + 1, error=text)
        if last_attempt:
            return State.FAILED
        raise MailNotSent(text) from None
    try:
        state = _exchange(
            delivery_id=delivery_id,
            connection=connection,
            message=message,
            later=later,
            email=subscription.email,
        )
    finally:
        connection.close()
    logger.info("digest %s: %s", delivery_id, state)
    return state
