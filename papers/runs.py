"""What each ingest and enrichment run did, shown read-only in the admin."""

import os
import socket

from django.db import models
from django.utils import timezone


class RunStatus(models.TextChoices):
    RUNNING = "running", "运行中 / running"
    OK = "ok", "成功 / ok"
    PARTIAL = "partial", "部分完成，待重试 / partial, will retry"
    FAILED = "failed", "失败 / failed"
    NO_ANNOUNCEMENT = "no_announcement", "arXiv 当日无公告 / no announcement"


def process_host() -> str:
    """This machine and its PID namespace (containers sharing a host name have their own):
    where a process id names one process."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()} {namespace}".strip()[:255]


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class RunProcessMixin:
    """What ingest and enrichment runs share: the process that ran them (`host`, `pid`, set
    when the run is created) and the Celery task, if any (`task_id`), so that a run whose
    process died is closed however it was started."""

    def save(self, *args, **kwargs):
        if self._state.adding and self.pid is None:
            self.host, self.pid = process_host(), os.getpid()
        super().save(*args, **kwargs)

    def interrupted_close(self) -> int:
        """Mark failed, as interrupted, the runs left "running" by a process that died; returns
        how many.

        A process killed mid-run never finishes its run record. Two ways to know it died: its
        Celery task is delivered again (acks_late) as this run's, or it ran on this machine and
        its process id is gone (a hand-run command, a worker child killed for its time limit).
        Every new run looks, so every run ends with a status.
        """
        running = type(self).objects.filter(status=RunStatus.RUNNING).exclude(pk=self.pk)
        closed = 0
        if self.task_id:
            closed += running.filter(task_id=self.task_id).update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                error=(
                    f"interrupted: the worker stopped mid-run; the task ran again as run {self.pk}"
                ),
            )
        here = running.filter(host=self.host, pid__isnull=False).values_list("pk", "pid")
        dead = [pk for pk, pid in here if not process_alive(pid)]
        if dead:
            closed += running.filter(pk__in=dead).update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                error=(
                    "interrupted: its process stopped mid-run (no longer running on "
                    f"{self.host.split()[0]}); found by run {self.pk}"
                ),
            )
        return closed


class IngestRun(RunProcessMixin, models.Model):
    class Source(models.TextChoices):
        FEED = "feed", "listing feed + API"
        BACKFILL = "backfill", "API backfill"
        DIRECTORY = "directory", "recorded files"
        METADATA = "metadata", "pending metadata retry"

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FEED)
    announce_date = models.DateField(null=True, blank=True)
    categories = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    new_count = models.PositiveIntegerField(default=0)
    cross_count = models.PositiveIntegerField(default=0)
    replaced_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    pending_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    requests_count = models.PositiveIntegerField(default=0)
    retries_count = models.PositiveIntegerField(
        default=0,
        help_text="arXiv requests sent again: after a 429, 5xx, timeout or lost connection, or "
        "a page with fewer results than arXiv said it has.",
    )
    http_statuses = models.JSONField(
        default=dict,
        blank=True,
        help_text='arXiv\'s answers by HTTP status, e.g. {"200": 3, "503": 5}; a request that got '
        "no answer counts under its error (ReadTimeout, ConnectionError).",
    )
    error = models.TextField(blank=True)
    # Celery task that ran it: the same task delivered again after its
    # worker died closes the run the dead worker left "running".
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    host = models.CharField(max_length=255, blank=True, help_text="Machine that ran it.")
    pid = models.PositiveIntegerField(null=True, blank=True, help_text="Process that ran it.")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "抓取记录 / Ingest run"
        verbose_name_plural = "抓取记录 / Ingest runs"

    def __str__(self) -> str:
        return f"ingest {self.announce_date or ''} {self.status}"


class EnrichmentRun(RunProcessMixin, models.Model):
    backend = models.CharField(max_length=20)
    model = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    papers_total = models.PositiveIntegerField(default=0)
    papers_done = models.PositiveIntegerField(default=0)
    papers_cached = models.PositiveIntegerField(default=0)
    papers_failed = models.PositiveIntegerField(default=0)
    papers_deferred = models.PositiveIntegerField(default=0, help_text="Left for budget reasons.")
    llm_calls = models.PositiveIntegerField(default=0)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cache_hit_tokens = models.PositiveIntegerField(
        default=0, help_text="Prompt tokens served from the provider's cache."
    )
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, default=0)
    error = models.TextField(blank=True)
    # Celery task that ran it: the same task delivered again after its
    # worker died closes the run the dead worker left "running".
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    host = models.CharField(max_length=255, blank=True, help_text="Machine that ran it.")
    pid = models.PositiveIntegerField(null=True, blank=True, help_text="Process that ran it.")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "AI 处理记录 / Enrichment run"
        verbose_name_plural = "AI 处理记录 / Enrichment runs"

    def __str__(self) -> str:
        return f"enrich {self.backend} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
