"""The e-mail flow end to end over real SMTP on loopback: subscribe → confirmation mail →
confirm → publish a day → one digest with the right papers and headers → one-click
unsubscribe (POST to the List-Unsubscribe URL) → no further mail."""

import datetime as dt

import pytest
from django.test import Client

from digests.messages import site_link
from editorial.services import daily_pages_publish_for_date
from tests.digests.helpers import (
    html_of,
    mailed_path,
    subscribe,
    text_of,
    unsubscribe_path,
)
from tests.factories import TopicFactory
from tests.site_data import DAY, listed_paper
from topics.models import DigestDelivery, Subscription

pytestmark = pytest.mark.django_db

NEXT_DAY = DAY + dt.timedelta(days=1)


def _publish(day, user, capture):
    with capture(execute=True):
        return daily_pages_publish_for_date(announce_date=day, user=user)


def test_subscribe_confirm_digest_unsubscribe(
    client, smtp, chief_editor, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    llm = TopicFactory(slug="llm", name_en="Language models", position=1)
    vision = TopicFactory(slug="vision", name_en="Vision", position=2)
    unfollowed = TopicFactory(slug="robots", name_en="Robots")
    llm_papers = [listed_paper(llm, title=f"Distilling language models {n}") for n in (1, 2)]
    vision_paper = listed_paper(vision, title="Seeing in the dark")
    shared = listed_paper(llm, title="Multimodal models that read and see")
    listed_paper(unfollowed, title="Robot hands")
    listed_paper(llm, title="A suggestion nobody accepted", state="suggested")

    # 1. Subscribe: the same "check your inbox" answer, one confirmation mail, no digest yet.
    response = subscribe(client, capture, email="Reader@Example.org", topics=[llm, vision])
    assert response.status_code == 302
    assert response["Location"] == "/subscribe/requested/"
    [confirmation] = smtp.to("reader@example.org")
    assert "Confirm" in confirmation["Subject"]
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None

    # 2. The link: a GET (a mail scanner) changes nothing; the button's POST confirms.
    path = mailed_path(confirmation, "confirm")
    assert client.get(path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert client.post(path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None

    # 3. A day is published: exactly one digest, grouped by topic, only accepted papers of
    #    the reader's topics.
    _publish(DAY, chief_editor, capture)
    mails = smtp.to("reader@example.org")
    assert len(mails) == 2
    digest = mails[1]
    assert digest["To"] == "reader@example.org"
    assert digest["From"] == "arxdaily <digest@arxdaily.example.org>"
    assert DAY.isoformat() in digest["Subject"]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest["List-Unsubscribe"].strip() == (
        f"<{site_link(f'/subscribe/unsubscribe/{subscription.token}/')}>"
    )
    delivery = DigestDelivery.objects.get()
    assert (delivery.state, delivery.announce_date) == ("sent", DAY)
    assert digest["Message-ID"] == delivery.message_id
    text, html = text_of(digest), html_of(digest)
    for part in (text, html):
        for paper in [*llm_papers, shared, vision_paper]:
            assert paper.title in part
        for missing in ("Robot hands", "A suggestion nobody accepted", "大语言模型研究"):
            assert missing not in part
        assert part.index("Language models") < part.index("Distilling language models 1")
        assert part.index("Distilling language models 1") < part.index("Vision")
        assert part.index("Vision") < part.index("Seeing in the dark")
    assert site_link(f"/papers/{vision_paper.arxiv_id}/") in text
    assert f'href="{site_link(f"/papers/{vision_paper.arxiv_id}/")}"' in html

    # 4. One click: the mail client posts the header's form, without any CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(digest),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None

    # 5. The next day is published: nothing more arrives.
    listed_paper(llm, day=NEXT_DAY, title="Tomorrow's paper")
    _publish(NEXT_DAY, chief_editor, capture)
    assert len(smtp.to("reader@example.org")) == 2
    assert DigestDelivery.objects.count() == 1


def test_chinese_digest_shows_the_reviewed_chinese_text(
    client, smtp, chief_editor, django_capture_on_commit_callbacks
):
    from tests.digests.helpers import subscribe_confirmed

    llm = TopicFactory(slug="llm", name_zh="大模型", name_en="Language models")
    listed_paper(llm, title="Reviewed", title_zh_machine="已审阅的标题")
    listed_paper(llm, title="Unreviewed", title_zh_machine="未审阅的标题", reviewed=False)
    subscribe_confirmed(
        client,
        django_capture_on_commit_callbacks,
        smtp,
        email="zh@example.org",
        topics=[llm],
        language="zh-hans",
    )

    _publish(DAY, chief_editor, django_capture_on_commit_callbacks)

    digest = smtp.to("zh@example.org")[-1]
    for part in (text_of(digest), html_of(digest)):
        assert "大模型" in part
        assert "已审阅的标题" in part
        assert "未审阅的标题" not in part  # machine text nobody checked stays unpublished
        assert "Unreviewed (尚未翻译 / not yet translated)" in text_of(digest)
        assert "Unreviewed" in part  # its English instead, marked
    assert 'lang="zh-Hans">已审阅的标题' in html_of(digest)
