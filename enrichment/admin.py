"""The enrichment log (what each run did, used and cost) and the topic scorers' versions."""

from django.contrib import admin

from enrichment.backends.reliability import Band
from enrichment.curation.display import bands_html
from enrichment.tasks import enrichment_run_retry, scorers_retrain_queue
from papers.admin import RunAdminMixin
from papers.models import EnrichmentRun, ScorerModel


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


COUNTS = ["topic", "version", "created_at", "labelled", "accepted", "rejected"]


@admin.register(ScorerModel)
class ScorerModelAdmin(admin.ModelAdmin):
    """Each trained version of a topic's scorer: on what, how well (out of fold), its bands."""

    list_display = [*COUNTS, "f1", "threshold"]
    list_filter = ["topic"]
    search_fields = ["topic__slug", "topic__name_zh"]
    list_select_related = ["topic"]
    fields = [*COUNTS, "threshold", "library", "reliability"]
    readonly_fields = fields
    actions = ["retrain"]

    def has_add_permission(self, request):
        return False  # versions come from training only

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="F1 (out of fold)")
    def f1(self, row):
        return row.metrics.get("f1")

    @admin.display(description="交叉验证可靠性 / out-of-fold reliability")
    def reliability(self, row):
        return bands_html([Band(*band) for band in row.metrics.get("bands", [])])

    @admin.action(description="重新训练（数据有变化的专题）/ retrain", permissions=["view"])
    def retrain(self, request, queryset):
        scorers_retrain_queue()
        self.message_user(request, "已排队 / queued.")
