"""Writes that are about the records papers/ holds and no other app owns."""

from django.utils import timezone

from papers.models import EnrichmentRun, IngestRun, RunStatus


def runs_interrupted_close(*, run: IngestRun | EnrichmentRun) -> int:
    """Close the runs an earlier delivery of the same Celery task left "running".

    A worker killed mid-run never finishes its run record; the broker hands the task out
    again (acks_late), and that new run marks the old one failed with the reason, so every
    run ends with a status.
    """
    if not run.task_id:
        return 0
    return (
        type(run)
        .objects.filter(task_id=run.task_id, status=RunStatus.RUNNING)
        .exclude(pk=run.pk)
        .update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"interrupted: the worker stopped mid-run; the task ran again as run {run.pk}",
        )
    )
