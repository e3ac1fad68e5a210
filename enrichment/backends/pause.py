"""A pause shared by every worker talking to one provider, kept in Redis.

A 429 seen by one request pauses all of them (threads and Celery workers on any machine), for
as long as the provider asked, instead of each request finding the limit on its own. A Redis
outage degrades to no sharing, never to a failed paper.
"""

import logging
import time
from functools import cache

import redis
from django.conf import settings

log = logging.getLogger(__name__)

# Extends the pause only: a shorter pause never cuts a longer one another worker set.
_PAUSE_SCRIPT = """
if tonumber(ARGV[1]) > redis.call('PTTL', KEYS[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
"""
# Longest single sleep before the key is read again (another worker may extend the pause).
_POLL_SECONDS = 5.0


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5)


def _key(provider: str) -> str:
    return f"{settings.LLM_PAUSE_KEY_PREFIX}{provider}"


def provider_pause(*, provider: str, seconds: float) -> None:
    """Ask every worker to send nothing to `provider` for `seconds`."""
    milliseconds = max(1, int(seconds * 1000))
    try:
        _client(settings.REDIS_URL).eval(_PAUSE_SCRIPT, 1, _key(provider), milliseconds)
    except redis.RedisError as exc:
        log.warning("could not share the pause for %s: %s", provider, exc)


def provider_wait(*, provider: str) -> float:
    """Sleep while `provider` is paused; returns the seconds slept."""
    slept = 0.0
    while True:
        try:
            remaining_ms = _client(settings.REDIS_URL).pttl(_key(provider))
        except redis.RedisError as exc:
            log.warning("could not read the pause for %s: %s", provider, exc)
            return slept
        if remaining_ms <= 0:
            return slept
        step = min(remaining_ms / 1000, _POLL_SECONDS)
        time.sleep(step)
        slept += step
