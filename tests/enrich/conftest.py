import pytest

from tests.fakes.llm_server import FakeLLM


@pytest.fixture
def fake_llm(settings):
    """A running fake LLM, with settings pointing the openai backend at it."""
    server = FakeLLM().start()
    settings.LLM_BACKEND = "openai"
    settings.LLM_BASE_URL = server.base_url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_MODEL = "gpt-4o-mini"
    settings.LLM_TIMEOUT = 5.0
    settings.LLM_MAX_RETRIES = 2
    yield server
    server.stop()


@pytest.fixture
def llm_taxonomy(db):
    """Topic `llm` with a subtopic `reasoning`, as in the shipped taxonomy."""
    from tests.factories import SubtopicFactory, TopicFactory

    topic = TopicFactory(slug="llm", include_keywords=["language model", "llm"])
    SubtopicFactory(topic=topic, slug="reasoning", keywords=["reasoning", "chain-of-thought"])
    return topic
