"""The review queue's filters: what still needs a person, by date, topic, state and confidence."""

import datetime as dt

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

from enrichment.curation.selectors import hits_disputed
from papers.models import ZH_FIELDS, Announcement, TopicHit
from public.selectors import announce_dates_list
from topics.models import Topic

# ---- review-queue filters ----

SUGGESTED_HITS = Exists(
    TopicHit.objects.filter(paper=OuterRef("pk"), review_state=TopicHit.ReviewState.SUGGESTED)
)
ACCEPTED_HITS = Exists(TopicHit.objects.accepted().filter(paper=OuterRef("pk")))
# A paper needs a person while the machine's suggestions wait, or once it is accepted for a
# page and its Chinese text is unreviewed. Papers no topic wants stay out of the queue.
TO_REVIEW = SUGGESTED_HITS | (ACCEPTED_HITS & Q(zh_reviewed_at__isnull=True))
# Where the LLM and the learned scorer disagree strongly, the queue shows the paper first.
DISPUTED_HITS = Exists(hits_disputed().filter(paper=OuterRef("pk")))
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
        return [(topic.slug, topic.name) for topic in Topic.objects.active()]

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
