from django.contrib import admin
from django.db import models

from papers.enrich.services import papers_enrichment_rerun
from papers.models import (
    Announcement,
    DailyPage,
    DailyPageEntry,
    EnrichmentRun,
    IngestRun,
    Institution,
    InstitutionAlias,
    Paper,
    PaperAuthor,
    PaperInstitution,
    PaperVersion,
    TopicHit,
)


class InstitutionAliasInline(admin.TabularInline):
    model = InstitutionAlias
    extra = 1


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "country"]
    list_filter = ["country"]
    search_fields = ["name", "name_zh", "aliases__name"]
    inlines = [InstitutionAliasInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(InstitutionAlias)
class InstitutionAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "institution"]
    search_fields = ["name", "institution__name"]
    autocomplete_fields = ["institution"]


class PaperAuthorInline(admin.TabularInline):
    model = PaperAuthor
    fields = ["position", "name", "affiliation", "institution"]
    autocomplete_fields = ["institution"]
    extra = 0


class PaperInstitutionInline(admin.TabularInline):
    model = PaperInstitution
    fields = ["institution", "origin", "position"]
    autocomplete_fields = ["institution"]
    extra = 0


class PaperVersionInline(admin.TabularInline):
    model = PaperVersion
    fields = ["version", "submitted_at", "title_changed", "abstract_changed"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class TopicHitInline(admin.TabularInline):
    model = TopicHit
    fields = ["topic", "subtopic", "confidence", "reason", "origin", "review_state"]
    extra = 0


class AnnouncementInline(admin.TabularInline):
    model = Announcement
    fields = ["announce_date", "category", "announce_type", "version"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = [
        "arxiv_id",
        "version",
        "title",
        "primary_category",
        "metadata_state",
        "enrichment_state",
        "zh_reviewed_at",
    ]
    list_filter = ["metadata_state", "enrichment_state", "primary_category"]
    search_fields = ["arxiv_id", "title", "title_zh_machine", "title_zh_human", "authors__name"]
    readonly_fields = [
        "title_zh_machine",
        "summary_zh_machine",
        "abstract_zh_machine",
        "summary_en",
        "enrichment_key",
        "enriched_at",
        "created_at",
        "modified_at",
    ]
    inlines = [
        PaperAuthorInline,
        PaperInstitutionInline,
        TopicHitInline,
        AnnouncementInline,
        PaperVersionInline,
    ]


@admin.register(PaperVersion)
class PaperVersionAdmin(admin.ModelAdmin):
    list_display = ["paper", "version", "submitted_at", "title_changed", "abstract_changed"]
    list_filter = ["title_changed", "abstract_changed"]
    search_fields = ["paper__arxiv_id", "title"]
    list_select_related = ["paper"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["paper", "announce_date", "category", "announce_type", "version"]
    list_filter = ["announce_type", "announce_date", "category"]
    search_fields = ["paper__arxiv_id", "paper__title"]
    date_hierarchy = "announce_date"
    list_select_related = ["paper"]
    raw_id_fields = ["paper"]


@admin.register(TopicHit)
class TopicHitAdmin(admin.ModelAdmin):
    list_display = ["paper", "topic", "subtopic", "confidence", "origin", "review_state"]
    list_filter = ["review_state", "origin", "topic"]
    search_fields = ["paper__arxiv_id", "paper__title", "reason"]
    list_select_related = ["paper", "topic", "subtopic"]
    raw_id_fields = ["paper"]


class DailyPageEntryInline(admin.TabularInline):
    model = DailyPageEntry
    fields = ["paper", "position"]
    raw_id_fields = ["paper"]
    extra = 0


@admin.register(DailyPage)
class DailyPageAdmin(admin.ModelAdmin):
    list_display = ["topic", "announce_date", "status", "published_at", "published_by"]
    list_filter = ["status", "topic", "announce_date"]
    search_fields = ["topic__name_zh", "topic__name_en", "note"]
    date_hierarchy = "announce_date"
    inlines = [DailyPageEntryInline]


@admin.register(DailyPageEntry)
class DailyPageEntryAdmin(admin.ModelAdmin):
    list_display = ["page", "paper", "position"]
    list_filter = ["page__topic"]
    search_fields = ["paper__arxiv_id"]
    raw_id_fields = ["paper", "page"]


@admin.register(PaperAuthor)
class PaperAuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "paper", "position", "institution"]
    search_fields = ["name", "affiliation", "paper__arxiv_id"]
    list_filter = [("institution", admin.EmptyFieldListFilter)]
    raw_id_fields = ["paper", "institution"]


@admin.register(PaperInstitution)
class PaperInstitutionAdmin(admin.ModelAdmin):
    list_display = ["paper", "institution", "origin", "position"]
    list_filter = ["origin"]
    search_fields = ["paper__arxiv_id", "institution__name", "institution__name_zh"]
    raw_id_fields = ["paper", "institution"]


# ======================================================================= ingest (issue 4)


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    """A read-only log: what each ingest did, how long it took and why it failed."""

    list_display = [
        "started_at",
        "source",
        "announce_date",
        "categories_display",
        "status",
        "new_count",
        "cross_count",
        "replaced_count",
        "unchanged_count",
        "pending_count",
        "failed_count",
        "requests_count",
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
        "requests_count",
        "error",
    ]
    readonly_fields = [name for row in fields for name in ([row] if isinstance(row, str) else row)]

    @admin.display(description="categories")
    def categories_display(self, run: IngestRun) -> str:
        return ", ".join(run.categories)

    @admin.display(description="duration")
    def duration(self, run: IngestRun) -> str:
        if not run.finished_at:
            return "—"
        return f"{(run.finished_at - run.started_at).total_seconds():.1f} s"

    @admin.display(description="error", boolean=True)
    def has_error(self, run: IngestRun) -> bool:
        return bool(run.error)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# =================================================================== end ingest (issue 4)


@admin.register(EnrichmentRun)
class EnrichmentRunAdmin(admin.ModelAdmin):
    """A read-only log: what each run did, used and cost, and why papers failed."""

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
        "cost_usd",
        "error_excerpt",
    ]
    list_filter = ["status", "backend", "model"]
    search_fields = ["error", "model"]
    date_hierarchy = "started_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="error")
    def error_excerpt(self, obj):
        return obj.error.splitlines()[0][:120] if obj.error else ""


# --- Enrichment (issue 5): re-run action on papers ---


@admin.action(description="重新进行 AI 处理 / Re-run enrichment", permissions=["change"])
def enrichment_rerun(modeladmin, request, queryset):
    count = papers_enrichment_rerun(papers=queryset)
    modeladmin.message_user(request, f"{count} paper(s) queued for enrichment.")


PaperAdmin.actions = [*PaperAdmin.actions, enrichment_rerun]
# What enrichment has cost is a record, not something to edit.
PaperAdmin.readonly_fields = [
    *PaperAdmin.readonly_fields,
    "enrichment_prompt_tokens",
    "enrichment_completion_tokens",
    "enrichment_cost_usd",
]
