"""A real Celery worker is SIGKILLed in the middle of a day's digests, while the SMTP server
holds a message it has received but not yet answered, then restarted: the broker hands the
killed send to the new worker, which must not send it again. Duplicate digests: 0."""

from collections import Counter

import pytest
from django.utils import timezone

from tests.factories import TopicFactory
from tests.reliability.worker import Worker, app_env, task_send, wait_until
from tests.site_data import DAY, listed_paper, page_publish
from topics.models import DigestDelivery, Subscription

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),  # to the broker
]

AREA = "Worker killed"
READERS = 6


def _sends_finished(log) -> int:
    """digest_send tasks the worker's log says finished, over all its lives."""
    return sum(
        "papers.digest_send[" in line and "succeeded" in line
        for line in log.read_text().splitlines()
    )


@pytest.fixture
def mail_worker(smtp, tmp_path):
    """A real worker (tests/reliability/worker.py) sending through the loopback SMTP server,
    without pacing; its log file's path."""
    from tests.redis_keys import run_keys_delete

    run_keys_delete()  # no task, lock or cache entry of an earlier test
    env = app_env() | {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "60",
        "ARXDAILY_SITE_URL": "https://arxdaily.example.org",
        "DIGEST_SEND_RATE": "",
        "DIGEST_RETRY_SECONDS": "1",
    }
    path = tmp_path / "worker.log"
    with path.open("w") as log:
        worker = Worker(env, log)
        worker.start()
        yield worker, path
        worker.stop()


def test_a_worker_killed_mid_batch_sends_no_digest_twice(mail_worker, smtp, figure):
    worker, log = mail_worker
    topic = TopicFactory(slug="llm")
    listed_paper(topic, title="The day's paper")
    page_publish(topic)
    readers = [f"reader{n}@example.org" for n in range(READERS)]
    for email in readers:
        Subscription.objects.create(
            email=email, language="en", confirmed_at=timezone.now()
        ).topics.set([topic])
    holding = smtp.hold(after=2)  # the third digest: received, not yet answered

    task_send("papers.digests_fanout", DAY.isoformat())
    assert holding.wait(timeout=60), "the batch never reached its third mail"
    worker.kill()
    smtp.release()  # the server keeps it: delivered, though the dead worker never heard

    assert DigestDelivery.objects.filter(state="sent").count() == 2
    interrupted = DigestDelivery.objects.get(state="sending")
    worker.start()
    # Two sends finished before the kill; the three left, and the killed one handed out again.
    wait_until(
        lambda: _sends_finished(log) == READERS,
        seconds=90,
        what="the rest of the batch and the killed send, redelivered",
    )

    per_address = Counter(rcpt for item in smtp.received for rcpt in item.rcpt)
    duplicates = sum(count - 1 for count in per_address.values())
    figure(area=AREA, measure="duplicate e-mail digests (killed mid-batch)", measured=duplicates)
    assert duplicates == 0
    assert sorted(per_address) == readers
    interrupted.refresh_from_db()
    assert (interrupted.state, interrupted.attempts) == ("sending", 1)
    assert DigestDelivery.objects.filter(state="sent").count() == READERS - 1
    assert "'sending'" in log.read_text()  # the redelivered send found its row claimed
    assert all(
        "The day's paper" in item.message.get_body(("plain",)).get_content()
        for item in smtp.received
    )
