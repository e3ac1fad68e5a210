"""The subscribe form and the token links: double opt-in, no enumeration, rate limit, no
address shown, GETs change nothing."""

import pytest
from django.test import Client

from tests.digests.helpers import html_of, mailed_path, subscribe, subscribe_confirmed, text_of
from tests.factories import TopicFactory
from topics.models import Subscription, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(db):
    return TopicFactory(slug="llm", name_en="Language models")


def _answer(response, client) -> tuple:
    page = client.get(response["Location"])
    return response.status_code, response["Location"], page.status_code, page.content


def test_the_answer_is_the_same_for_new_pending_confirmed_and_unsubscribed_addresses(
    client, smtp, topic, django_capture_on_commit_callbacks, settings
):
    capture = django_capture_on_commit_callbacks
    settings.DIGEST_CONFIRM_INTERVAL_MINUTES = 0
    subscribe(client, capture, email="pending@example.org", topics=[topic])
    subscribe_confirmed(client, capture, smtp, email="active@example.org", topics=[topic])
    gone = subscribe_confirmed(client, capture, smtp, email="gone@example.org", topics=[topic])
    client.post(f"/subscribe/unsubscribe/{gone.token}/")

    answers = {
        email: _answer(subscribe(client, capture, email=email, topics=[topic]), client)
        for email in (
            "new@example.org",
            "pending@example.org",
            "active@example.org",
            "gone@example.org",
        )
    }

    assert len(set(answers.values())) == 1
    for email in answers:
        assert email.encode() not in answers[email][3]


def test_a_confirmed_address_keeps_its_choice_and_gets_a_notice_not_a_new_link(
    client, smtp, topic, django_capture_on_commit_callbacks, settings
):
    capture = django_capture_on_commit_callbacks
    settings.DIGEST_CONFIRM_INTERVAL_MINUTES = 0
    other = TopicFactory(slug="vision")
    subscription = subscribe_confirmed(
        client, capture, smtp, email="active@example.org", topics=[topic]
    )

    subscribe(client, capture, email="active@example.org", topics=[other], language="zh-hans")

    notice = smtp.to("active@example.org")[-1]
    assert "/subscribe/confirm/" not in text_of(notice)
    assert mailed_path(notice, "unsubscribe") == f"/subscribe/unsubscribe/{subscription.token}/"
    subscription.refresh_from_db()
    assert list(subscription.topics.all()) == [topic]
    assert subscription.language == "en"


def test_nothing_is_mailed_but_the_confirmation_before_the_link_is_followed(
    client, smtp, topic, django_capture_on_commit_callbacks, chief_editor
):
    from editorial.services import daily_pages_publish_for_date
    from tests.site_data import DAY, listed_paper

    subscribe(client, django_capture_on_commit_callbacks, email="new@example.org", topics=[topic])
    listed_paper(topic)
    with django_capture_on_commit_callbacks(execute=True):
        daily_pages_publish_for_date(announce_date=DAY, user=chief_editor)

    [confirmation] = smtp.to("new@example.org")
    assert "/subscribe/confirm/" in text_of(confirmation)


def test_one_confirmation_mail_per_address_per_interval(
    client, smtp, topic, django_capture_on_commit_callbacks, settings
):
    settings.DIGEST_CONFIRM_INTERVAL_MINUTES = 10
    for _ in range(3):
        subscribe(client, django_capture_on_commit_callbacks, email="a@example.org", topics=[topic])

    assert len(smtp.to("a@example.org")) == 1


def test_posts_past_the_rate_get_429_per_client_address(
    client, smtp, topic, django_capture_on_commit_callbacks, settings
):
    settings.DIGEST_SUBSCRIBE_RATE = "2/h"
    capture = django_capture_on_commit_callbacks
    statuses = [
        subscribe(client, capture, email=f"r{n}@example.org", topics=[topic]).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    limited = subscribe(client, capture, email="r9@example.org", topics=[topic])
    assert 0 < int(limited["Retry-After"]) <= 3600
    assert len(smtp.messages) == 2
    other_client = Client(REMOTE_ADDR="192.0.2.7")
    assert (
        subscribe(other_client, capture, email="o@example.org", topics=[topic]).status_code == 302
    )


def test_a_rejected_form_does_not_show_the_address_back(
    client, smtp, topic, django_capture_on_commit_callbacks
):
    response = subscribe(
        client, django_capture_on_commit_callbacks, email="secret@example.org", topics=[]
    )

    assert response.status_code == 200
    assert b"secret@example.org" not in response.content
    assert not Subscription.objects.exists()
    assert not smtp.messages


def test_the_form_lists_active_topics_only(client, topic):
    TopicFactory(slug="retired", name_en="Retired topic", is_active=False)

    page = client.get("/subscribe/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert b"Language models" in page.content
    assert b"Retired topic" not in page.content


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
def test_an_unknown_token_is_not_found(client, kind):
    assert client.get(f"/subscribe/{kind}/no-such-token/").status_code == 404
    assert client.post(f"/subscribe/{kind}/no-such-token/").status_code == 404


def test_opening_the_unsubscribe_link_changes_nothing_until_the_button(
    client, smtp, topic, django_capture_on_commit_callbacks
):
    subscription = subscribe_confirmed(
        client, django_capture_on_commit_callbacks, smtp, email="a@example.org", topics=[topic]
    )
    path = f"/subscribe/unsubscribe/{subscription.token}/"

    page = client.get(path)

    assert page.status_code == 200
    assert b'method="post"' in page.content
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe(
    client, smtp, topic, django_capture_on_commit_callbacks
):
    subscription = subscribe_confirmed(
        client, django_capture_on_commit_callbacks, smtp, email="a@example.org", topics=[topic]
    )
    client.post(f"/subscribe/unsubscribe/{subscription.token}/")

    client.post(f"/subscribe/confirm/{subscription.token}/")

    assert Subscription.objects.active().count() == 0


def test_a_confirmation_refused_for_now_is_retried(
    client, smtp, topic, django_capture_on_commit_callbacks
):
    smtp.refuse(1)

    response = subscribe(
        client, django_capture_on_commit_callbacks, email="a@example.org", topics=[topic]
    )

    assert response.status_code == 302
    assert len(smtp.to("a@example.org")) == 1


def test_a_confirmation_refused_for_good_is_dropped_with_the_same_answer(
    client, smtp, topic, django_capture_on_commit_callbacks, caplog
):
    smtp.refuse(1, "550 5.1.1 <a@example.org>: no such mailbox")

    response = subscribe(
        client, django_capture_on_commit_callbacks, email="a@example.org", topics=[topic]
    )

    assert (response.status_code, response["Location"]) == (302, "/subscribe/requested/")
    assert not smtp.messages
    assert "550" in caplog.text
    assert "a@example.org" not in caplog.text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_confirmation_mail_labels_the_topics_with_the_languages_colon(
    client, smtp, topic, django_capture_on_commit_callbacks, language
):
    TopicFactory(slug="vision", name_en="Vision", name_zh="视觉")
    subscribe(
        client,
        django_capture_on_commit_callbacks,
        email="a@example.org",
        topics=Topic.objects.all(),
        language=language,
    )

    [mail] = smtp.to("a@example.org")
    for part in (text_of(mail), html_of(mail)):
        if language == "en":
            assert "Topics: Language models, Vision" in part
        else:  # the label and its colon are one string, "专题：" (never "专题: ")
            assert "专题:" not in part
