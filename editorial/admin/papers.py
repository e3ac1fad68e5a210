"""The paper review page, the review queue and topic hits."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from editorial import edits, services
from editorial.admin.base import EditorialAdmin, PrintableTextMixin
from editorial.admin.filters import (
    DISPUTED_HITS,
    TO_REVIEW,
    AnnounceDateFilter,
    ConfidenceBandFilter,
    ReviewStateFilter,
    TopicFilter,
    VersionUpdateFilter,
)
from editorial.admin.forms import OptimisticLockForm
from editorial.admin.frontmatter import institutions_overview
from enrichment.tasks import papers_enrichment_rerun
from papers.models import (
    ZH_FIELDS,
    Announcement,
    Paper,
    PaperAuthor,
    PaperInstitution,
    PaperVersion,
    ReviewQueuePaper,
    TopicHit,
    ZhState,
)


class PaperAuthorInline(PrintableTextMixin, admin.TabularInline):
    """One line per author: the affiliation opens to its full text when edited."""

    model = PaperAuthor
    fields = ["position", "name", "affiliation", "institution"]
    autocomplete_fields = ["institution"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "class": "one-line"})}
    }
    extra = 0


class PaperInstitutionInline(PrintableTextMixin, admin.TabularInline):
    model = PaperInstitution
    fields = ["institution", "origin", "position", "source_line"]
    readonly_fields = ["origin", "source_line"]
    autocomplete_fields = ["institution"]
    extra = 0


class PaperVersionInline(PrintableTextMixin, admin.TabularInline):
    model = PaperVersion
    fields = ["version", "submitted_at", "title_changed", "abstract_changed"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class TopicHitForm(forms.ModelForm):
    class Meta:
        model = TopicHit
        fields = ["paper", "topic", "subtopic", "confidence", "reason", "review_state"]
        # The machine writes its reasons in Chinese, whatever the editor's language.
        labels = {"reason": "命中理由 / reason (machine, in Chinese)"}


class TopicHitInline(PrintableTextMixin, admin.TabularInline):
    """Accept or reject by changing the state; a new row is the editor's own hit (accepted)."""

    model = TopicHit
    form = TopicHitForm
    fields = [
        "topic",
        "subtopic",
        "confidence",
        "reason",
        "evidence_display",
        "proposed_confidence",
        "scorer_version",
        "review_state",
        "origin",
        "reviewed_by",
    ]
    readonly_fields = [
        "evidence_display",
        "proposed_confidence",
        "scorer_version",
        "origin",
        "reviewed_by",
    ]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})},
        models.FloatField: {"widget": forms.NumberInput(attrs={"step": "0.01", "size": 5})},
    }
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["confidence"].initial = 1.0
        return formset

    @admin.display(description="证据 / evidence")
    def evidence_display(self, hit):
        """The paper's words that weighed most for the topic, beside the one-sentence reason."""
        return "、".join(hit.evidence)


class AnnouncementInline(PrintableTextMixin, admin.TabularInline):
    model = Announcement
    fields = ["announce_date", "category", "announce_type", "version"]
    readonly_fields = fields
    extra = 0
    can_delete = False


NOT_TRANSLATED = "尚未翻译 / not yet translated"
FLAGS_CONFIRM = (
    "未标记为已审：机器译文有检查标记，请在论文页核对并勾选确认 / not marked reviewed: the "
    "machine text has open flags; check it on the paper page and tick the confirmation"
)
ZH_LABELS = {
    "title": "标题 / Title",
    "summary": "AI总结 / Summary",
    "abstract": "摘要 / Abstract",
}


def _flags_html(flags: list[str]):
    """Fidelity problems of the machine text (editors only; readers never see them)."""
    items = format_html_join("", "<li>{}</li>", ((flag,) for flag in flags))
    return format_html('<ul class="zh-warning zh-flags">{}</ul>', items)


def _zh_machine_display(field: str):
    """Read-only machine text, a warning when the source moved, and "revert to machine"."""

    @admin.display(description=f"{ZH_LABELS[field].split(' / ')[0]}（机器）/ machine")
    def display(self, paper):
        text = getattr(paper, f"{field}_zh_machine") or NOT_TRANSLATED
        parts = [format_html('<div class="zh-machine">{}</div>', text)]
        if flags := paper.enrichment_flags.get(field):
            parts.append(_flags_html(flags))
        if getattr(paper, f"{field}_zh_source_changed"):
            parts.append(
                format_html(
                    '<p class="zh-warning">{}</p>',
                    "英文原文已更新，请核对编辑译文 / the English source changed since the edit",
                )
            )
        if getattr(paper, f"{field}_zh_human"):
            parts.append(
                format_html(
                    '<button type="submit" class="button" name="_zh_revert" value="{}">{}</button>',
                    field,
                    "恢复机器译文 / revert to machine",
                )
            )
        return format_html_join("", "{}", ((part,) for part in parts))

    return display


class PaperForm(OptimisticLockForm):
    class Meta:
        model = Paper
        fields = ["title_zh_human", "summary_zh_human", "abstract_zh_human"]


ARXIV_FIELDS = [
    "arxiv_id",
    "version",
    "authors_text",
    "primary_category",
    "categories",
    "comments",
    "journal_ref",
    "doi",
    "license",
    "submitted_at",
    "updated_at",
    "metadata_state",
    "metadata_error",
]
ENRICHMENT_FIELDS = [
    "enrichment_state",
    "enrichment_error",
    "enrichment_attempts",
    "enriched_at",
    "enrichment_failures",
    "enrichment_retry_at",
    "enrichment_key",
    # What enrichment has cost so far: a record, not something to edit.
    "enrichment_prompt_tokens",
    "enrichment_completion_tokens",
    "enrichment_cache_hit_tokens",
    "enrichment_cost_usd",
]


@admin.register(Paper)
class PaperAdmin(EditorialAdmin):
    """One paper under review: English beside the machine's and the editor's Chinese."""

    form = PaperForm
    list_display = [
        "arxiv_id",
        "version",
        "title",
        "title_zh",
        "confidence",
        "hits_summary",
        "enrichment_status",
        "flags_summary",
        "zh_reviewed_at",
    ]
    list_filter = [
        ReviewStateFilter,
        AnnounceDateFilter,
        TopicFilter,
        ConfidenceBandFilter,
        VersionUpdateFilter,
        "enrichment_state",
        "metadata_state",
        "primary_category",
    ]
    search_fields = [
        "arxiv_id",
        "title",
        "title_zh_machine",
        "title_zh_human",
        "authors__name",
        "institutions__name",
        "institutions__name_zh",
    ]
    actions = ["accept_confident_hits", "mark_reviewed", "enrich_again"]
    fieldsets = [
        ("审校 / Review", {"fields": ["review_status", "loaded_version"]}),
        *(
            (
                ZH_LABELS[field],
                {
                    "fields": [(source, f"{field}_zh_machine_display", f"{field}_zh_human")],
                    "classes": ["zh-side-by-side"],
                },
            )
            for field, source in zip(ZH_FIELDS, ["title", "summary_en", "abstract"], strict=True)
        ),
        ("机构 / Institutions", {"fields": ["institutions_display"]}),
        ("arXiv", {"fields": ARXIV_FIELDS, "classes": ["collapse"]}),
        ("AI 处理 / Enrichment", {"fields": ENRICHMENT_FIELDS, "classes": ["collapse"]}),
    ]
    readonly_fields = [
        "review_status",
        "title",
        "summary_en",
        "abstract",
        "title_zh_machine_display",
        "summary_zh_machine_display",
        "abstract_zh_machine_display",
        "institutions_display",
        *ARXIV_FIELDS,
        *ENRICHMENT_FIELDS,
    ]
    inlines = [
        TopicHitInline,
        PaperInstitutionInline,
        PaperAuthorInline,
        AnnouncementInline,
        PaperVersionInline,
    ]

    title_zh_machine_display = _zh_machine_display("title")
    summary_zh_machine_display = _zh_machine_display("summary")
    abstract_zh_machine_display = _zh_machine_display("abstract")

    def get_queryset(self, request):
        # Annotate before ordering, so the queue can sort by disagreement and the strongest
        # hit's confidence.
        strongest = TopicHit.objects.filter(paper=OuterRef("pk")).order_by("-confidence")
        queryset = (
            self.model._default_manager.get_queryset()
            .annotate(
                max_confidence=Subquery(strongest.values("confidence")[:1]),
                disputed=DISPUTED_HITS,
            )
            .prefetch_related("topic_hits__topic")
        )
        return queryset.order_by(*self.get_ordering(request))

    def has_add_permission(self, request):
        return False  # papers come from arXiv only

    def get_fieldsets(self, request, obj=None):
        """Read-only fields other blocks add (enrichment usage, …) show in the last section."""
        placed = set(flatten_fieldsets(self.fieldsets))
        extra = [f for f in self.get_readonly_fields(request, obj) if f not in placed]
        *sections, (name, options) = self.fieldsets
        return [*sections, (name, {**options, "fields": [*options["fields"], *extra]})]

    @admin.display(description="论文首页与机构 / front matter and institutions")
    def institutions_display(self, paper):
        return institutions_overview(paper)

    @admin.display(description="中文标题 / Chinese title")
    def title_zh(self, paper):
        return paper.zh("title").value or NOT_TRANSLATED

    @admin.display(description="置信度 / confidence", ordering="max_confidence")
    def confidence(self, paper):
        return "" if paper.max_confidence is None else f"{paper.max_confidence:.2f}"

    @admin.display(description="AI 处理 / enrichment", ordering="enrichment_state")
    def enrichment_status(self, paper):
        """A failed paper shows why in the list, not only on its page."""
        state = paper.get_enrichment_state_display()
        failed = {Paper.EnrichmentState.FAILED, Paper.EnrichmentState.NEEDS_EDITOR}
        if paper.enrichment_state not in failed or not paper.enrichment_error:
            return state
        return f"{state}: {paper.enrichment_error.splitlines()[0][:120]}"

    @admin.display(description="检查标记 / flags")
    def flags_summary(self, paper):
        """Which fields the fidelity checks flagged, and how many problems each."""
        flags = paper.enrichment_flags
        order = [name for name in (*ZH_FIELDS, "hits") if flags.get(name)]
        return ", ".join(f"{name} {len(flags[name])}" for name in order)

    @admin.display(description="专题命中 / topic hits")
    def hits_summary(self, paper):
        """Slug, confidence (and the LLM's own where a scorer re-scored it), state."""
        return ", ".join(
            f"{hit.topic.slug} {hit.confidence:.2f}"
            + ("" if hit.proposed_confidence is None else f" (LLM {hit.proposed_confidence:.2f})")
            + f" {hit.get_review_state_display().split()[0]}"
            for hit in paper.topic_hits.all()
        )

    @admin.display(description="状态 / state")
    def review_status(self, paper):
        states = format_html_join(
            " · ",
            "{}: {}",
            ((ZH_LABELS[f], ZhState(paper.zh(f).state).label) for f in ZH_FIELDS),
        )
        if paper.zh_reviewed_at:
            reviewed = format_html(
                "已审校 / reviewed {} by {}", paper.zh_reviewed_at, paper.zh_reviewed_by or "auto"
            )
        else:
            reviewed = "未审校 / not reviewed"
        button = format_html(
            '<button type="submit" class="button default" name="_mark_reviewed">{}</button>',
            "保存并标记为已审 / save and mark reviewed",
        )
        flags = paper.enrichment_flags.get("hits", [])
        if services.paper_flags_open(paper=paper):
            button = format_html(
                '<label><input type="checkbox" name="_flags_confirmed"> {}</label> {}',
                "已核对标记的机器译文 / I have checked the flagged machine text",
                button,
            )
        hits_flags = _flags_html(flags) if flags else ""
        return format_html("<p>{}</p><p>{}</p>{}{}", states, reviewed, hits_flags, button)

    def save_model(self, request, obj, form, change):
        if (field := request.POST.get("_zh_revert")) in ZH_FIELDS:
            services.paper_zh_revert(paper=obj, field=field, user=request.user)
        elif "_mark_reviewed" in request.POST:
            confirmed = "_flags_confirmed" in request.POST
            try:
                services.paper_review_mark(paper=obj, user=request.user, flags_confirmed=confirmed)
            except services.FlagsOpen as exc:
                super().save_model(request, obj, form, change)  # the edits, not the review
                self.message_user(request, f"{FLAGS_CONFIRM}: {exc}", messages.WARNING)
                obj.review_refused = True  # the editor stays to tick the confirmation
        else:
            super().save_model(request, obj, form, change)

    def inline_row_save(self, request, row):
        if isinstance(row, TopicHit):
            services.topic_hit_editor_save(hit=row, user=request.user)
        elif isinstance(row, PaperInstitution):
            edits.paper_institution_editor_save(link=row, user=request.user)
        else:
            super().inline_row_save(request, row)

    def response_change(self, request, obj):
        """Reverting stays on the page; marking reviewed returns to the (filtered) list, as
        Save does, unless open flags refused it."""
        if request.POST.get("_zh_revert") in ZH_FIELDS or getattr(obj, "review_refused", False):
            self.message_user(request, "已保存 / saved.", messages.SUCCESS)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    @admin.action(
        description="接受达到专题阈值的命中 / accept hits at or above the topic threshold",
        permissions=["change"],
    )
    def accept_confident_hits(self, request, queryset):
        hits = TopicHit.objects.filter(paper__in=queryset.values("pk"))
        accepted = services.topic_hits_accept_above_threshold(hits=hits, user=request.user)
        self.message_user(request, f"已接受 {len(accepted)} 个 / {len(accepted)} accepted.")

    @admin.action(description="标记为已审 / mark reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        flagged = []
        for paper in queryset:
            try:
                services.paper_review_mark(paper=paper, user=request.user)
            except services.FlagsOpen:
                flagged.append(paper.arxiv_id)
        self.message_user(request, "已标记为已审 / marked reviewed.")
        if flagged:
            self.message_user(request, f"{FLAGS_CONFIRM}: {', '.join(flagged)}", messages.WARNING)

    @admin.action(description="重新 AI 处理 / re-run enrichment", permissions=["change"])
    def enrich_again(self, request, queryset):
        queued = papers_enrichment_rerun(papers=queryset, user=request.user)
        self.message_user(request, f"已排队 {queued} 篇 / {queued} papers queued.")


@admin.register(ReviewQueuePaper)
class ReviewQueueAdmin(PaperAdmin):
    """Papers a person still has to look at: suggestions waiting, or accepted papers whose
    Chinese text nobody has reviewed yet."""

    list_filter = PaperAdmin.list_filter[1:]

    def get_ordering(self, request):
        # A method, not `ordering`: the annotations are unknown to the admin's system checks.
        # Where the LLM and the learned scorer disagree strongly, a person looks first.
        return ["-disputed", F("max_confidence").desc(nulls_last=True), "-arxiv_id"]

    def get_queryset(self, request):
        """The list is the queue; a paper's page (and the return to it after Save and continue)
        stays open once the paper has left the queue."""
        papers = super().get_queryset(request)
        changelist = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        if getattr(request.resolver_match, "url_name", None) == changelist:
            return papers.filter(TO_REVIEW)
        return papers

    def history_view(self, request, object_id, extra_context=None):
        """The queue is a view on papers: their history lives on the paper's own page."""
        return HttpResponseRedirect(reverse("admin:papers_paper_history", args=[object_id]))


@admin.register(TopicHit)
class TopicHitAdmin(EditorialAdmin):
    list_display = [
        "paper",
        "topic",
        "subtopic",
        "confidence",
        "origin",
        "review_state",
        "reviewed_by",
    ]
    list_filter = ["review_state", "origin", "topic"]
    search_fields = ["paper__arxiv_id", "paper__title", "reason"]
    list_select_related = ["paper", "topic", "subtopic", "reviewed_by"]
    raw_id_fields = ["paper"]
    form = TopicHitForm
    readonly_fields = ["origin", "reviewed_by", "reviewed_at"]
    actions = ["accept", "reject", "accept_confident"]

    def save_model(self, request, obj, form, change):
        services.topic_hit_editor_save(hit=obj, user=request.user)

    @admin.action(description="接受所选命中 / accept selected hits", permissions=["change"])
    def accept(self, request, queryset):
        accepted = services.topic_hit_accept(hits=queryset, user=request.user)
        self.message_user(request, f"已接受 {len(accepted)} 个 / {len(accepted)} accepted.")

    @admin.action(description="拒绝所选命中 / reject selected hits", permissions=["change"])
    def reject(self, request, queryset):
        rejected = services.topic_hit_reject(hits=queryset, user=request.user)
        self.message_user(request, f"已拒绝 {len(rejected)} 个 / {len(rejected)} rejected.")

    @admin.action(
        description="接受达到专题阈值的命中 / accept hits at or above the topic threshold",
        permissions=["change"],
    )
    def accept_confident(self, request, queryset):
        accepted = services.topic_hits_accept_above_threshold(hits=queryset, user=request.user)
        self.message_user(request, f"已接受 {len(accepted)} 个 / {len(accepted)} accepted.")
