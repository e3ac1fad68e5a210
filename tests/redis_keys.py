"""This test run's own Redis keys (arxdaily/settings/test.py names the run)."""

import redis
from django.conf import settings


def run_keys_delete(pattern: str = "*") -> None:
    """Delete this test run's Redis keys matching `pattern`, under its REDIS_KEY_PREFIX (the
    broker's queues included): never another run's keys, never a whole database."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{settings.REDIS_KEY_PREFIX}{pattern}", count=1000):
        client.delete(key)
