import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_cache():
    """Each test starts with an empty Redis cache (test settings use their own DB number)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chief_editor(db):
    from tests.factories import UserFactory

    return UserFactory(username="chief", is_staff=True, is_superuser=True)
