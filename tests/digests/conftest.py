import pytest

from arxdaily.celery import app
from tests.fakes.smtp_server import FakeSMTP


@pytest.fixture
def smtp(settings):
    """A loopback SMTP server (tests/fakes/smtp_server.py); Django's SMTP backend points at
    it, digests are not paced or delayed, retries do not wait."""
    server = FakeSMTP().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "arxdaily <digest@arxdaily.example.org>"
    settings.SITE_URL = "https://arxdaily.example.org"
    settings.DIGEST_DELAY_MINUTES = 0
    settings.DIGEST_RETRY_SECONDS = 0
    # Eager tasks that propagate errors cannot retry: Task.retry() raises Retry out of
    # apply(). Without propagation apply() runs the retry at once, as a worker would later.
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    yield server
    app.conf.task_eager_propagates = propagates
    server.stop()
