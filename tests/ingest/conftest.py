import pytest

from tests.fakes.arxiv_server import FakeArxiv


@pytest.fixture
def fake_arxiv(settings):
    """A loopback arXiv for one test; the settings point every arXiv URL at it."""
    server = FakeArxiv().start()
    settings.ARXIV_RSS_URL = server.rss_url
    settings.ARXIV_API_URL = server.api_url
    settings.ARXIV_RETRY_BACKOFF = 0.01
    settings.ARXIV_HTTP_TIMEOUT = 5.0
    yield server
    server.stop()
