"""The mails themselves: a digest and a confirmation, each with a plain-text and an HTML part
rendered from templates/digests/mail/ in the subscriber's language.

The HTML templates autoescape everything from arXiv, the LLM and editors; the plain-text
templates render it as it is (plain text interprets no markup). Headers hold only our own
text and the date: nothing untrusted reaches a header.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from public.links import site_link
from public.selectors import TopicDay
from topics.models import Subscription


def unsubscribe_link(subscription: Subscription) -> str:
    """The one-click unsubscribe URL of `subscription` (List-Unsubscribe, RFC 8058)."""
    return site_link(reverse("digests:unsubscribe", args=[subscription.token]))


def message_id_new() -> str:
    """A fresh Message-ID ("<…@host>") on the host of settings.SITE_URL."""
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


def _message(*, subscription, subject: str, template: str, context: dict, headers: dict):
    with translation.override(subscription.language):
        context = {**context, "language": subscription.language}
        text = render_to_string(f"digests/mail/{template}.txt", context)
        html = render_to_string(f"digests/mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[subscription.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_message_build(
    *,
    subscription: Subscription,
    announce_date: dt.date,
    days: list[TopicDay],
    message_id: str,
) -> EmailMultiAlternatives:
    """The digest of `announce_date` for `subscription`: `days` (digests.selectors
    .digest_days_get) grouped by topic, each section with the papers its day holds and, when
    the day has more (`paper_ids`), how many more with a link to the topic-day page; the
    unsubscribe link at the top and the bottom (a clipped mail keeps the top one); its
    Message-ID, List-Unsubscribe and List-Unsubscribe-Post (one click) headers."""
    unsubscribe = unsubscribe_link(subscription)
    sections = [
        {
            "day": day,
            "total": len(day.paper_ids),
            "more": len(day.paper_ids) - len(day.papers),
            "url": site_link(reverse("topics:day", args=[day.topic.slug, announce_date])),
        }
        for day in days
    ]
    count = len(set().union(*(day.paper_ids for day in days)))
    with translation.override(subscription.language):
        subject = ngettext(
            "arxdaily digest of %(date)s: %(count)d paper",
            "arxdaily digest of %(date)s: %(count)d papers",
            count,
        ) % {"date": announce_date.isoformat(), "count": count}
    return _message(
        subscription=subscription,
        subject=subject,
        template="digest",
        context={
            "announce_date": announce_date,
            "sections": sections,
            "day_url": site_link(reverse("papers:day", args=[announce_date])),
            "unsubscribe_url": unsubscribe,
        },
        headers={
            "Message-ID": message_id,
            "List-Id": f"arxdaily digest <digest.{urlsplit(settings.SITE_URL).hostname}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def confirmation_message_build(*, subscription: Subscription) -> EmailMultiAlternatives:
    """The mail a subscribe request sends: the confirmation link while the subscription waits
    for it, or, to an address already subscribed, a notice with its unsubscribe link."""
    active = subscription.is_active
    with translation.override(subscription.language):
        subject = (
            gettext("You are subscribed to the arxdaily digest")
            if active
            else gettext("Confirm your arxdaily digest subscription")
        )
    return _message(
        subscription=subscription,
        subject=subject,
        template="confirm",
        context={
            "active": active,
            "topics": list(subscription.topics.active()),
            "confirm_url": site_link(reverse("digests:confirm", args=[subscription.token])),
            "unsubscribe_url": unsubscribe_link(subscription),
        },
        headers={"Message-ID": message_id_new(), "Auto-Submitted": "auto-generated"},
    )
