"""Sending digests: only published content, once per reader and day, SMTP refusals retried
without a second mail, an interrupted send never repeated."""

import datetime as dt

import pytest

from digests import services
from editorial.services import daily_page_publish, daily_pages_publish_for_date
from tests.digests.helpers import html_of, text_of
from tests.factories import TopicFactory
from tests.site_data import DAY, listed_paper, page_draft
from topics.models import DigestDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(chief_editor, django_capture_on_commit_callbacks):
    def run(day=DAY, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return daily_pages_publish_for_date(announce_date=day, user=chief_editor, **kwargs)

    return run


@pytest.fixture
def planned(reader):
    """A reader's digest row of a day whose page was published without its commit hook (no
    fan-out ran): (subscription, delivery pk)."""
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    page = page_draft(topic)
    subscription = reader(topic)
    daily_page_publish(page=page, user=None)
    [delivery_id] = services.digests_plan(announce_date=DAY)
    return subscription, delivery_id


def _digests(smtp, email="reader@example.org"):
    return [m for m in smtp.to(email) if m["List-Unsubscribe-Post"]]


def test_drafts_and_unaccepted_hits_stay_out_of_the_mail(smtp, reader, publish):
    published, draft = TopicFactory(slug="llm"), TopicFactory(slug="vision")
    listed_paper(published, title="Published paper")
    listed_paper(published, title="Rejected paper", state="rejected")
    listed_paper(draft, title="Draft paper")
    reader(published, draft)

    publish(topic=published)

    [digest] = _digests(smtp)
    for part in (text_of(digest), html_of(digest)):
        assert "Published paper" in part
        assert "Rejected paper" not in part
        assert "Draft paper" not in part


def test_a_reader_whose_topics_have_nothing_published_gets_no_mail(smtp, reader, publish):
    followed, other = TopicFactory(slug="llm"), TopicFactory(slug="vision")
    page_draft(followed)
    listed_paper(followed)
    listed_paper(other)
    reader(followed)

    publish(topic=other)

    assert not _digests(smtp)
    assert not DigestDelivery.objects.exists()


def test_one_digest_per_day_however_many_pages_and_fan_outs(
    smtp, reader, publish, chief_editor, django_capture_on_commit_callbacks
):
    first, second = TopicFactory(slug="llm"), TopicFactory(slug="vision")
    listed_paper(first, title="First topic's paper")
    listed_paper(second, title="Late topic's paper")
    reader(first, second)

    publish(topic=first)
    publish(topic=second)  # published after the reader's digest went: not mailed again
    services.digests_plan(announce_date=DAY)

    [digest] = _digests(smtp)
    assert "First topic's paper" in text_of(digest)
    assert DigestDelivery.objects.get().state == "sent"


def test_a_temporary_refusal_is_retried_and_sent_once(smtp, reader, publish):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    reader(topic)
    smtp.refuse(2)  # 451 twice, then accepted

    publish()

    assert len(_digests(smtp)) == 1
    delivery = DigestDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("sent", 3)


def test_a_permanent_refusal_fails_without_retrying_nor_storing_the_address(smtp, reader, publish):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    reader(topic)
    smtp.refuse(1, "550 5.1.1 <reader@example.org>: no such mailbox")

    publish()

    assert not _digests(smtp)
    delivery = DigestDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert "550" in delivery.error
    assert "reader@example.org" not in delivery.error  # a refusal often quotes it


def test_retries_used_up_leave_the_digest_failed(smtp, reader, publish, settings):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    reader(topic)
    smtp.refuse(50)

    publish()

    assert not _digests(smtp)
    delivery = DigestDelivery.objects.get()
    assert delivery.state == "failed"
    assert delivery.attempts == settings.DIGEST_SEND_MAX_RETRIES + 1


def test_an_unreachable_server_sends_nothing_and_is_retried(smtp, reader, publish, settings):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    reader(topic)
    settings.EMAIL_PORT = 9  # discard: nothing listens on loopback

    publish()

    delivery = DigestDelivery.objects.get()
    assert delivery.state == "failed"
    assert delivery.attempts == settings.DIGEST_SEND_MAX_RETRIES + 1
    settings.EMAIL_PORT = smtp.port
    assert not _digests(smtp)


def test_an_interrupted_send_is_never_repeated(smtp, planned):
    subscription, delivery_id = planned
    # A worker claimed it and died before recording the outcome.
    DigestDelivery.objects.filter(pk=delivery_id).update(state="sending", attempts=1)

    outcome = services.digest_delivery_send(delivery_id=delivery_id)

    assert outcome == "sending"
    assert not _digests(smtp, subscription.email)


def test_a_reader_who_unsubscribed_after_the_fan_out_is_skipped(client, smtp, planned):
    subscription, delivery_id = planned
    client.post(f"/subscribe/unsubscribe/{subscription.token}/")

    assert services.digest_delivery_send(delivery_id=delivery_id) == "skipped"
    assert not _digests(smtp)


def test_untrusted_text_is_escaped_in_the_html_part(smtp, reader, publish):
    topic = TopicFactory(slug="llm")
    listed_paper(topic, title='<img src=x onerror="alert(1)"> & <b>bold</b>')
    reader(topic)

    publish()

    [digest] = _digests(smtp)
    html = html_of(digest)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert '<img src=x onerror="alert(1)"> & <b>bold</b>' in text_of(digest)


def test_readers_get_one_mail_each_in_their_language(smtp, reader, publish):
    topic = TopicFactory(slug="llm", name_zh="大模型", name_en="Language models")
    listed_paper(topic, title="English title", title_zh_machine="中文标题")
    reader(topic, email="en@example.org", language="en")
    reader(topic, email="zh@example.org", language="zh-hans")

    publish()

    [english] = _digests(smtp, "en@example.org")
    [chinese] = _digests(smtp, "zh@example.org")
    assert "English title" in text_of(english) and "中文标题" not in text_of(english)
    assert "中文标题" in text_of(chinese) and "大模型" in text_of(chinese)
    assert english["To"] == "en@example.org" and chinese["To"] == "zh@example.org"


def test_a_send_whose_answer_never_came_is_not_retried(smtp, reader, publish):
    """The server took the message and hung up before answering: whether it was delivered
    is unknown to the sender, so it is not sent again (at most once)."""
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    reader(topic)
    smtp.drop(1)

    publish()

    assert len(_digests(smtp)) == 1
    delivery = DigestDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("sending", 1)
    assert "SMTPServerDisconnected" in delivery.error


def test_the_sweep_makes_up_a_lost_fan_out_once(smtp, reader, settings):
    from digests.tasks import digests_sweep
    from tests.site_data import page_publish

    settings.DIGEST_DELAY_MINUTES = 30
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    subscription = reader(topic)
    page = page_publish(topic)  # published without the signal: its fan-out is lost
    page.published_at -= dt.timedelta(minutes=31)
    page.save(update_fields=["published_at"])

    digests_sweep.delay()
    digests_sweep.delay()

    assert len(_digests(smtp, subscription.email)) == 1


def test_the_sweep_leaves_days_younger_than_the_delay(smtp, reader, settings):
    from digests.tasks import digests_sweep
    from tests.site_data import page_publish

    settings.DIGEST_DELAY_MINUTES = 30
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    subscription = reader(topic)
    page_publish(topic)

    digests_sweep.delay()

    assert not _digests(smtp, subscription.email)


def test_a_send_queued_twice_is_sent_once(smtp, planned):
    from digests.tasks import digest_send

    subscription, delivery_id = planned

    outcomes = [digest_send.delay(delivery_id).get() for _ in range(2)]

    assert outcomes == ["sent", "sent"]
    assert len(_digests(smtp, subscription.email)) == 1
    assert DigestDelivery.objects.get().attempts == 1


def test_sending_is_paced_by_the_setting(settings):
    from digests.tasks import digest_send

    assert digest_send.rate_limit == settings.DIGEST_SEND_RATE


def test_a_topic_with_more_papers_than_the_cap_links_to_the_rest(smtp, reader, publish, settings):
    settings.DIGEST_PAPERS_PER_TOPIC = 3
    topic = TopicFactory(slug="llm", name_en="Language models")
    papers = [listed_paper(topic, title=f"Paper {n}", confidence=0.9 - n / 100) for n in range(5)]
    reader(topic)

    publish()

    [digest] = _digests(smtp)
    assert "5 papers" in digest["Subject"]
    more = f"https://arxdaily.example.org/topics/llm/{DAY}/"
    for part in (text_of(digest), html_of(digest)):
        assert [p.title in part for p in papers] == [True, True, True, False, False]
        assert "Language models (5)" in part or ">Language models</a> (5)" in part
        assert "2 more on the topic page →" in part
        assert more in part


def test_a_big_chinese_digest_stays_under_gmails_clipping_with_unsubscribe_at_both_ends(
    smtp, reader, publish
):
    topics = [TopicFactory(slug=f"t{n}", name_zh=f"专题{n}", position=n) for n in range(3)]
    for topic in topics:
        for n in range(200):
            listed_paper(
                topic,
                title=f"{topic.slug} paper {n}: " + "a long title about language models " * 4,
                title_zh_machine="关于大语言模型的长标题" * 8,
                summary_zh_machine="这篇论文研究了大语言模型在各种任务上的表现和局限。" * 8,
                summary_en="This paper studies large language models on many tasks. " * 8,
            )
    subscription = reader(*topics, language="zh-hans")

    publish()

    [digest] = _digests(smtp)
    unsubscribe = f"https://arxdaily.example.org/subscribe/unsubscribe/{subscription.token}/"
    for part in (text_of(digest), html_of(digest)):
        assert len(part.encode()) < 100_000
        assert part.count(unsubscribe) == 2
        assert part.index(unsubscribe) < part.index("专题0") < part.rindex(unsubscribe)
        assert part.count("关于大语言模型的长标题" * 8) == 3 * 15
        assert "专题0 (200)" in part or "专题0</a> (200)" in part


@pytest.mark.parametrize("count, subject_end", [(1, ": 1 paper"), (2, ": 2 papers")])
def test_the_subject_counts_papers_in_the_singular_or_plural(
    smtp, reader, publish, count, subject_end
):
    topic = TopicFactory(slug="llm")
    for n in range(count):
        listed_paper(topic, title=f"Paper {n}")
    reader(topic)

    publish()

    [digest] = _digests(smtp)
    assert digest["Subject"] == f"arxdaily digest of {DAY}{subject_end}"
