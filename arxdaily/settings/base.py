"""Settings shared by every environment, grouped by concern; each value can come from the
environment. Settings import no app code: apps read them, never the other way round."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Django core -----------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="local-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
ROOT_URLCONF = "arxdaily.urls"
WSGI_APPLICATION = "arxdaily.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "axes",
    # Serves the API docs page's template and its bundled Swagger UI from our static files, so
    # /api/v1/docs works offline and under script-src 'self'.
    "ninja",
    "simple_history",
    # Our apps, models first (docs/architecture.md says who may import whom).
    "topics",
    "papers",
    "ingest",
    "enrichment",
    "editorial",
    "public",
    "digests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under /api/v1/: HEAD as GET, and every error in the API's JSON shape, Django's own
    # (a refused Host in CommonMiddleware) included (public/api.py).
    "public.api.ApiProtocolMiddleware",
    # Cached public pages are answered here, before the rest runs again (public/caching.py).
    "public.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Audit rows name the editor behind each admin change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # The openai client logs every HTTP request at INFO through httpx2.
    "loggers": {"httpx2": {"level": "WARNING"}},
}

# --- Site ----------------------------------------------------------------------------------
# The site's public address, scheme and host without a trailing slash. Links that leave a
# request behind use it: e-mail digests, link previews (Open Graph), citation meta tags.
SITE_URL = env("ARXDAILY_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Languages and time ----------------------------------------------------------------------
# Times are stored in UTC (USE_TZ); TIME_ZONE is only what readers see.
USE_TZ = True
TIME_ZONE = env("ARXDAILY_DISPLAY_TZ", default="Asia/Shanghai")
# arXiv dates its listings in its own zone, independent of the display zone.
ARXIV_TIMEZONE = "America/New_York"
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

# --- Database --------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://127.0.0.1:5432/test"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def postgresql_jit_off(database: dict) -> None:
    """Turn PostgreSQL's JIT off for the connections of `database` (a DATABASES entry), unless
    DATABASE_JIT says on; nothing for other engines. JIT compiles a query's expressions once
    its estimated cost passes jit_above_cost: a search at a million papers passes it (a LIMIT
    over a scan estimated large) and paid 7–20 ms of compiling for a 5 ms scan
    (bench/notes.md). Every settings module that builds DATABASES calls it."""
    if "postgresql" in database["ENGINE"] and not env.bool("DATABASE_JIT", default=False):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()


postgresql_jit_off(DATABASES["default"])

# --- Cache (Redis: page cache, rate limits, locks, arXiv pacing) -----------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Every key the app writes to Redis starts with this: cache entries, the arXiv connection and
# pace, the ingest and sweep locks, LLM pauses; and, when CELERY_BROKER_KEY_PREFIX is set,
# the broker's. Two deployments (or test runs) on one Redis database with different prefixes
# never meet.
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", default="arxdaily:")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX.rstrip(":"),
    }
}
# Each process keeps the page-cache version in memory, pushed by Redis pub/sub
# (public/caching.py VersionListener); needs the django-redis cache.
PUBLIC_CACHE_VERSION_LISTEN = env.bool("PUBLIC_CACHE_VERSION_LISTEN", default=True)

# --- Security --------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with a user's permissions read in one query.
    "editorial.backends.PermissionBackend",
]
# Lock a username+IP pair out of the admin login after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Scripts only from our own static files: arXiv and LLM text can never run as code. Inline
# style attributes stay allowed (the admin and KaTeX's layout use them); they cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# History is the audit trail; edits go through the editorial forms (with their conflict check).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Celery ----------------------------------------------------------------------------------
# Tasks survive a killed worker (acks_late + reject on lost) and never hog prefetch.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# A task whose worker died unacknowledged goes back to the queue this many seconds after its
# delivery. Keep it above the longest task time limit (30 min), or a task still running would
# be delivered twice. Workers look for such tasks every interval × throttle seconds (kombu's
# defaults, 10 × 10). Tests of a killed worker shorten all three.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # Empty in production: the queues keep the names queued messages were sent under.
    "global_keyprefix": env("CELERY_BROKER_KEY_PREFIX", default=""),
}
# Queues by kind of work, each served by its own workers (docker-compose.yml: worker-arxiv,
# worker-llm, worker-fulltext, worker-publish), so a slow queue never starves another:
# - arxiv: listing and API requests. They share one polite connection across every process
#   (ingest.sources.http.arxiv_turn, in Redis), so one worker process is enough;
# - llm: enrichment, which waits on the LLM; more processes, more papers at once;
# - fulltext: papers' front matter from export.arxiv.org (the same polite connection) and the
#   institutions found in it; kept apart so a long sweep never delays the day's listing;
# - publish: auto-publishing, the page cache work that follows it, and housekeeping (the
#   scorers' retraining); the default queue;
# - mail: the daily digests and confirmation mails, paced by DIGEST_SEND_RATE per worker.
# A worker started without -Q (`make run`'s tasks aside: tests, a single-machine setup)
# consumes every queue.
CELERY_TASK_QUEUES = [Queue(name) for name in ("arxiv", "llm", "fulltext", "publish", "mail")]
CELERY_TASK_DEFAULT_QUEUE = "publish"
CELERY_TASK_ROUTES = {
    "papers.ingest_announcement": {"queue": "arxiv"},
    "papers.ingest_pending_metadata": {"queue": "arxiv"},
    "papers.enrich_papers": {"queue": "llm"},
    "papers.enrich_sweep": {"queue": "llm"},
    "papers.front_matter_sweep": {"queue": "fulltext"},
    "papers.daily_pages_autopublish": {"queue": "publish"},
    # Retraining the topic scorers is CPU work, not LLM calls: the housekeeping queue.
    "papers.scorers_retrain": {"queue": "publish"},
    "papers.digests_fanout": {"queue": "mail"},
    "papers.digests_sweep": {"queue": "mail"},
    "papers.digest_send": {"queue": "mail"},
    "papers.subscription_confirm_send": {"queue": "mail"},
}
# Beat reads crontabs in arXiv's own zone, so 20:05 is 20:05 New York in summer and winter
# alike (messages still carry UTC times).
CELERY_TIMEZONE = ARXIV_TIMEZONE
ENRICH_SWEEP_MINUTES = env.int("ARXDAILY_ENRICH_SWEEP_MINUTES", default=30)
FRONT_MATTER_SWEEP_MINUTES = env.int("FRONT_MATTER_SWEEP_MINUTES", default=20)
CELERY_BEAT_SCHEDULE = {
    # Shortly after each announcement (Sun–Thu 20:00 New York), catch-up runs later that night
    # and the next morning, and a retry of papers whose API metadata was still missing.
    "ingest-after-announcement": {
        "task": "papers.ingest_announcement",
        "schedule": crontab(minute=5, hour=20, day_of_week="sun-thu"),
    },
    "ingest-catch-up-night": {
        "task": "papers.ingest_announcement",
        "schedule": crontab(minute=0, hour="21,23", day_of_week="sun-thu"),
    },
    "ingest-catch-up-morning": {
        "task": "papers.ingest_announcement",
        "schedule": crontab(minute=30, hour=6, day_of_week="mon-fri"),
    },
    "ingest-pending-metadata": {
        "task": "papers.ingest_pending_metadata",
        "schedule": crontab(minute=45, hour="*/2"),
    },
    # Failed and pending enrichment, retried.
    "papers.enrich_sweep": {"task": "papers.enrich_sweep", "schedule": ENRICH_SWEEP_MINUTES * 60},
    # Papers' front matter (institutions): new papers, new versions and failed fetches due again.
    "papers.front_matter_sweep": {
        "task": "papers.front_matter_sweep",
        "schedule": FRONT_MATTER_SWEEP_MINUTES * 60,
    },
    # Topic scorers learn from the day's accepts and rejects (a no-op when nothing changed).
    "papers.scorers_retrain": {
        "task": "papers.scorers_retrain",
        "schedule": crontab(minute=40, hour="*/6"),
    },
    # The e-mail digests of days published lately, in case a fan-out or a send was lost.
    "papers.digests_sweep": {"task": "papers.digests_sweep", "schedule": 30 * 60},
    # Drafts of auto-publish topics whose time has come.
    "papers.daily_pages_autopublish": {
        "task": "papers.daily_pages_autopublish",
        "schedule": 5 * 60,
    },
}

# --- E-mail (daily digests) ----------------------------------------------------------------
# Django's e-mail framework; production sets the SMTP server here. Links in mail start with
# SITE_URL. Local default: the console backend (mail is printed, nothing leaves the machine).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds per SMTP operation
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="arxdaily <digest@localhost>")
# A day's digests go out this many minutes after its first page is published, so pages an
# editor publishes one after another land in one mail; a page published after a reader's
# digest has gone is not mailed again that day (one digest per reader and day).
DIGEST_DELAY_MINUTES = env.int("DIGEST_DELAY_MINUTES", default=30)
# Papers per topic in a digest, the first in the topic page's order (the editors' order,
# then strongest confidence); a topic with more ends with "N more on the topic page" and
# its link. Keeps a mail under Gmail's ~102 KB clipping (0: every paper).
DIGEST_PAPERS_PER_TOPIC = env.int("DIGEST_PAPERS_PER_TOPIC", default=15)
# Digests each mail worker process sends at most (Celery rate limit: N/s, N/m, N/h).
DIGEST_SEND_RATE = env("DIGEST_SEND_RATE", default="60/m")
# Retries of a digest the SMTP server refused for now (4xx) or could not be reached for;
# the wait doubles from DIGEST_RETRY_SECONDS.
DIGEST_SEND_MAX_RETRIES = env.int("DIGEST_SEND_MAX_RETRIES", default=5)
DIGEST_RETRY_SECONDS = env.int("DIGEST_RETRY_SECONDS", default=60)
# Subscribe form posts per client IP (N/s, /m, /h, /d), counted in Redis like API_ANON_RATE;
# and at most one confirmation mail per address per DIGEST_CONFIRM_INTERVAL_MINUTES.
DIGEST_SUBSCRIBE_RATE = env("DIGEST_SUBSCRIBE_RATE", default="10/h")
DIGEST_CONFIRM_INTERVAL_MINUTES = env.int("DIGEST_CONFIRM_INTERVAL_MINUTES", default=10)

# --- arXiv (ingest) --------------------------------------------------------------------------
# Endpoints are settings so tests can point them at loopback fakes.
ARXIV_API_URL = env("ARXIV_API_URL", default="https://export.arxiv.org/api/query")
ARXIV_RSS_URL = env("ARXIV_RSS_URL", default="https://rss.arxiv.org/rss/")
# A paper's full text, for its front matter (institutions): the HTML rendering of a version,
# else its PDF. arXiv asks robots to use export.arxiv.org at the same pace as the API.
ARXIV_HTML_URL = env("ARXIV_HTML_URL", default="https://export.arxiv.org/html/")
ARXIV_PDF_URL = env("ARXIV_PDF_URL", default="https://export.arxiv.org/pdf/")
# A bigger reply is not read (the paper is marked unreadable with the reason).
ARXIV_FULLTEXT_MAX_BYTES = env.int("ARXIV_FULLTEXT_MAX_BYTES", default=40 * 1024 * 1024)
# Front-matter sweep (every FRONT_MATTER_SWEEP_MINUTES, and at once again after a full batch):
# papers per run (small, so papers that enrichment has meanwhile given a topic hit are taken
# first by the next batch; 25 papers are about 75 s at arXiv's pace), and a failed paper's
# retries (the delay doubles from FRONT_MATTER_RETRY_MINUTES; after FRONT_MATTER_MAX_ATTEMPTS
# attempts it stays failed, with its reason, for an editor).
FRONT_MATTER_SWEEP_BATCH = env.int("FRONT_MATTER_SWEEP_BATCH", default=25)
FRONT_MATTER_RETRY_MINUTES = env.int("FRONT_MATTER_RETRY_MINUTES", default=60)
FRONT_MATTER_MAX_ATTEMPTS = env.int("FRONT_MATTER_MAX_ATTEMPTS", default=6)
ARXIV_MIN_INTERVAL = env.float("ARXIV_MIN_INTERVAL", default=3.0)
ARXIV_HTTP_TIMEOUT = env.float("ARXIV_HTTP_TIMEOUT", default=30.0)
ARXIV_USER_AGENT = env(
    "ARXIV_USER_AGENT", default="arxdaily/0.1 (daily arXiv digest; mailto:admin@example.org)"
)
# Retries of one arXiv request: exponential backoff from ARXIV_RETRY_BACKOFF seconds
# (Retry-After wins when longer); a wait above ARXIV_RETRY_MAX_WAIT gives up instead.
ARXIV_HTTP_RETRIES = env.int("ARXIV_HTTP_RETRIES", default=4)
ARXIV_RETRY_BACKOFF = env.float("ARXIV_RETRY_BACKOFF", default=5.0)
ARXIV_RETRY_MAX_WAIT = env.float("ARXIV_RETRY_MAX_WAIT", default=300.0)
ARXIV_API_BATCH_SIZE = env.int("ARXIV_API_BATCH_SIZE", default=100)  # ids per call, max 100
ARXIV_BACKFILL_PAGE_SIZE = env.int("ARXIV_BACKFILL_PAGE_SIZE", default=2000)  # max 2000
# Listing dates arXiv skips beyond ingest/schedule.py's ARXIV_HOLIDAYS (ISO dates).
ARXIV_EXTRA_HOLIDAYS = env.list("ARXIV_EXTRA_HOLIDAYS", default=[])
# How long a per-date/category ingest lock lives if its holder dies.
ARXIV_INGEST_LOCK_TTL = env.int("ARXIV_INGEST_LOCK_TTL", default=30 * 60)

# --- Institutions ---------------------------------------------------------------------------
# An operator's full ROR registry in the compact jsonl.gz format written by `import_ror`;
# empty or missing: the ROR extract shipped in papers/institutions/data/ is used.
INSTITUTION_REGISTRY_PATH = env("INSTITUTION_REGISTRY_PATH", default="")

# --- LLM (enrichment) ------------------------------------------------------------------------
# Any OpenAI-compatible endpoint; without a key the offline backend is used.
LLM_BACKEND = env("ARXDAILY_LLM_BACKEND", default="")
LLM_BASE_URL = env("ARXDAILY_LLM_BASE_URL", default="")
LLM_API_KEY = env("ARXDAILY_LLM_API_KEY", default="")
LLM_MODEL = env("ARXDAILY_LLM_MODEL", default="gpt-4o-mini")
LLM_TIMEOUT = env.float("ARXDAILY_LLM_TIMEOUT", default=60.0)
LLM_CONCURRENCY = env.int("ARXDAILY_LLM_CONCURRENCY", default=16)
LLM_DAILY_BUDGET_USD = env.float("ARXDAILY_LLM_DAILY_BUDGET_USD", default=5.0)
# Which provider LLM_BASE_URL is (openai, deepseek, dashscope, zhipu, groq, local, …); empty:
# guessed from its host (enrichment/backends/providers.py).
LLM_PROVIDER = env("ARXDAILY_LLM_PROVIDER", default="")
# Structured output: json_schema, json_object or none; empty: the provider's default (README;
# `local` json_schema, stepping down to json_object with the schema for llama-cpp-python).
LLM_RESPONSE_FORMAT = env("ARXDAILY_LLM_RESPONSE_FORMAT", default="")
# 429/5xx/timeouts are retried this often, waiting what the server asks (Retry-After,
# retry-after-ms, x-ratelimit-reset-*) or backing off exponentially from LLM_RETRY_BACKOFF
# seconds; a wait over LLM_RETRY_MAX_WAIT fails the paper for the sweep instead.
LLM_MAX_RETRIES = env.int("ARXDAILY_LLM_MAX_RETRIES", default=4)
LLM_RETRY_BACKOFF = env.float("ARXDAILY_LLM_RETRY_BACKOFF", default=2.0)
LLM_RETRY_MAX_WAIT = env.float("ARXDAILY_LLM_RETRY_MAX_WAIT", default=120.0)
# A 429 pauses every worker of the provider: a Redis key under this prefix, on REDIS_URL.
LLM_PAUSE_KEY_PREFIX = f"{REDIS_KEY_PREFIX}llm-pause:"
LLM_MAX_TOKENS = env.int("ARXDAILY_LLM_MAX_TOKENS", default=4096)
# The output budget of the one retry after a reply was cut off (finish_reason "length").
LLM_MAX_TOKENS_RETRY = env.int("ARXDAILY_LLM_MAX_TOKENS_RETRY", default=2 * LLM_MAX_TOKENS)
# USD per million tokens: (input, output) or (input, output, cache-hit input), keyed
# "<provider>/<model>" or "<model>"; unknown models cost 0 and are logged. List prices as
# published by the providers (2026); check them before relying on the budget.
LLM_PRICES = {
    "gpt-4o-mini": (0.15, 0.60, 0.075),
    "gpt-4o": (2.50, 10.00, 1.25),
    "gpt-4.1-mini": (0.40, 1.60, 0.10),
    "deepseek/deepseek-chat": (0.28, 0.42, 0.028),
    "deepseek/deepseek-reasoner": (0.28, 0.42, 0.028),
    "qwen-plus": (0.40, 1.20),
}
# A paper whose enrichment failed is retried by the sweep after ENRICH_RETRY_MINUTES, doubling
# per failure; after ENRICH_MAX_ATTEMPTS failures in a row it waits for an editor.
ENRICH_RETRY_MINUTES = env.int("ARXDAILY_ENRICH_RETRY_MINUTES", default=30)
ENRICH_MAX_ATTEMPTS = env.int("ARXDAILY_ENRICH_MAX_ATTEMPTS", default=5)
# Papers the sweep takes per run (how often it runs: ENRICH_SWEEP_MINUTES, under Celery).
ENRICH_SWEEP_BATCH = env.int("ARXDAILY_ENRICH_SWEEP_BATCH", default=500)

# --- JSON API --------------------------------------------------------------------------------
# Requests per period for anonymous clients, counted in the shared cache (Redis) per client IP.
API_ANON_RATE = env("API_ANON_RATE", default="120/m")
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=20)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)
# Number of reverse proxies in front of the app, for the client IP in X-Forwarded-For.
NINJA_NUM_PROXIES = env.int("API_NUM_PROXIES", default=0)
