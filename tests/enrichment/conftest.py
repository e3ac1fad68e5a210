import pytest


@pytest.fixture
def llm_taxonomy(db):
    """Topic `llm` with a subtopic `reasoning`, as in the shipped taxonomy."""
    from tests.factories import SubtopicFactory, TopicFactory

    topic = TopicFactory(slug="llm", include_keywords=["language model", "llm"])
    SubtopicFactory(topic=topic, slug="reasoning", keywords=["reasoning", "chain-of-thought"])
    return topic
