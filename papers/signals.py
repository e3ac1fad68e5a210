"""Any saved or deleted row that a public page can show makes the page cache stale."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from papers.services import public_cache_invalidate

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


def _invalidate_on_commit(**kwargs) -> None:
    # After commit: a page rendered between the write and the commit must not be kept.
    transaction.on_commit(public_cache_invalidate)


def signals_connect() -> None:
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        post_save.connect(_invalidate_on_commit, sender=model, dispatch_uid=f"cache-{label}")
        post_delete.connect(_invalidate_on_commit, sender=model, dispatch_uid=f"cache-{label}-d")
    m2m_changed.connect(
        _invalidate_on_commit,
        sender=apps.get_model("papers.Paper").institutions.through,
        dispatch_uid="cache-paper-institutions",
    )
