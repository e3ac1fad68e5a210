"""Fixtures the e-mail tests share."""

import pytest

from tests.digests.helpers import subscribe_confirmed


@pytest.fixture
def reader(client, smtp, django_capture_on_commit_callbacks):
    """Subscribe `email` to `topics`, confirmed; the Subscription."""

    def make(*topics, email="reader@example.org", language="en"):
        return subscribe_confirmed(
            client,
            django_capture_on_commit_callbacks,
            smtp,
            email=email,
            topics=topics,
            language=language,
        )

    return make
