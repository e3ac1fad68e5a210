"""`make run`: embedded SQLite, in-process tasks, a file cache. Not for production."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, postgresql_jit_off

DEBUG = env.bool("DEBUG", default=True)
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var/db.sqlite3'}")}
postgresql_jit_off(DATABASES["default"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Enrichment commits once per paper: without waiting for the disk on each commit (WAL,
    # synchronous=NORMAL: a power cut may lose the last commits, never corrupt the file)
    # `make run` loads the sample day in a third of the time.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
# A file cache, not local memory: runserver's process and a `manage.py shell` must see the same
# page-cache version, or a write from the shell would leave the server's pages stale.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": BASE_DIR / "var" / "cache",
    }
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Serve static files from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The file cache has no pub/sub: every request reads the version (one small file).
PUBLIC_CACHE_VERSION_LISTEN = False
