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
    """A staff member in the "Chief editor" group (not a superuser): the role is what counts."""
    from tests.factories import StaffFactory

    return StaffFactory(username="chief", groups=["Chief editor"])


@pytest.fixture
def editor(db):
    from tests.factories import StaffFactory

    return StaffFactory(username="editor", groups=["Editor"])
