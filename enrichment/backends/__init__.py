"""Model-free enrichment backends: each turns a `PaperSource` into an `Enrichment`.

They never touch the database (enrichment.services does); `backend_get` picks one by settings.
"""

from collections.abc import Mapping

from django.conf import settings

from enrichment.backends.base import Backend
from enrichment.backends.offline import OfflineBackend, RescoredBackend
from enrichment.backends.openai_backend import OpenAIBackend
from enrichment.backends.scorer import TopicScorer
from enrichment.backends.taxonomy import Taxonomy


def backend_name() -> str:
    """LLM_BACKEND if set; otherwise openai when an endpoint or key is configured, else offline."""
    if settings.LLM_BACKEND:
        return settings.LLM_BACKEND
    return "openai" if settings.LLM_API_KEY or settings.LLM_BASE_URL else "offline"


def backend_get(*, taxonomy: Taxonomy, scorers: Mapping[str, TopicScorer] | None = None) -> Backend:
    """The configured backend, scoring topics with `scorers` (by topic slug) where given: the
    offline backend scores with them, an LLM's proposals are re-scored by them. ValueError for
    an unknown LLM_BACKEND."""
    name = backend_name()
    offline = OfflineBackend(taxonomy=taxonomy, scorers=scorers)
    if name == "offline":
        return offline
    if name == "openai":
        llm = OpenAIBackend(taxonomy=taxonomy)
        return RescoredBackend(llm, offline) if scorers else llm
    raise ValueError(f"unknown LLM_BACKEND {name!r} (use openai or offline)")
