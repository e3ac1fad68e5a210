"""Writes: every change to papers, hits and pages goes through a function here."""

import time

from django.core.cache import cache

from papers.caching import PUBLIC_CACHE_VERSION_KEY


# --- site (issue 7): public page cache ---------------------------------------------------------
def public_cache_invalidate() -> None:
    """Make every cached public page stale at once (called on publish and on any edit).

    Model signals (papers.signals) call it for saves and deletes; code that changes public
    content with QuerySet.update() or bulk_create() must call it itself.
    """
    cache.set(PUBLIC_CACHE_VERSION_KEY, time.time_ns() // 1000, timeout=None)
