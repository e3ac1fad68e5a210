"""Model-free enrichment backends: each turns a `PaperSource` into an `Enrichment`.

They never touch the database (enrichment.services does); `backend_get` picks one by settings.
"""

from django.conf import settings

from enrichment.backends.base import Backend
from enrichment.backends.offline import OfflineBackend
from enrichment.backends.openai_backend import OpenAIBackend
from enrichment.backends.taxonomy import Taxonomy


def backend_name() -> str:
    """LLM_BACKEND if set; otherwise openai when an endpoint or key is configured, else offline."""
    if settings.LLM_BACKEND:
        return settings.LLM_BACKEND
    return "openai" if settings.LLM_API_KEY or settings.LLM_BASE_URL else "offline"


def backend_get(*, taxonomy: Taxonomy) -> Backend:
    """The configured backend; ValueError for an unknown LLM_BACKEND."""
    name = backend_name()
    if name == "offline":
        return OfflineBackend(taxonomy=taxonomy)
    if name == "openai":
        return OpenAIBackend(taxonomy=taxonomy)
    raise ValueError(f"unknown LLM_BACKEND {name!r} (use openai or offline)")
