import os

from celery import Celery
from celery.signals import celeryd_after_setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arxdaily.settings.local")

app = Celery("arxdaily")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The tasks that match institutions against the registry: enrichment and front matter.
REGISTRY_TASKS = ("papers.enrich_papers", "papers.enrich_sweep", "papers.front_matter_sweep")


@celeryd_after_setup.connect
def institutions_registry_preload(sender, instance, **kwargs) -> None:
    """Build the institutions registry in a worker that runs REGISTRY_TASKS, in its main
    process before the pool forks: every child starts with it. Otherwise each child builds it
    (about 5 s of CPU) on its first paper, which on a fresh worker is the first paper of the
    day, while the listing waits."""
    from django.conf import settings

    queues = instance.app.amqp.queues
    consumed = set(queues.consume_from or queues)
    routes = settings.CELERY_TASK_ROUTES
    if consumed & {routes[name]["queue"] for name in REGISTRY_TASKS}:
        from papers.institutions import registry_get

        registry_get()
