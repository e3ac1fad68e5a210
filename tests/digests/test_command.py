"""manage.py digests_send: the fan-out of a published day on demand (how `make run` mails a
digest), never a second mail to a reader."""

import io

import pytest
from django.core.management import call_command

from editorial.services import daily_page_publish
from tests.factories import TopicFactory
from tests.site_data import DAY, listed_paper, page_draft

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("digests_send", *args, stdout=out)
    return out.getvalue()


def test_digests_send_mails_each_reader_of_a_published_day_once(smtp, reader):
    topic = TopicFactory(slug="llm")
    listed_paper(topic, title="Distilling language models")
    page = page_draft(topic)
    reader(topic)
    daily_page_publish(page=page, user=None)  # no commit hook: no fan-out ran

    first = _run(DAY.isoformat())
    again = _run(DAY.isoformat())

    digests = [m for m in smtp.to("reader@example.org") if m["List-Unsubscribe-Post"]]
    assert len(digests) == 1
    assert f"{DAY}: queued 1 digest(s)" in first
    assert f"{DAY}: digests by state: sent 1" in first
    assert f"{DAY}: queued 0 digest(s)" in again


def test_digests_send_of_an_unpublished_day_sends_nothing(smtp, reader):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    reader(topic)

    output = _run(DAY.isoformat())

    assert f"{DAY}: queued 0 digest(s)" in output
    assert "digests by state: none" in output
    assert not [m for m in smtp.messages if m["List-Unsubscribe-Post"]]
