"""What each ingest and enrichment run did, shown read-only in the admin."""

from django.db import models
from django.utils import timezone


class RunStatus(models.TextChoices):
    RUNNING = "running", "运行中 / running"
    OK = "ok", "成功 / ok"
    PARTIAL = "partial", "部分完成，待重试 / partial, will retry"
    FAILED = "failed", "失败 / failed"
    NO_ANNOUNCEMENT = "no_announcement", "arXiv 当日无公告 / no announcement"


class CeleryRunMixin:
    """What ingest and enrichment runs share: the Celery task that ran them (`task_id`)."""

    def earlier_deliveries_close(self) -> int:
        """Mark failed the runs an earlier delivery of this run's task left "running"; returns
        how many.

        A worker killed mid-run never finishes its run record; the broker hands the task out
        again (acks_late), and the new run closes the old one with the reason, so every run
        ends with a status.
        """
        if not self.task_id:
            return 0
        return (
            type(self)
            .objects.filter(task_id=self.task_id, status=RunStatus.RUNNING)
            .exclude(pk=self.pk)
            .update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                error=(
                    f"interrupted: the worker stopped mid-run; the task ran again as run {self.pk}"
                ),
            )
        )


class IngestRun(CeleryRunMixin, models.Model):
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
    error = models.TextField(blank=True)
    # Celery task that ran it: the same task delivered again after its
    # worker died closes the run the dead worker left "running".
    task_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "抓取记录 / Ingest run"
        verbose_name_plural = "抓取记录 / Ingest runs"

    def __str__(self) -> str:
        return f"ingest {self.announce_date or ''} {self.status}"


class EnrichmentRun(CeleryRunMixin, models.Model):
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

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "AI 处理记录 / Enrichment run"
        verbose_name_plural = "AI 处理记录 / Enrichment runs"

    def __str__(self) -> str:
        return f"enrich {self.backend} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
