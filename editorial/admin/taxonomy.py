"""The taxonomy chief editors keep: areas, topics, subtopics (admin URLs stay topics_…).

Here rather than in topics/ because editing is editorial work: the saves go through
editorial.edits, and topics, the lowest app, imports nothing of the project.
"""

from django.contrib import admin

from editorial.admin.base import EditorialAdmin, PrintableTextMixin
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
    inlines = [SubtopicInline]


@admin.register(Subtopic)
class SubtopicAdmin(EditorialAdmin):
    list_display = ["name_zh", "name_en", "topic", "slug"]
    list_filter = ["topic__area", "topic"]
    search_fields = ["name_zh", "name_en", "slug"]
    list_select_related = ["topic"]
