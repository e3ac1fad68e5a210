"""`make bench`: its own PostgreSQL database and Redis db, so benchmarks never touch other data."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DATABASES["default"]["NAME"] = env("BENCH_DATABASE_NAME", default="arxdaily_bench")
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/14")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "arxdaily-bench",
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = True
ARXIV_MIN_INTERVAL = 0.0
LLM_BACKEND = "offline"
