"""The subscriptions' admin: read-only, addresses masked (tests/test_admin.py smoke-tests it)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from digests.admin import email_mask
from topics.models import DigestDelivery, Subscription

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


@pytest.mark.parametrize("model", ["subscription", "digestdelivery"])
def test_list_columns_are_labelled_in_chinese_and_english(client, chief_editor, model):
    subscription = Subscription.objects.create(email="ada@example.org")
    DigestDelivery.objects.create(subscription=subscription, announce_date=dt.date(2026, 4, 30))
    client.force_login(chief_editor)

    page = client.get(reverse(f"admin:topics_{model}_changelist")).content.decode()

    headers = re.findall(r'<th scope="col"\s+class="[^"]*column-(\w+)[^"]*">(.*?)</th>', page, re.S)
    labels = {name: re.sub(r"<[^>]+>|\s+", " ", html).strip() for name, html in headers}
    labels.pop("action_checkbox", None)
    assert len(labels) >= 5
    for name, label in labels.items():
        assert re.search(r"[\u4e00-\u9fff].*/ [a-zA-Z]", label), (name, label)


@pytest.mark.parametrize(
    ("email", "masked"),
    [("ada@example.org", "a***@e***.org"), ("x@localhost", "x***@***"), ("@", "***@***")],
)
def test_email_mask(email, masked):
    assert email_mask(email) == masked
