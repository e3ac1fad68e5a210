"""The small interface every enrichment backend implements, and the choice between them."""

from dataclasses import dataclass, field
from typing import Protocol

from enrichment.backends.taxonomy import Taxonomy


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
    evidence: tuple[str, ...] = ()  # the paper's words behind the hit, for editors
    scorer_version: int | None = None  # the learned scorer that set `confidence`, if any
    proposed_confidence: float | None = None  # the LLM's own, when a scorer re-scored it


@dataclass(frozen=True)
class InstitutionSuggestion:
    name: str
    name_zh: str = ""


@dataclass
class Usage:
    """Calls (HTTP requests sent) and tokens; `cache_hit_tokens` is the part of
    `prompt_tokens` the provider served from its prompt cache (billed at the cache-hit price)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hit_tokens: int = 0


@dataclass
class Enrichment:
    """A backend's answer. A Chinese field of None means "this backend does not translate"."""

    title_zh: str | None = None
    summary_zh: str | None = None
    abstract_zh: str | None = None
    institutions: list[InstitutionSuggestion] = field(default_factory=list)
    hits: list[HitSuggestion] = field(default_factory=list)
    rejected_hits: list[str] = field(default_factory=list)
    # What the fidelity checks still found after the repair request, per field ("title",
    # "summary", "abstract", "hits"): shown to editors, never to readers.
    flags: dict[str, list[str]] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)


class EnrichmentFailed(Exception):
    """The backend gave up on this paper; the tokens it spent trying still count."""

    def __init__(self, message: str, usage: Usage | None = None):
        super().__init__(message)
        self.usage = usage or Usage()


class Backend(Protocol):
    name: str
    metered: bool  # whether calls cost money and count against the daily budget
    # Whether a call waits on a server: then LLM_CONCURRENCY calls run at once in worker
    # threads. A local backend computes in-process, where threads would only contend for the GIL.
    remote: bool
    model: str
    provider: str  # whose prices apply (settings.LLM_PRICES)
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
