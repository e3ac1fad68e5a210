"""Any saved or deleted row that a public page can show makes the page cache stale."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from papers.models import Paper
from public.caching import public_cache_version_bump as public_cache_invalidate

PUBLIC_MODELS = (
    "papers.Announcement",
    "papers.DailyPage",
    "papers.DailyPageEntry",
    "papers.Institution",
    "papers.Paper",
    "papers.PaperAuthor",
    "papers.PaperInstitution",
    "papers.PaperVersion",
    "papers.TopicHit",
    "topics.Area",
    "topics.Subtopic",
    "topics.Topic",
)
# A paper and its own rows: saving them changes no public page unless the paper is on one.
# Enrichment rewrites thousands of unpublished papers a day; each would empty the cache.
PAPER_ROWS = (
    "papers.Paper",
    "papers.PaperAuthor",
    "papers.PaperInstitution",
    "papers.PaperVersion",
)


def _invalidate_on_commit(**kwargs) -> None:
    # After commit: a page rendered between the write and the commit must not be kept.
    transaction.on_commit(public_cache_invalidate)


def _invalidate_if_public_on_commit(*, instance, **kwargs) -> None:
    paper_id = getattr(instance, "paper_id", instance.pk)

    def invalidate() -> None:
        if Paper.objects.published().filter(pk=paper_id).exists():
            public_cache_invalidate()

    transaction.on_commit(invalidate)


def signals_connect() -> None:
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        on_save = _invalidate_if_public_on_commit if label in PAPER_ROWS else _invalidate_on_commit
        post_save.connect(on_save, sender=model, dispatch_uid=f"cache-{label}")
        post_delete.connect(_invalidate_on_commit, sender=model, dispatch_uid=f"cache-{label}-d")
    m2m_changed.connect(
        _invalidate_on_commit,
        sender=apps.get_model("papers.Paper").institutions.through,
        dispatch_uid="cache-paper-institutions",
    )
