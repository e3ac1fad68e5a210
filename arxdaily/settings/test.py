"""pytest: real PostgreSQL and Redis, defaults for this machine, overridable by env."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_arxdaily")}
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "arxdaily-test",
    }
}
CELERY_BROKER_URL = REDIS_URL
# Eager unless a test starts a real worker (the ingest end-to-end test does).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# The test client's login() passes no request, which django-axes needs; tests of the lockout
# turn it back on.
AXES_ENABLED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ARXIV_MIN_INTERVAL = 0.0
LLM_BACKEND = "offline"
# Shared LLM pauses of this test run: tests delete the keys under this prefix.
LLM_PAUSE_KEY_PREFIX = "arxdaily-test:llm-pause:"
# Serve static files from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Read the page-cache version from Redis on every request, so tests that clear
# the cache see it at once; tests/public/test_caching.py covers the pub/sub listener.
PUBLIC_CACHE_VERSION_LISTEN = False
