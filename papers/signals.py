"""Any saved or deleted row that a public page can show makes the page cache stale."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from papers.models import (
    Announcement,
    DailyPage,
    DailyPageEntry,
    Institution,
    Paper,
    PaperAuthor,
    PaperInstitution,
    PaperVersion,
    TopicHit,
)
from papers.services import public_cache_invalidate
from topics.models import Area, Subtopic, Topic

PUBLIC_MODELS = (
    Announcement,
    Area,
    DailyPage,
    DailyPageEntry,
    Institution,
    Paper,
    PaperAuthor,
    PaperInstitution,
    PaperVersion,
    Subtopic,
    Topic,
    TopicHit,
)


def _invalidate_on_commit(**kwargs) -> None:
    # After commit: a page rendered between the write and the commit must not be kept.
    transaction.on_commit(public_cache_invalidate)


def signals_connect() -> None:
    for model in PUBLIC_MODELS:
        post_save.connect(_invalidate_on_commit, sender=model, dispatch_uid=f"cache-{model}")
        post_delete.connect(_invalidate_on_commit, sender=model, dispatch_uid=f"cache-{model}-d")
    m2m_changed.connect(
        _invalidate_on_commit, sender=Paper.institutions.through, dispatch_uid="cache-paper-inst"
    )
