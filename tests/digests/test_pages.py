"""The pages behind the mailed links, as a browser sees them: the confirmation page's form
(CSRF token and all), what each page says after its button, and never an address."""

import re

import pytest
from django.test import Client

from tests.digests.helpers import mailed_path, subscribe
from tests.factories import TopicFactory
from topics.models import Subscription

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = re.compile(rb'<form method="post" action="([^"]+)"')


@pytest.fixture
def topic(db):
    return TopicFactory(slug="llm", name_en="Language models", name_zh="语言模型")


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def _confirm_path(client, capture, smtp, *, email, topics, language="en") -> str:
    subscribe(client, capture, email=email, topics=topics, language=language)
    return mailed_path(smtp.to(email)[-1], "confirm")


def test_the_confirmation_page_is_a_form_posting_back_with_a_csrf_token(
    client, browser, smtp, topic, django_capture_on_commit_callbacks
):
    path = _confirm_path(
        client, django_capture_on_commit_callbacks, smtp, email="a@example.org", topics=[topic]
    )

    page = browser.get(path)

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert FORM.search(page.content).group(1).decode() == path
    assert CSRF_INPUT.search(page.content)
    assert b'type="submit"' in page.content
    assert b'href=""' not in page.content
    assert b"a@example.org" not in page.content
    assert Subscription.objects.get().confirmed_at is None


def test_a_browser_confirms_with_the_pages_csrf_token(
    client, browser, smtp, topic, django_capture_on_commit_callbacks
):
    path = _confirm_path(
        client,
        django_capture_on_commit_callbacks,
        smtp,
        email="a@example.org",
        topics=[topic],
        language="zh-hans",
    )
    page = browser.get(path)
    token = CSRF_INPUT.search(page.content).group(1).decode()

    done = browser.post(path, {"csrfmiddlewaretoken": token})

    assert done.status_code == 200
    assert Subscription.objects.get().confirmed_at is not None
    assert b"Subscription confirmed" in done.content
    assert b"Language models" in done.content
    assert "简体中文".encode() in done.content
    assert b"a@example.org" not in done.content


def test_a_post_without_the_csrf_token_confirms_nothing(
    client, browser, smtp, topic, django_capture_on_commit_callbacks
):
    path = _confirm_path(
        client, django_capture_on_commit_callbacks, smtp, email="a@example.org", topics=[topic]
    )

    assert browser.post(path).status_code == 403
    assert Subscription.objects.get().confirmed_at is None


def test_an_old_confirmation_link_after_unsubscribing_does_not_claim_a_subscription(
    client, smtp, topic, django_capture_on_commit_callbacks
):
    path = _confirm_path(
        client, django_capture_on_commit_callbacks, smtp, email="a@example.org", topics=[topic]
    )
    client.post(path)
    client.post(f"/subscribe/unsubscribe/{Subscription.objects.get().token}/")

    page = client.post(path, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert b"Subscription confirmed" not in page.content
    assert b"unsubscribed" in page.content


def test_the_unsubscribe_link_opened_again_says_already_unsubscribed(
    client, smtp, topic, django_capture_on_commit_callbacks
):
    path = _confirm_path(
        client, django_capture_on_commit_callbacks, smtp, email="a@example.org", topics=[topic]
    )
    client.post(path)
    unsubscribe = f"/subscribe/unsubscribe/{Subscription.objects.get().token}/"
    client.post(unsubscribe)

    page = client.get(unsubscribe, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert b"Already unsubscribed" in page.content
    main = page.content.split(b"<main", 1)[1].split(b"</main>", 1)[0]
    assert b"<form" not in main
    assert b"a@example.org" not in page.content
