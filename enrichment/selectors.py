"""Reads for enrichment: what is left to do and what today has cost."""

from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from enrichment.backends.taxonomy import SubtopicSpec, Taxonomy, TopicSpec
from papers.models import EnrichmentRun, Paper
from topics.models import Topic


def llm_spent_today() -> Decimal:
    """What today's enrichment runs have cost, against LLM_DAILY_BUDGET_USD."""
    runs = EnrichmentRun.objects.filter(started_at__date=timezone.localdate())
    return runs.aggregate(total=Sum("cost_usd"))["total"] or Decimal(0)


def papers_to_enrich() -> QuerySet[Paper]:
    """What the sweep takes up: pending papers, and failed ones whose retry time has come,
    fewest attempts first. Papers that need an editor are left alone."""
    due = Q(enrichment_retry_at__isnull=True) | Q(enrichment_retry_at__lte=timezone.now())
    return Paper.objects.filter(
        due,
        enrichment_state__in=[Paper.EnrichmentState.PENDING, Paper.EnrichmentState.FAILED],
    ).order_by("enrichment_attempts", F("enriched_at").asc(nulls_first=True), "pk")


def taxonomy_snapshot() -> Taxonomy:
    """The active topics and their subtopics, in editorial order, in two queries."""
    topics = Topic.objects.active().prefetch_related("subtopics")
    return Taxonomy(
        topics=tuple(
            TopicSpec(
                pk=topic.pk,
                slug=topic.slug,
                name_zh=topic.name_zh,
                name_en=topic.name_en,
                description=topic.description_en,
                description_zh=topic.description_zh,
                categories=tuple(topic.categories),
                include_keywords=tuple(topic.include_keywords),
                exclude_keywords=tuple(topic.exclude_keywords),
                subtopics=tuple(
                    SubtopicSpec(
                        pk=sub.pk,
                        slug=sub.slug,
                        name_zh=sub.name_zh,
                        name_en=sub.name_en,
                        keywords=tuple(sub.keywords),
                        description=sub.description_en,
                        description_zh=sub.description_zh,
                    )
                    for sub in topic.subtopics.all()
                ),
            )
            for topic in topics
        )
    )
