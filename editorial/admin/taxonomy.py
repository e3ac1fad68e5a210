"""The taxonomy chief editors keep: areas, topics, subtopics (admin URLs stay topics_…).

Here rather than in topics/ because editing is editorial work: the saves go through
editorial.edits, and topics, the lowest app, imports nothing of the project.
"""

from django.contrib import admin
from django.utils.html import format_html

from editorial.admin.base import EditorialAdmin, PrintableTextMixin
from enrichment.curation.display import bands_html
from enrichment.curation.selectors import scorer_latest, topic_reliability
from enrichment.tasks import scorers_retrain_queue
from topics.models import Area, Subtopic, Topic


class TopicInline(PrintableTextMixin, admin.TabularInline):
    model = Topic
    fields = ["slug", "name_zh", "name_en", "position", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Area)
class AreaAdmin(EditorialAdmin):
    list_display = ["name_zh", "name_en", "slug", "position"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [TopicInline]


class SubtopicInline(PrintableTextMixin, admin.TabularInline):
    model = Subtopic
    fields = ["slug", "name_zh", "name_en", "keywords", "position"]
    extra = 0


@admin.register(Topic)
class TopicAdmin(EditorialAdmin):
    list_display = [
        "name_zh",
        "name_en",
        "area",
        "slug",
        "confidence_threshold",
        "publish_policy",
        "is_active",
    ]
    list_filter = ["area", "publish_policy", "is_active"]
    search_fields = ["name_zh", "name_en", "slug", "description_zh", "description_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["reliability"]
    inlines = [SubtopicInline]
    actions = ["retrain_scorers"]

    @admin.display(description="置信度可靠性 / reliability of confidences")
    def reliability(self, topic):
        """Editors' verdicts on the machine's hits per score band, and the threshold the
        newest scorer suggests (which becomes the default until an editor sets one)."""
        if topic.pk is None:
            return ""
        scorer = scorer_latest(topic=topic)
        note = (
            f"{scorer}: 建议阈值 / suggested threshold {scorer.threshold}"
            if scorer
            else "尚无评分模型，按关键词 / no scorer yet: keywords"
        )
        return format_html("{}<p>{}</p>", bands_html(topic_reliability(topic=topic)), note)

    @admin.action(
        description="重新训练评分模型 / retrain the topic scorers", permissions=["change"]
    )
    def retrain_scorers(self, request, queryset):
        scorers_retrain_queue()
        self.message_user(request, "已排队 / queued.")


@admin.register(Subtopic)
class SubtopicAdmin(EditorialAdmin):
    list_display = ["name_zh", "name_en", "topic", "slug"]
    list_filter = ["topic__area", "topic"]
    search_fields = ["name_zh", "name_en", "slug"]
    list_select_related = ["topic"]
