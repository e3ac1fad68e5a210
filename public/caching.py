"""Whole-page cache for public pages in Redis, invalidated by bumping one version key.

Any change readers can see (publishing, an edit to a published paper, a new alias, the
taxonomy) is announced by the write services with the domain event
`papers.signals.public_content_changed`, after commit; public/apps.py connects it to
`public_cache_version_bump()`, which stores a new version: every cached page becomes
unreachable at once, and the version's timestamp is the pages' Last-Modified. Writes to drafts
send no event, so the cache survives the day's ingest, enrichment and review.

Views opt in with `@public_page`; `PublicPageCacheMiddleware` (right after WhiteNoise) stores
their responses with the headers the rest of the middleware added (CSP, X-Frame-Options,
Content-Language, Vary, ...) and answers later requests from the cache before that middleware
runs again: a cached page then costs about what WhiteNoise pays for a static file.

Even the small Redis read of the version key per hit is saved where settings allow
(PUBLIC_CACHE_VERSION_LISTEN): each process keeps the version in memory, and Redis pub/sub
tells it of every invalidation (see VersionListener for why a publish still shows at once).
"""

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

PUBLIC_CACHE_VERSION_KEY = "public-pages:version"
PAGE_TIMEOUT = 24 * 60 * 60
CACHED_STATUSES = (200, 404)
# Each worker also keeps its most recent pages in memory: a topic day of 200 papers is ~0.7 MB,
# and fetching that from Redis on every hit costs more than serving it. Keys carry the version,
# so a publish makes these unreachable too.
LOCAL_PAGES_MAX = 32
_local_pages: OrderedDict[str, dict] = OrderedDict()
_local_lock = threading.Lock()


logger = logging.getLogger(__name__)


def _version_read() -> int:
    """Microseconds since the epoch at the last invalidation (set now if Redis lost it)."""
    version = cache.get(PUBLIC_CACHE_VERSION_KEY)
    if version is None:
        cache.add(PUBLIC_CACHE_VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(PUBLIC_CACHE_VERSION_KEY)
    return version


class VersionListener:
    """This process's copy of the version key, kept current by Redis pub/sub.

    Trade-off: a worker learns of a publish made elsewhere when the message arrives (well
    under a millisecond on one host) instead of on its next request; the process that
    invalidates never serves the old version. The copy is trusted only while the listener
    has heard from Redis (message or pong) within TRUST_SECONDS and no invalidation in this
    process is still unconfirmed; otherwise every request reads Redis as if there were no
    listener. A message only says "changed": the listener then reads the key itself, so
    messages arriving out of order cannot leave an old version behind.
    """

    TRUST_SECONDS = 2.0
    PING_SECONDS = 0.5

    def __init__(self):
        self.version: int | None = None
        self.heard_at = 0.0
        self.epoch = 0  # bumped by local invalidations
        self.read_epoch = -1  # the epoch when `version` was read
        self.pid: int | None = None
        self.lock = threading.Lock()

    def get(self) -> int | None:
        """The version if it can be trusted now, else None (starts the listener if needed)."""
        if self.pid != os.getpid():
            self._start()
        fresh = time.monotonic() - self.heard_at < self.TRUST_SECONDS
        return self.version if fresh and self.read_epoch == self.epoch else None

    def invalidated(self) -> None:
        """This process changed the version: distrust the copy until the listener rereads it."""
        self.epoch += 1

    def _start(self) -> None:
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid, self.heard_at = os.getpid(), 0.0  # after a fork: a new thread, no trust
            threading.Thread(target=self._run, name="public-cache-version", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                self._listen()
            except Exception:
                logger.warning("public cache version listener lost Redis", exc_info=True)
            self.heard_at = 0.0
            time.sleep(1)

    def _reread(self) -> None:
        epoch = self.epoch
        self.version = _version_read()
        self.read_epoch = epoch
        self.heard_at = time.monotonic()

    def _heard(self) -> None:
        self.heard_at = time.monotonic()

    def _listen(self) -> None:
        from django_redis import get_redis_connection

        pubsub = get_redis_connection("default").pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(_version_channel())
            self._reread()  # only once subscribed: no invalidation can fall in between
            pinged = time.monotonic()
            while True:
                message = pubsub.get_message(timeout=self.PING_SECONDS)
                if message and message["type"] == "message":
                    self._reread()
                elif message and message["type"] == "pong":
                    self._heard()
                if time.monotonic() - pinged >= self.PING_SECONDS:
                    pubsub.ping()
                    pinged = time.monotonic()
        finally:
            pubsub.close()


_listener = VersionListener()


def _version_channel() -> str:
    return cache.make_key(PUBLIC_CACHE_VERSION_KEY)


def public_cache_version_get() -> int:
    """The current version: this process's pushed copy when trusted, else read from Redis."""
    if settings.PUBLIC_CACHE_VERSION_LISTEN:
        version = _listener.get()
        if version is not None:
            return version
    return _version_read()


def public_cache_version_bump() -> None:
    """Store a new version and tell every process listening (on public_content_changed)."""
    cache.set(PUBLIC_CACHE_VERSION_KEY, time.time_ns() // 1000, timeout=None)
    _listener.invalidated()
    if settings.PUBLIC_CACHE_VERSION_LISTEN:
        from django_redis import get_redis_connection

        get_redis_connection("default").publish(_version_channel(), b"changed")


def _page_key(path: str, language: str, version: int) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()
    # "v2": entries hold headers since the middleware serves them; older ones are not read.
    return f"public-page:v2:{version}:{language}:{digest}"


def _entry_get(key: str) -> dict | None:
    with _local_lock:
        entry = _local_pages.get(key)
        if entry is not None:
            _local_pages.move_to_end(key)
            return entry
    entry = cache.get(key)
    if entry is not None:
        _entry_remember(key, entry)
    return entry


def _entry_remember(key: str, entry: dict) -> None:
    with _local_lock:
        _local_pages[key] = entry
        while len(_local_pages) > LOCAL_PAGES_MAX:
            _local_pages.popitem(last=False)


def public_page(view):
    """Let PublicPageCacheMiddleware cache this view's GET responses, with ETag and
    Last-Modified.

    Previews and other private responses (those setting Cache-Control) are never stored.
    Pages carry nothing per reader: the language switcher's CSRF token is filled in by
    static/js/site.js (see there), so one cached page serves everyone, without cookies.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = not response.has_header("Cache-Control")
        return response

    wrapper.public_page = True
    return wrapper


def _entry_build(response, version: int) -> dict | None:
    """What a later hit needs: body, status and headers (never cookies); None if not kept."""
    if (
        not getattr(response, "public_page", False)
        or response.status_code not in CACHED_STATUSES
        or response.streaming
    ):
        return None
    if hasattr(response, "render"):
        response.render()
    # sha256 rather than md5: three times faster here (CPU instructions) on a 0.7 MB page.
    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["Last-Modified"] = http_date(version // 1_000_000)
    response["Content-Length"] = str(len(response.content))
    # Browsers revalidate every time (cheap: a 304), so a publish shows at once.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    # The language may come from the cookie set by the switcher.
    patch_vary_headers(response, ("Cookie",))
    return {
        "status": response.status_code,
        "content": response.content,
        "headers": dict(response.items()),
        "last_modified": version // 1_000_000,
    }


def _entry_response(request, entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
    if entry["status"] != 200:
        return response
    return get_conditional_response(
        request,
        etag=entry["headers"]["ETag"],
        last_modified=entry["last_modified"],
        response=response,
    )


class PublicPageCacheMiddleware:
    """Serve `@public_page` views from the page cache before the middleware below it runs.

    The key is the version, the language LocaleMiddleware would pick (cookie, then
    Accept-Language) and the full path. What a view answers with is stored as the inner
    middleware left it, so a hit carries the same headers a miss did.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or "preview" in request.GET:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if not getattr(match.func, "public_page", False):
            return self.get_response(request)
        version = public_cache_version_get()
        path = request.get_full_path()
        language = translation.get_language_from_request(request)
        entry = _entry_get(_page_key(path, language, version))
        if entry is None:
            response = self.get_response(request)
            entry = _entry_build(response, version)
            if entry is None:
                return response
            key = _page_key(path, getattr(request, "LANGUAGE_CODE", language), version)
            cache.set(key, entry, PAGE_TIMEOUT)
            _entry_remember(key, entry)
            served = _entry_response(request, entry)
            served.cookies = response.cookies  # for this reader only, never stored
            return served
        return _entry_response(request, entry)
