"""Whole-page cache for public pages in Redis, invalidated by bumping one version key.

Any change to public content (publishing, an edit, a new hit) calls
`papers.services.public_cache_invalidate()`, which stores a new version: every cached page
becomes unreachable at once, and the version's timestamp is the pages' Last-Modified.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

PUBLIC_CACHE_VERSION_KEY = "public-pages:version"
PAGE_TIMEOUT = 24 * 60 * 60
CACHED_STATUSES = (200, 404)
# Each worker also keeps its most recent pages in memory: a topic day of 200 papers is ~0.7 MB,
# and fetching that from Redis on every hit costs more than serving it. Keys carry the version,
# so a publish makes these unreachable too; only the small version key is read from Redis.
LOCAL_PAGES_MAX = 32
_local_pages: OrderedDict[str, dict] = OrderedDict()
_local_lock = threading.Lock()


def public_cache_version_get() -> int:
    """Microseconds since the epoch at the last invalidation (set now if Redis lost it)."""
    version = cache.get(PUBLIC_CACHE_VERSION_KEY)
    if version is None:
        cache.add(PUBLIC_CACHE_VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(PUBLIC_CACHE_VERSION_KEY)
    return version


def _page_key(request, version: int) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"public-page:{version}:{request.LANGUAGE_CODE}:{path}"


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
    """Serve a public GET view from the page cache, with ETag and Last-Modified.

    Previews and other private responses (those setting Cache-Control) are never stored.
    Pages carry nothing per reader: the language switcher's CSRF token is filled in by
    static/js/site.js (see there), so one cached page serves everyone, without cookies.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or "preview" in request.GET:
            return view(request, *args, **kwargs)
        version = public_cache_version_get()
        key = _page_key(request, version)
        entry = _entry_get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code not in CACHED_STATUSES or response.has_header("Cache-Control"):
                return response
            if hasattr(response, "render"):
                response.render()
            entry = {
                "status": response.status_code,
                "content": response.content,
                "content_type": response["Content-Type"],
                "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
            }
            cache.set(key, entry, PAGE_TIMEOUT)
            _entry_remember(key, entry)
        last_modified = version // 1_000_000
        response = HttpResponse(
            entry["content"], status=entry["status"], content_type=entry["content_type"]
        )
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(last_modified)
        # Browsers revalidate every time (cheap: a 304), so a publish shows at once.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        # The language may come from the cookie set by the switcher.
        patch_vary_headers(response, ("Cookie",))
        if entry["status"] != 200:
            return response
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=last_modified, response=response
        )

    return wrapper
