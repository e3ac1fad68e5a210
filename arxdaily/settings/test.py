"""pytest: real PostgreSQL and Redis, defaults for this machine, overridable by env."""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES, env

# One test run's own database and Redis keys (cache, locks, arXiv pace, LLM pauses,
# Celery queues), so two `make test` on one machine, two clones or one twice, never meet:
# named after the pytest process unless the environment names them. Subprocesses of the run
# (a real worker, a second Django process) inherit ARXDAILY_TEST_RUN and share them.
# pytest-django drops the database at the end, tests/conftest.py the keys.
TEST_RUN = os.environ.setdefault("ARXDAILY_TEST_RUN", str(os.getpid()))
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {
    "NAME": env("TEST_DATABASE_NAME", default=f"test_arxdaily_{TEST_RUN}")
}
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", default=f"arxdaily-test-{TEST_RUN}:")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX.rstrip(":"),
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": REDIS_KEY_PREFIX,
}
# Eager unless a test starts a real worker (the ingest end-to-end test does).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# The test client's login() passes no request, which django-axes needs; tests of the lockout
# turn it back on.
AXES_ENABLED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ARXIV_MIN_INTERVAL = 0.0
LLM_BACKEND = "offline"
LLM_PAUSE_KEY_PREFIX = f"{REDIS_KEY_PREFIX}llm-pause:"
# Serve static files from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Read the page-cache version from Redis on every request, so tests that clear
# the cache see it at once; tests/public/test_caching.py covers the pub/sub listener.
PUBLIC_CACHE_VERSION_LISTEN = False
