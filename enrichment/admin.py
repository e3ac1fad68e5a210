"""The enrichment log: what each run did, used and cost."""

from django.contrib import admin

from enrichment.tasks import enrichment_run_retry
from papers.admin import RunAdminMixin
from papers.models import EnrichmentRun


@admin.register(EnrichmentRun)
class EnrichmentRunAdmin(RunAdminMixin, admin.ModelAdmin):
    """A read-only log: what each run did, used and cost, and why papers failed."""

    retry_service = staticmethod(enrichment_run_retry)
    list_display = [
        "started_at",
        "backend",
        "model",
        "prompt_version",
        "status",
        "papers_total",
        "papers_done",
        "papers_cached",
        "papers_failed",
        "papers_deferred",
        "llm_calls",
        "prompt_tokens",
        "completion_tokens",
        "cache_hit_tokens",
        "cost_usd",
        "error_excerpt",
    ]
    list_filter = ["status", "backend", "model"]
    search_fields = ["error", "model"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.display(description="error")
    def error_excerpt(self, obj):
        return obj.error.splitlines()[0][:120] if obj.error else ""
