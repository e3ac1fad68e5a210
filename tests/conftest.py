import pytest
from django.core.cache import cache
from django.utils.translation import trans_real

from arxdaily.celery import app
from enrichment.backends.openai_backend import accepted_formats
from tests.fakes.arxiv_server import FakeArxiv
from tests.fakes.llm_server import FakeLLM
from tests.fakes.smtp_server import FakeSMTP
from tests.redis_keys import run_keys_delete


@pytest.fixture(scope="session", autouse=True)
def _run_keys():
    """The run starts without keys of a dead earlier run of the same id, and leaves none."""
    run_keys_delete()
    yield
    run_keys_delete()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts without this run's cache keys (page cache, rate limits, locks).

    Only the keys under the test KEY_PREFIX go (django-redis puts prefix and version in front
    of the pattern). Never `cache.clear()`: it flushes the whole Redis database, which other
    test runs on this machine, and the Celery broker on the same REDIS_URL, are using.
    """
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


@pytest.fixture
def zh_translated():
    """Marks msgids as translated into Chinese for one test, whatever the .po holds yet:
    `zh_translated("Comments")` makes it "〔Comments〕" on Chinese pages. A test then sees
    whether a string goes through translation, not which words the .po has."""
    catalog = trans_real.translation("zh-hans")._catalog
    added = []

    def translate(*msgids: str) -> dict[str, str]:
        for msgid in msgids:
            added.append((msgid, catalog.get(msgid)))
            catalog[msgid] = f"〔{msgid}〕"
        return {msgid: f"〔{msgid}〕" for msgid in msgids}

    yield translate
    for msgid, before in reversed(added):
        if before is None:
            del catalog._catalogs[0][msgid]
        else:
            catalog[msgid] = before


@pytest.fixture
def chief_editor(db):
    """A staff member in the "Chief editor" group (not a superuser): the role is what counts."""
    from tests.factories import StaffFactory

    return StaffFactory(username="chief", groups=["Chief editor"])


@pytest.fixture
def editor(db):
    from tests.factories import StaffFactory

    return StaffFactory(username="editor", groups=["Editor"])


@pytest.fixture
def fake_arxiv(settings):
    """A loopback arXiv for one test; the settings point every arXiv URL at it."""
    server = FakeArxiv().start()
    settings.ARXIV_RSS_URL = server.rss_url
    settings.ARXIV_API_URL = server.api_url
    settings.ARXIV_HTML_URL = server.html_url
    settings.ARXIV_PDF_URL = server.pdf_url
    settings.ARXIV_RETRY_BACKOFF = 0.01
    settings.ARXIV_HTTP_TIMEOUT = 5.0
    yield server
    server.stop()


@pytest.fixture
def fake_llm(settings):
    """A running fake LLM, with settings pointing the openai backend at it (as a local
    server: structured output json_schema), quick backoff, no pauses or remembered
    structured-output refusals left from other tests."""
    server = FakeLLM().start()
    settings.LLM_BACKEND = "openai"
    settings.LLM_BASE_URL = server.base_url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_MODEL = "gpt-4o-mini"
    settings.LLM_TIMEOUT = 5.0
    settings.LLM_MAX_RETRIES = 2
    settings.LLM_RETRY_BACKOFF = 0.01
    accepted_formats.clear()
    run_keys_delete("llm-pause:*")
    yield server
    server.stop()
    accepted_formats.clear()
    run_keys_delete("llm-pause:*")


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
