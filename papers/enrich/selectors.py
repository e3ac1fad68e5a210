"""Reads for enrichment: what is left to do and what today has cost."""

from decimal import Decimal

from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from papers.models import EnrichmentRun, Paper


def llm_spent_today() -> Decimal:
    """What today's enrichment runs have cost, against LLM_DAILY_BUDGET_USD."""
    runs = EnrichmentRun.objects.filter(started_at__date=timezone.localdate())
    return runs.aggregate(total=Sum("cost_usd"))["total"] or Decimal(0)


def papers_to_enrich() -> QuerySet[Paper]:
    """What the sweep retries: pending and failed papers, oldest attempts first."""
    return Paper.objects.filter(
        enrichment_state__in=[Paper.EnrichmentState.PENDING, Paper.EnrichmentState.FAILED]
    ).order_by("enrichment_attempts", F("enriched_at").asc(nulls_first=True), "pk")
