"""Reads of the taxonomy."""

from django.db.models import Prefetch, QuerySet

from topics.models import Area, Topic


def area_tree_list() -> QuerySet[Area]:
    """Areas with their active topics and subtopics, in editorial order, in three queries."""
    return Area.objects.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.active().prefetch_related("subtopics"))
    )


def watched_categories_list() -> list[str]:
    """Every arXiv category some active topic watches: what ingest has to fetch."""
    categories: set[str] = set()
    for topic_categories in Topic.objects.active().values_list("categories", flat=True):
        categories.update(topic_categories)
    return sorted(categories)
