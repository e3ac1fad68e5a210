"""Pieces of the editors' admin: queue filters, the no-lost-update form, read-only run admins."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q

from papers.models import ZH_FIELDS, Announcement, TopicHit
from papers.selectors import announce_dates_list
from topics.models import Topic

# ---- review-queue filters ----

SUGGESTED_HITS = Exists(
    TopicHit.objects.filter(paper=OuterRef("pk"), review_state=TopicHit.ReviewState.SUGGESTED)
)
ACCEPTED_HITS = Exists(
    TopicHit.objects.filter(paper=OuterRef("pk"), review_state=TopicHit.ReviewState.ACCEPTED)
)
# A paper needs a person while the machine's suggestions wait, or once it is accepted for a
# page and its Chinese text is unreviewed. Papers no topic wants stay out of the queue.
TO_REVIEW = SUGGESTED_HITS | (ACCEPTED_HITS & Q(zh_reviewed_at__isnull=True))
ZH_SOURCE_CHANGED = Q(
    *(Q(**{f"{field}_zh_source_changed": True}) for field in ZH_FIELDS), _connector=Q.OR
)


class AnnounceDateFilter(admin.SimpleListFilter):
    title = "公告日期 / announce date"
    parameter_name = "announce_date"

    def lookups(self, request, model_admin):
        return [(day.isoformat(), day.isoformat()) for day in announce_dates_list()[:30]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = dt.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(
            Exists(Announcement.objects.filter(paper=OuterRef("pk"), announce_date=day))
        )


class TopicFilter(admin.SimpleListFilter):
    title = "专题 / topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return [(topic.slug, topic.name_zh) for topic in Topic.objects.active()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        hits = TopicHit.objects.filter(paper=OuterRef("pk"), topic__slug=self.value())
        return queryset.filter(Exists(hits.exclude(review_state=TopicHit.ReviewState.REJECTED)))


class QChoicesFilter(admin.SimpleListFilter):
    """A filter whose choices are named Q conditions: CHOICES = {value: (label, Q)}."""

    CHOICES: dict = {}

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.CHOICES.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.CHOICES:
            return queryset
        return queryset.filter(self.CHOICES[self.value()][1])


class ReviewStateFilter(QChoicesFilter):
    title = "审校状态 / review state"
    parameter_name = "review"
    CHOICES = {
        "todo": ("待审 / to review", TO_REVIEW),
        "hits": ("有待定命中 / suggested hits", SUGGESTED_HITS),
        "zh": (
            "已接受、中文未审 / accepted, Chinese unreviewed",
            ACCEPTED_HITS & Q(zh_reviewed_at__isnull=True),
        ),
        "done": ("已审 / reviewed", ~TO_REVIEW),
    }


class ConfidenceBandFilter(QChoicesFilter):
    """On the paper's strongest hit (`max_confidence`, annotated by the admin's queryset)."""

    title = "置信度 / confidence"
    parameter_name = "confidence"
    CHOICES = {
        "high": ("高 / ≥ 0.8", Q(max_confidence__gte=0.8)),
        "mid": ("中 / 0.5–0.8", Q(max_confidence__gte=0.5, max_confidence__lt=0.8)),
        "low": ("低 / < 0.5", Q(max_confidence__lt=0.5)),
        "none": ("无命中 / no hits", Q(max_confidence__isnull=True)),
    }


class VersionUpdateFilter(QChoicesFilter):
    title = "版本更新 / version update"
    parameter_name = "updated"
    CHOICES = {
        "yes": ("有新版本 / v2 or later", Q(version__gt=1)),
        "source": ("原文已变，需核对译文 / source changed under edits", ZH_SOURCE_CHANGED),
    }


# ---- no lost updates ----

CONFLICT_MESSAGE = (
    "保存冲突：您打开此页后，其他人（或机器处理）已保存过这条记录，您的修改没有保存。"
    "请在新标签页重新打开此页查看最新内容，再把您的修改重新填入。 / "
    "Conflict: someone else saved this record after you opened it, so your changes were NOT "
    "saved. Reopen the page in a new tab to see the latest version, then redo your edits."
)


class OptimisticLockForm(forms.ModelForm):
    """Refuses a save when the row changed since the form was shown (optimistic locking).

    The stamp is the model's auto-updated timestamp (`lock_field`). The check locks the row
    (the admin saves inside a transaction), so two simultaneous saves cannot both pass.
    """

    lock_field = "modified_at"
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self._stamp(
                getattr(self.instance, self.lock_field)
            )

    @staticmethod
    def _stamp(value) -> str:
        return value.isoformat() if value else ""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                type(self.instance)
                ._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list(self.lock_field, flat=True)
                .first()
            )
            if cleaned.get("loaded_version") != self._stamp(current):
                raise ValidationError(CONFLICT_MESSAGE, code="conflict")
        return cleaned


# ---- machine runs: read-only, with a retry ----


class RunAdminMixin:
    """Runs are written by the machine only; people read them and may queue a retry."""

    actions = ["retry"]
    retry_service = None  # staticmethod(function(*, run) -> bool), set by each run admin

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="重试 / retry", permissions=["view"])
    def retry(self, request, queryset):
        queued = sum(self.retry_service(run=run) for run in queryset)
        if queued:
            self.message_user(request, f"已排队重试 {queued} 项 / {queued} retries queued.")
        else:
            self.message_user(
                request, "重试功能尚不可用 / retry is not available yet.", messages.WARNING
            )
