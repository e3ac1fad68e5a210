"""The one polite HTTP session this project talks to arXiv with, and its errors.

Every request to arXiv goes through `ArxivSession`, so the deployment-wide pace, the timeout,
the User-Agent and the retry policy live in one place. The pace is arXiv's own rule, one
request every 3 seconds from a single connection, kept across every worker in Redis
(`arxiv_turn`): one request is out at a time, and the next starts `ARXIV_MIN_INTERVAL` seconds
after the previous one's reply came (or it failed). So arXiv receives them at least that far
apart, however long a busy machine delays a sender between its turn and its request.
"""

import datetime as dt
import email.utils
import functools
import logging
import re
import time
import uuid
from collections import Counter
from contextlib import contextmanager

import redis
import requests
from django.conf import settings

from ingest.sources.base import SourceError

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# How often a process waiting for its turn asks again whether the connection is free.
_TURN_POLL = 0.05
# Take the connection (KEYS[1] := token ARGV[1] for ARGV[2] ms) if nobody holds it, and return
# how many ms its holder must still wait after the previous request's end (KEYS[2], on the
# Redis clock: one clock for every worker); -1 while another process holds it.
_TURN_TAKE = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return math.max(0, tonumber(redis.call('GET', KEYS[2]) or '0') - now)
"""
# The request ended: the next may start ARGV[2] ms from now; give the connection back if it is
# still ours (ARGV[1]: it may have expired and gone to another process).
_TURN_GIVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[2])
redis.call('SET', KEYS[2], now + interval, 'PX', interval + 60000)
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""


class ArxivError(SourceError):
    """arXiv could not be read; the message says why, for the IngestRun record."""


class ArxivHTTPError(ArxivError):
    """arXiv did not answer, or not with 200; `status` is the last HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class ArxivReplyTooLarge(ArxivHTTPError):
    """A 200 reply longer than the caller's limit: not read to its end."""


class ArxivFeedError(ArxivError):
    """A reply that is not a well-formed feed (truncated, HTML error page, ...)."""


class ArxivReportedError(ArxivError):
    """arXiv answered with its own error (an API error entry), whatever the HTTP status."""


class ArxivIncomplete(ArxivError):
    """arXiv's reply holds less than it says there is, also when asked again."""


def redis_client() -> redis.Redis:
    """The Redis that holds arXiv's connection turn and ingest locks (one pool per process)."""
    return _redis_for(settings.REDIS_URL)


@functools.cache
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@contextmanager
def arxiv_turn(*, interval: float):
    """Hold arXiv's single connection for one request, from every process of the deployment:
    wait until no other request is out and `interval` seconds have passed since the last one
    ended, run the body (the request), then start the next interval. A holder killed
    mid-request frees the connection after twice ARXIV_HTTP_TIMEOUT plus the interval."""
    if interval <= 0:
        yield
        return
    client = redis_client()
    keys = [
        f"{settings.REDIS_KEY_PREFIX}arxiv:connection",
        f"{settings.REDIS_KEY_PREFIX}arxiv:next-request-at",
    ]
    token = uuid.uuid4().hex
    hold_ms = int((2 * settings.ARXIV_HTTP_TIMEOUT + interval) * 1000)
    while (wait_ms := int(client.eval(_TURN_TAKE, 2, *keys, token, hold_ms))) < 0:
        time.sleep(_TURN_POLL)
    time.sleep(wait_ms / 1000)
    try:
        yield
    finally:
        client.eval(_TURN_GIVE, 2, *keys, token, int(interval * 1000))


def retry_backoff(attempt: int, *, asked: float | None = None) -> float:
    """Seconds to wait before retry `attempt + 1`: exponential from ARXIV_RETRY_BACKOFF, or
    what arXiv `asked` (Retry-After) when longer."""
    return max(settings.ARXIV_RETRY_BACKOFF * 2**attempt, asked or 0.0)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class ArxivSession(requests.Session):
    """requests.Session that is polite to arXiv: the one way this project talks to arXiv.

    Every attempt, retries included, waits for its turn (arxiv_turn). 429, 5xx, connection
    errors (a reply cut off midway included) and timeouts are retried with exponential
    backoff (Retry-After wins when longer), a bounded number of times; the last failure
    raises ArxivHTTPError with the reason. What arXiv answered is counted for the run record:
    `requests_count`, `retries_count` and `statuses` (per HTTP status, or per error when no
    answer came).
    """

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = settings.ARXIV_USER_AGENT
        self.requests_count = 0
        self.retries_count = 0
        self.statuses: Counter[str] = Counter()

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", settings.ARXIV_HTTP_TIMEOUT)
        # Our User-Agent, whatever a library passes per request.
        headers = kwargs.pop("headers", None) or {}
        headers = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        kwargs["headers"] = {**headers, "User-Agent": settings.ARXIV_USER_AGENT}
        attempts = settings.ARXIV_HTTP_RETRIES + 1
        for attempt in range(attempts):
            self.requests_count += 1
            retry_after = status = None
            try:
                with arxiv_turn(interval=settings.ARXIV_MIN_INTERVAL):
                    response = super().request(method, url, *args, **kwargs)
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                reason = f"{type(exc).__name__} from {url}: {exc}"
                self.statuses[type(exc).__name__] += 1
            else:
                status = response.status_code
                self.statuses[str(status)] += 1
                if status not in RETRY_STATUSES:
                    return response
                reason = f"HTTP {status} from {url}"
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                response.close()
            if attempt == attempts - 1:
                break
            wait = retry_backoff(attempt, asked=retry_after)
            if wait > settings.ARXIV_RETRY_MAX_WAIT:
                reason += f" (asked to wait {wait:.0f} s, more than ARXIV_RETRY_MAX_WAIT)"
                break
            self.retry_sleep(wait, reason=reason)
        raise ArxivHTTPError(f"gave up after {attempt + 1} attempt(s): {reason}", status=status)

    def retry_sleep(self, seconds: float, *, reason: str) -> None:
        """Wait before asking arXiv again (why: `reason`), counted as a retry."""
        self.retries_count += 1
        logger.warning("arXiv: %s; retry %d in %.1f s", reason, self.retries_count, seconds)
        time.sleep(seconds)

    def fetch(self, url: str, *, max_bytes: int | None = None) -> bytes:
        """The body of a GET that must succeed with 200, at most `max_bytes` long if given.

        Raises ArxivHTTPError with the reason (arXiv's own for a 400) on any other status, when
        the retries are spent, or when a bounded body is cut off; ArxivReplyTooLarge when it is
        longer than `max_bytes` (announced or read).
        """
        response = self.get(url, stream=max_bytes is not None)
        if response.status_code != 200:
            # arXiv's API explains a 400 in the <summary> of an error entry.
            detail = re.search(rb"<summary>(.{0,300}?)</summary>", response.content, re.S)
            message = f"HTTP {response.status_code} from {response.url}"
            if detail:
                message += f": {detail.group(1).decode('utf-8', 'replace').strip()}"
            raise ArxivHTTPError(message, status=response.status_code)
        if max_bytes is None:
            return response.content
        with response:
            return _body_read(response, url=url, max_bytes=max_bytes)


def _body_read(response: requests.Response, *, url: str, max_bytes: int) -> bytes:
    too_large = f"the reply from {url} is longer than {max_bytes} bytes"
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > max_bytes:
        raise ArxivReplyTooLarge(too_large, status=200)
    body = bytearray()
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            body += chunk
            if len(body) > max_bytes:
                raise ArxivReplyTooLarge(too_large, status=200)
    except requests.RequestException as exc:
        raise ArxivHTTPError(f"reply from {url} cut off: {exc}", status=200) from exc
    return bytes(body)
