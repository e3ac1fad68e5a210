"""The ingest log: what each run did, how long it took and why it failed."""

from django.contrib import admin

from ingest.tasks import ingest_run_retry
from papers.admin import RunAdminMixin
from papers.models import IngestRun


@admin.register(IngestRun)
class IngestRunAdmin(RunAdminMixin, admin.ModelAdmin):
    """A read-only log: what each ingest did, how long it took and why it failed."""

    retry_service = staticmethod(ingest_run_retry)
    list_display = [
        "started_at",
        "source",
        "announce_date",
        "categories_display",
        "status",
        "counts",
        "requests_count",
        "retries_count",
        "duration",
        "has_error",
    ]
    list_filter = ["status", "source", "announce_date"]
    search_fields = ["error"]
    date_hierarchy = "started_at"
    fields = [
        ("source", "status"),
        ("announce_date", "categories_display"),
        ("started_at", "finished_at", "duration"),
        ("new_count", "cross_count", "replaced_count"),
        ("unchanged_count", "pending_count", "failed_count"),
        ("requests_count", "retries_count", "http_statuses"),
        "error",
        ("host", "pid", "task_id"),
    ]
    readonly_fields = [name for row in fields for name in ([row] if isinstance(row, str) else row)]

    @admin.display(description="categories")
    def categories_display(self, run: IngestRun) -> str:
        return ", ".join(run.categories)

    @admin.display(description="new · cross · replaced · unchanged · pending · failed")
    def counts(self, run: IngestRun) -> str:
        """One column for the counts, so the log fits the window."""
        counts = (run.new_count, run.cross_count, run.replaced_count, run.unchanged_count)
        return " · ".join(str(n) for n in (*counts, run.pending_count, run.failed_count))

    @admin.display(description="duration")
    def duration(self, run: IngestRun) -> str:
        if not run.finished_at:
            return "—"
        return f"{(run.finished_at - run.started_at).total_seconds():.1f} s"

    @admin.display(description="error", boolean=True)
    def has_error(self, run: IngestRun) -> bool:
        return bool(run.error)
