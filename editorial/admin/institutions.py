"""The institutions desk: merge duplicates, Chinese names, ROR links, and two work lists
(unmatched names by how many papers use them; Chinese-region institutions without a Chinese
name readers can see)."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.html import format_html

from editorial import institutions as services
from editorial.admin.base import EditorialAdmin, PrintableTextMixin
from papers.models import Institution, InstitutionAlias, PaperInstitution

# Mainland China, Hong Kong, Macau, Taiwan: readers of these institutions expect a Chinese name.
CHINESE_REGIONS = ("CN", "HK", "MO", "TW")


def source_badge(institution_source: str) -> str:
    """The institution's source as a small coloured label (ROR / curated / editor / unmatched),
    styled like the paper page's (static/papers/admin/editorial.css)."""
    return format_html(
        '<span class="source-badge badge-{}">{}</span>',
        institution_source,
        Institution.Source(institution_source).label,
    )


class WorklistFilter(admin.SimpleListFilter):
    title = "待处理 / to do"
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [
            ("unmatched", "未匹配（按论文数）/ unmatched, most used first"),
            ("zh_missing", "港澳台及内地缺中文名 / CN, HK, MO, TW without a Chinese name"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "unmatched":
            return queryset.filter(source=Institution.Source.UNMATCHED)
        if self.value() == "zh_missing":
            # Readers see no Chinese name: none, or only the machine's proposal.
            return queryset.filter(country__in=CHINESE_REGIONS).exclude(
                ~Q(name_zh=""), name_zh_source__in=Institution.PUBLIC_ZH_SOURCES
            )
        return queryset


def _paper_count() -> Coalesce:
    """How many papers name the institution (a subquery per row)."""
    count = (
        PaperInstitution.objects.filter(institution=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count), 0)


class InstitutionAliasInline(PrintableTextMixin, admin.TabularInline):
    model = InstitutionAlias
    extra = 1


class InstitutionForm(forms.ModelForm):
    """A changed Chinese name is the editor's; a ROR id typed here links the registry record."""

    link_ror_id = forms.CharField(
        label="关联 ROR / link to ROR id",
        required=False,
        help_text="03cve4549 or https://ror.org/03cve4549: fills name, country and (unless an "
        "editor set it) the Chinese name from the registry.",
    )

    class Meta:
        model = Institution
        fields = ["name", "name_zh", "country", "url"]
        field_classes = {"url": partial(forms.URLField, assume_scheme="https")}

    def clean_link_ror_id(self):
        value = self.cleaned_data["link_ror_id"].strip()
        if value:
            try:
                services.institution_ror_link_check(institution=self.instance, ror_id=value)
            except services.InstitutionLinkError as error:
                raise ValidationError(str(error)) from error
        return value


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        widget=forms.RadioSelect,
        label="保留 / keep",
        empty_label=None,
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = institutions
        # The registry's record first, then the most used one.
        self.fields["target"].initial = min(
            institutions, key=lambda i: (i.source == Institution.Source.UNMATCHED, -i.paper_count)
        ).pk


@admin.register(Institution)
class InstitutionAdmin(EditorialAdmin):
    form = InstitutionForm
    list_display = [
        "name",
        "name_zh",
        "name_zh_source",
        "source_label",
        "country",
        "ror_link",
        "paper_count",
    ]
    list_filter = [WorklistFilter, "source", "name_zh_source", "country"]
    search_fields = ["name", "name_zh", "ror_id", "aliases__name"]
    readonly_fields = ["source_label", "name_zh_source", "ror_link", "paper_count"]
    fields = [
        "name",
        "name_zh",
        "name_zh_source",
        "source_label",
        "country",
        "url",
        "ror_link",
        "link_ror_id",
        "paper_count",
    ]
    inlines = [InstitutionAliasInline]
    actions = ["merge", "confirm_institutions", "confirm_zh_names"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_count=_paper_count())

    def get_ordering(self, request):
        # Most used first: the names worth an editor's minute come to the top. An expression,
        # not the annotation: Django also orders other admins' choices of institutions by it.
        return [_paper_count().desc(), "name"]

    @admin.display(description="论文数 / papers", ordering="paper_count")
    def paper_count(self, institution):
        return institution.paper_count

    @admin.display(description="来源 / source", ordering="source")
    def source_label(self, institution):
        return source_badge(institution.source)

    @admin.display(description="ROR", ordering="ror_id")
    def ror_link(self, institution):
        if not institution.ror_id:
            return "—"
        return format_html('<a href="{}">{}</a>', institution.ror_url, institution.ror_id)

    def save_model(self, request, obj, form, change):
        services.institution_editor_save(
            institution=obj, name_zh_changed="name_zh" in form.changed_data, user=request.user
        )
        if ror_id := form.cleaned_data.get("link_ror_id"):
            services.institution_ror_link(institution=obj, ror_id=ror_id, user=request.user)

    @admin.action(description="合并所选机构 / merge selected institutions", permissions=["change"])
    def merge(self, request, queryset):
        institutions = queryset.order_by("-paper_count", "name")
        if len(institutions) < 2:
            self.message_user(request, "请至少选择两个 / select two or more.", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "_merge" in request.POST else None, institutions=institutions
        )
        if form.is_valid():
            target = form.cleaned_data["target"]
            services.institutions_merge(target=target, others=institutions, user=request.user)
            self.message_user(request, f"已合并到 / merged into {target.name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "合并机构 / Merge institutions",
            "form": form,
            "institutions": institutions,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/papers/institution/merge.html", context)

    @admin.action(
        description="确认为机构（注册表未收录）/ confirm as institutions the registry lacks",
        permissions=["change"],
    )
    def confirm_institutions(self, request, queryset):
        count = services.institutions_confirm(institutions=queryset, user=request.user)
        self.message_user(request, f"已确认 {count} 个 / {count} confirmed.")

    @admin.action(
        description="确认机器中文名 / confirm the machine's Chinese names", permissions=["change"]
    )
    def confirm_zh_names(self, request, queryset):
        count = services.institutions_name_zh_confirm(institutions=queryset, user=request.user)
        self.message_user(request, f"已确认 {count} 个中文名 / {count} Chinese names confirmed.")
