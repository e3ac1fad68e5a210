"""A real `celery -A arxdaily worker` for the slow reliability tests, and what drives it.

It runs the base settings (everything from the environment, as in production) on the test's
own database and this test run's Redis keys (broker queues, locks, cache: REDIS_KEY_PREFIX),
aimed at the loopback fakes a test gives (arXiv, LLM, SMTP).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from arxdaily.celery import app

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY = 6  # seconds before an unacknowledged task is handed out again


def app_env(*, fake_arxiv=None, fake_llm=None) -> dict[str, str]:
    """Environment for a process of the app (worker, gunicorn) on this test's data, aimed at
    the fakes given."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "arxdaily.settings.base",
        "DATABASE_URL": f"postgres://127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
        "CELERY_BROKER_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "LOG_LEVEL": "INFO",
    }
    if fake_arxiv is not None:
        env |= {
            "ARXIV_RSS_URL": fake_arxiv.rss_url,
            "ARXIV_API_URL": fake_arxiv.api_url,
            "ARXIV_MIN_INTERVAL": "0",
            "ARXIV_RETRY_BACKOFF": "0.1",
        }
    if fake_llm is not None:
        env |= {
            "ARXDAILY_LLM_BACKEND": "openai",
            "ARXDAILY_LLM_BASE_URL": fake_llm.base_url,
            "ARXDAILY_LLM_API_KEY": "test-key",
            "ARXDAILY_LLM_CONCURRENCY": "2",
            "ARXDAILY_LLM_MAX_RETRIES": "1",
        }
    return env


class Worker:
    """The worker process, in its own process group so a kill takes all of it."""

    def __init__(self, env: dict[str, str], log):
        self.env = env
        self.log = log  # every life of the worker writes here
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "arxdaily", "worker", "--pool=solo"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        self.process = subprocess.Popen(  # noqa: S603 (fixed argv)
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def task_send(name: str, *args) -> None:
    """Queue a task on the worker's broker (this test run's queues)."""
    app.send_task(name, args=list(args))


def wait_until(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
