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
        "papers",
        "llm_calls",
        "tokens",
        "cost_usd",
        "error_excerpt",
    ]
    list_filter = ["status", "backend", "model"]
    search_fields = ["error", "model"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    # Counts share a column each, so the log fits the window (tests/browser/test_admin_layout.py).
    @admin.display(description="papers: total · done · cached · failed · deferred")
    def papers(self, run):
        counts = (run.papers_total, run.papers_done, run.papers_cached, run.papers_failed)
        return " · ".join(str(n) for n in (*counts, run.papers_deferred))

    @admin.display(description="tokens: prompt · completion · cache hit")
    def tokens(self, run):
        return f"{run.prompt_tokens} · {run.completion_tokens} · {run.cache_hit_tokens}"

    @admin.display(description="error")
    def error_excerpt(self, obj):
        return obj.error.splitlines()[0][:120] if obj.error else ""
