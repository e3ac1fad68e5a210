"""Fixed-window request counts per client in the shared cache (Redis): the JSON API's
anonymous limit and the subscribe form's."""

import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_parse(rate: str, *, setting: str = "API_ANON_RATE") -> tuple[int, int]:
    """'120/m' → (120, 60): requests allowed per period in seconds. ImproperlyConfigured,
    naming `setting`, for anything else."""
    count, _, period = rate.partition("/")
    try:
        return int(count), RATE_PERIODS[period.strip()[:1].lower()]
    except (KeyError, ValueError):
        raise ImproperlyConfigured(f"{setting} {rate!r} is not like 120/m (s, m, h, d)") from None


def client_ident(request: HttpRequest) -> str | None:
    """The client's IP: REMOTE_ADDR, or the X-Forwarded-For entry NINJA_NUM_PROXIES
    (API_NUM_PROXIES) proxies in front of the app point at."""
    return BaseThrottle().get_ident(request)


def rate_window_count(*, scope: str, ident: str | None, limit: int, period: int) -> float | None:
    """Count one request of `ident` in `scope`'s current window of `period` seconds.

    One atomic INCR, so every worker process and host sees the same count. Returns None while
    the window holds at most `limit` requests, else the seconds until the window ends (the
    Retry-After)."""
    now = time.time()
    window = int(now // period)
    key = f"{scope}:{ident}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return None if count <= limit else (window + 1) * period - now
