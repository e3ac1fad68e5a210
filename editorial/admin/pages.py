"""Daily pages: order, note, preview; chief editors publish and unpublish."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.utils import update_change_reason

from editorial import services
from editorial.admin.base import EditorialAdmin, PrintableTextMixin, change_reason
from editorial.admin.forms import OptimisticLockForm
from papers.models import (
    DailyPage,
    DailyPageEntry,
)
from public.selectors import announce_dates_list, topic_day_get


class DailyPageEntryInline(PrintableTextMixin, admin.TabularInline):
    """Manual positions; papers without one follow by confidence."""

    model = DailyPageEntry
    fields = ["position", "paper"]
    raw_id_fields = ["paper"]
    extra = 0


class PublishDateForm(forms.Form):
    announce_date = forms.DateField(
        label="公告日期 / announce date",
        initial=lambda: announce_dates_list().first(),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class DailyPageForm(OptimisticLockForm):
    lock_field = "updated_at"

    class Meta:
        model = DailyPage
        fields = ["topic", "announce_date", "note"]


@admin.register(DailyPage)
class DailyPageAdmin(EditorialAdmin):
    """A topic's day: order, note, preview; chief editors publish and unpublish."""

    form = DailyPageForm
    list_display = [
        "topic",
        "announce_date",
        "status",
        "published_at",
        "published_by",
        "preview_links",
    ]
    list_filter = ["status", "topic", "announce_date"]
    list_select_related = ["topic", "published_by"]
    search_fields = ["topic__name_zh", "topic__name_en", "note"]
    date_hierarchy = "announce_date"
    inlines = [DailyPageEntryInline]
    readonly_fields = ["status", "published_at", "published_by", "preview_links", "papers_list"]
    actions = ["order_fill", "publish", "unpublish", "publish_dates"]

    def get_fields(self, request, obj=None):
        fields = ["topic", "announce_date", "note", "loaded_version", *self.readonly_fields]
        if obj is not None and self.has_publish_permission(request):
            fields.insert(fields.index("status") + 1, "publish_controls")
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = [*self.readonly_fields, "publish_controls"]
        return [*readonly, "topic", "announce_date"] if obj else readonly

    def has_publish_permission(self, request):
        return request.user.has_perm("papers.publish_dailypage")

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        publish_date = self.admin_site.admin_view(self.publish_date_view)
        return [
            path("publish-date/", publish_date, name="papers_dailypage_publish_date"),
            path("<path:object_id>/preview/", preview, name="papers_dailypage_preview"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        can_publish = self.has_publish_permission(request)
        extra_context = {**(extra_context or {}), "can_publish": can_publish}
        return super().changelist_view(request, extra_context)

    def publish_date_view(self, request):
        """Publish every topic with accepted papers on one announce date, in one step."""
        if not self.has_publish_permission(request):
            raise PermissionDenied
        form = PublishDateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            day = form.cleaned_data["announce_date"]
            pages = services.daily_pages_publish_for_date(announce_date=day, user=request.user)
            self.message_user(request, f"已发布 {len(pages)} 页 / {len(pages)} published.")
            changelist = reverse("admin:papers_dailypage_changelist")
            return HttpResponseRedirect(f"{changelist}?announce_date={day:%Y-%m-%d}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "发布某日全部专题 / Publish all topics for a date",
            "form": form,
        }
        return TemplateResponse(request, "admin/papers/dailypage/publish_date.html", context)

    def preview_view(self, request, object_id):
        """Exactly what publishing would show (the same read as the public page), drafts too."""
        page = self.get_object(request, object_id)
        if page is None or not self.has_view_permission(request, page):
            raise PermissionDenied
        day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"预览 / Preview: {page}",
            "page": page,
            "day": day,
        }
        return TemplateResponse(request, "admin/papers/dailypage/preview.html", context)

    @admin.display(description="预览 / preview")
    def preview_links(self, page):
        if page.pk is None:
            return ""
        return format_html(
            '<a href="{}">后台预览 / admin preview</a> · <a href="{}">网站预览 / site preview</a>',
            reverse("admin:papers_dailypage_preview", args=[page.pk]),
            f"/topics/{page.topic.slug}/{page.announce_date:%Y-%m-%d}/?preview=1",
        )

    @admin.display(description="已接受论文（当前顺序）/ accepted papers, in order")
    def papers_list(self, page):
        if page.pk is None:
            return ""
        day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
        if not day.papers:
            return "尚无已接受的论文 / no accepted papers yet"
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> {} ({})</li>',
            (
                (
                    reverse("admin:papers_paper_change", args=[paper.pk]),
                    paper.arxiv_id,
                    paper.title,
                    f"{paper.hit.confidence:.2f}",
                )
                for paper in day.papers
            ),
        )
        return format_html("<ol>{}</ol>", rows)

    @admin.display(description="发布 / publishing")
    def publish_controls(self, page):
        if page.status == DailyPage.Status.PUBLISHED:
            name, label = "_unpublish", "保存并撤回 / save and unpublish"
        else:
            name, label = "_publish", "保存并发布 / save and publish"
        return format_html(
            '<button type="submit" class="button" name="{}">{}</button>', name, label
        )

    def save_model(self, request, obj, form, change):
        """Save, then publish or withdraw if that button was pressed (the service checks the
        permission: a forged button press is refused and the save with it). A press with no
        edits is the publication alone: one change in the history, not two."""
        publishing = change and ("_publish" in request.POST or "_unpublish" in request.POST)
        if form.has_changed() or not publishing:
            super().save_model(request, obj, form, change)
        if not publishing:
            return
        if "_publish" in request.POST:
            page = services.daily_page_publish(page=obj, user=request.user)
        else:
            page = services.daily_page_unpublish(page=obj, user=request.user)
        if reason := change_reason(request):
            update_change_reason(page, reason)  # the services save the page as read afresh

    @admin.action(
        description="写出当前顺序以便调整 / write the current order to edit it",
        permissions=["change"],
    )
    def order_fill(self, request, queryset):
        count = sum(
            services.daily_page_order_fill(page=page, user=request.user) for page in queryset
        )
        self.message_user(request, f"已写出 {count} 个位置 / {count} positions written.")

    @admin.action(description="发布 / publish", permissions=["publish"])
    def publish(self, request, queryset):
        for page in queryset:
            services.daily_page_publish(page=page, user=request.user)
        self.message_user(request, f"已发布 {len(queryset)} 页 / {len(queryset)} published.")

    @admin.action(description="撤回 / unpublish", permissions=["publish"])
    def unpublish(self, request, queryset):
        for page in queryset:
            services.daily_page_unpublish(page=page, user=request.user)
        self.message_user(request, f"已撤回 {len(queryset)} 页 / {len(queryset)} unpublished.")

    @admin.action(
        description="发布所选日期的全部专题 / publish all topics for the selected dates",
        permissions=["publish"],
    )
    def publish_dates(self, request, queryset):
        dates = sorted(set(queryset.values_list("announce_date", flat=True)))
        pages = []
        for announce_date in dates:
            pages += services.daily_pages_publish_for_date(
                announce_date=announce_date, user=request.user
            )
        self.message_user(request, f"已发布 {len(pages)} 页 / {len(pages)} published.")


@admin.register(DailyPageEntry)
class DailyPageEntryAdmin(EditorialAdmin):
    list_display = ["page", "paper", "position"]
    list_filter = ["page__topic"]
    search_fields = ["paper__arxiv_id"]
    raw_id_fields = ["paper", "page"]
