"""The page cache: hits answered before the middleware, and the version pushed by pub/sub."""

import time

import pytest
from django.core.cache import cache
from django_redis import get_redis_connection

from editorial import services
from public.caching import PUBLIC_CACHE_VERSION_KEY, VersionListener, _listener, _version_channel
from public.caching import public_cache_version_bump as public_cache_invalidate
from tests.factories import TopicFactory
from tests.site_data import listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db

# Headers the middleware below the cache adds: a hit must carry them as the miss did.
INNER_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary")


def _published_topic_day() -> str:
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    page_publish(topic)
    return "/topics/llm/2026-04-27/"


def test_a_hit_carries_the_headers_of_the_miss(client, django_assert_num_queries):
    url = _published_topic_day()
    miss = client.get(url)

    with django_assert_num_queries(0):
        hit = client.get(url)

    assert hit.content == miss.content
    for header in (*INNER_HEADERS, "ETag", "Last-Modified", "Cache-Control", "Content-Length"):
        assert hit[header] == miss[header], header
    assert "Cookie" in hit["Vary"] and "Accept-Language" in hit["Vary"]
    assert hit["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware, outside the cache


def test_each_language_has_its_own_cached_page(client):
    url = _published_topic_day()

    chinese = client.get(url)
    english = client.get(url, headers={"accept-language": "en"})

    assert chinese["Content-Language"] == "zh-hans" and english["Content-Language"] == "en"
    assert "发表机构" in chinese.content.decode() and "Institutions" in english.content.decode()


def test_preview_and_private_pages_are_not_served_from_the_cache(client):
    url = _published_topic_day()
    client.get(url)

    assert client.get(url + "?preview=1").status_code == 302  # to the login, not the cache
    assert client.get("/healthz").json() == {"status": "ok"}


def _until(condition, seconds: float = 10.0) -> bool:
    """Poll a condition the listener thread makes true (no timing is asserted)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_listener_follows_invalidations_made_by_other_processes(settings):
    settings.PUBLIC_CACHE_VERSION_LISTEN = True
    listener = VersionListener()
    public_cache_invalidate()
    listener.get()  # starts it
    assert _until(lambda: listener.get() == cache.get(PUBLIC_CACHE_VERSION_KEY))

    # Another process: it stores a new version and publishes, this listener's epoch untouched.
    cache.set(PUBLIC_CACHE_VERSION_KEY, 42, timeout=None)
    get_redis_connection("default").publish(_version_channel(), b"changed")

    assert _until(lambda: listener.get() == 42)


def test_listener_distrusts_its_copy_after_an_invalidation_here(settings):
    settings.PUBLIC_CACHE_VERSION_LISTEN = True
    listener = VersionListener()
    listener.get()
    assert _until(lambda: listener.get() is not None)

    listener.invalidated()

    assert listener.get() is None  # until it has reread the key after a message


def test_with_the_listener_a_publish_still_shows_at_once(
    client, settings, chief_editor, django_capture_on_commit_callbacks
):
    settings.PUBLIC_CACHE_VERSION_LISTEN = True
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic)
    page = page_draft(topic)
    _listener.get()
    assert _until(lambda: _listener.get() is not None)  # the pushed copy is in use
    assert paper.title not in client.get("/topics/llm/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.daily_page_publish(page=page, user=chief_editor)

    assert paper.title in client.get("/topics/llm/").content.decode()


def test_a_card_drawn_differently_after_a_deploy_is_not_read_from_the_cache(client, monkeypatch):
    """Card HTML is cached under its data and its drawing (template, formula markup, labels):
    a deploy that changes only how cards look must not serve the old HTML."""
    from public.templatetags import paper_cards as cards_tag

    url = _published_topic_day()
    assert "paper-card" in client.get(url).content.decode()
    cache.clear()
    cards_tag._local_cards.clear()
    client.get(url)  # the card's HTML is cached again, the page too
    public_cache_invalidate()
    cards_tag._local_cards.clear()
    drawn = {}
    monkeypatch.setattr(cards_tag, "_drawings", drawn, raising=False)
    monkeypatch.setattr(cards_tag, "CARD_LABELS", {**cards_tag.CARD_LABELS, "details": "REDRAWN"})
    monkeypatch.setattr(cards_tag, "_by_language", {})

    assert "REDRAWN" in client.get(url).content.decode()
    assert drawn  # the new drawing's digest was computed for this language
