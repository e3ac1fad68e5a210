"""Every task goes to a queue of its kind, and docker-compose runs a worker for each queue."""

import re
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from kombu import Queue

from arxdaily.celery import app, institutions_registry_preload

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def _project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if name.startswith("papers.")}


def test_every_project_task_has_a_route_to_a_declared_queue():
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}

    assert _project_tasks() == set(settings.CELERY_TASK_ROUTES)
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} == queues


def test_docker_compose_runs_a_worker_for_each_queue():
    served = re.findall(r"celery -A arxdaily worker .*-Q (\S+)", COMPOSE.read_text())

    assert sorted(served) == sorted(q.name for q in settings.CELERY_TASK_QUEUES)


def test_arxiv_requests_have_one_worker_process():
    arxiv = re.search(r"worker .*--concurrency=(\d+) -Q arxiv\b", COMPOSE.read_text())

    assert arxiv and arxiv.group(1) == "1"


def _worker_of(*queues: str) -> SimpleNamespace:
    """What celeryd_after_setup gives: a worker consuming these queues."""
    consumed = {name: Queue(name) for name in queues}
    return SimpleNamespace(
        app=SimpleNamespace(amqp=SimpleNamespace(queues=SimpleNamespace(consume_from=consumed)))
    )


def test_llm_and_fulltext_workers_build_the_institutions_registry_before_forking(monkeypatch):
    built = []
    monkeypatch.setattr("papers.institutions.registry_get", lambda: built.append(1))

    for queue in ("llm", "fulltext", "arxiv", "publish", "mail"):
        institutions_registry_preload(sender="worker", instance=_worker_of(queue))

    assert len(built) == 2
