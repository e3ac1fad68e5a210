"""The small interface every enrichment backend implements, and the choice between them."""

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.conf import settings

from enrichment.backends.taxonomy import Taxonomy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaperSource:
    """Everything a backend may read about one paper (no model instance: backends run threaded)."""

    arxiv_id: str
    title: str
    abstract: str
    categories: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    first_page_text: str = ""


@dataclass(frozen=True)
class HitSuggestion:
    topic: str
    subtopic: str | None
    confidence: float
    reason: str


@dataclass(frozen=True)
class InstitutionSuggestion:
    name: str
    name_zh: str = ""


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, other: "Usage") -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


@dataclass
class Enrichment:
    """A backend's answer. A Chinese field of None means "this backend does not translate"."""

    title_zh: str | None = None
    summary_zh: str | None = None
    abstract_zh: str | None = None
    institutions: list[InstitutionSuggestion] = field(default_factory=list)
    hits: list[HitSuggestion] = field(default_factory=list)
    rejected_hits: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)


class EnrichmentFailed(Exception):
    """The backend gave up on this paper; the tokens it spent trying still count."""

    def __init__(self, message: str, usage: Usage | None = None):
        super().__init__(message)
        self.usage = usage or Usage()


class Backend(Protocol):
    name: str
    metered: bool  # whether calls cost money and count against the daily budget
    model: str
    prompt_version: str
    taxonomy: Taxonomy

    def enrich(self, source: PaperSource) -> Enrichment:
        """One paper's enrichment; raises EnrichmentFailed when no valid answer was obtained."""
        ...


def hits_check(
    hits: list[HitSuggestion], taxonomy: Taxonomy
) -> tuple[list[HitSuggestion], list[str]]:
    """Keep hits on configured topics/subtopics (best one per pair); name the rejected ones."""
    kept: dict[tuple[str, str | None], HitSuggestion] = {}
    rejected = []
    for hit in hits:
        topic = taxonomy.topic(hit.topic)
        if topic is None or (hit.subtopic and taxonomy.subtopic(topic, hit.subtopic) is None):
            rejected.append(f"{hit.topic}/{hit.subtopic}" if hit.subtopic else hit.topic)
            continue
        key = (hit.topic, hit.subtopic)
        if key not in kept or kept[key].confidence < hit.confidence:
            kept[key] = hit
    return list(kept.values()), rejected


def usage_cost(usage: Usage, model: str) -> Decimal:
    """USD for the tokens, from settings.LLM_PRICES (per million tokens: input, output)."""
    prices = settings.LLM_PRICES.get(model)
    if prices is None:
        if usage.calls:
            log.warning("no price for LLM model %s; its cost is counted as 0", model)
        return Decimal(0)
    price_in, price_out = (Decimal(str(price)) for price in prices)
    cost = (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1_000_000
    return cost.quantize(Decimal("0.000001"))
