"""The subscriptions' admin: read-only, addresses masked (tests/test_admin.py smoke-tests it)."""

import pytest
from django.urls import reverse

from digests.admin import email_mask
from topics.models import Subscription

pytestmark = pytest.mark.django_db


def test_no_admin_page_shows_an_address(client, chief_editor):
    subscription = Subscription.objects.create(email="ada.lovelace@example.org")
    client.force_login(chief_editor)

    pages = [
        client.get(reverse("admin:topics_subscription_changelist")),
        client.get(reverse("admin:topics_subscription_change", args=[subscription.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        assert b"ada.lovelace@example.org" not in page.content
        assert b"a***@e***.org" in page.content


def test_subscriptions_cannot_be_added_or_edited_in_the_admin(client, chief_editor):
    client.force_login(chief_editor)

    assert client.get(reverse("admin:topics_subscription_add")).status_code == 403


@pytest.mark.parametrize(
    ("email", "masked"),
    [("ada@example.org", "a***@e***.org"), ("x@localhost", "x***@***"), ("@", "***@***")],
)
def test_email_mask(email, masked):
    assert email_mask(email) == masked
