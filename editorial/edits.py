"""Editors' plain edits of single rows: check the permission, save or delete with the editor
recorded in the audit history, and announce the change when readers can see the row.

The admin saves and deletes every row through these (forms, inlines, bulk delete); the named
workflows (review, hits, publishing) are in editorial/services.py and use the same checks.
Whether a row is public is one rule per model (`_row_public`), read before and after the write:
publishing or withdrawing counts as much as an edit, and drafts keep the page cache.
"""

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from papers.models import (
    Announcement,
    DailyPage,
    DailyPageEntry,
    Institution,
    InstitutionAlias,
    Paper,
    PaperAuthor,
    PaperInstitution,
    PaperVersion,
    TopicHit,
)
from papers.publication import papers_publication_refresh_ids, publication_paper_ids
from papers.signals import papers_any_published, public_content_changed_on_commit
from topics.models import Area, Subtopic, Topic

# Shown or searched on many pages at once (names, aliases, the topic tree): any edit counts.
# People edit these rarely, so a needless bump costs nothing.
ALWAYS_PUBLIC = (Institution, InstitutionAlias, Area, Topic, Subtopic)
# Public exactly when their paper is published.
PAPER_ROWS = (PaperAuthor, PaperInstitution, PaperVersion, Announcement, TopicHit)


def permission_require(*, user, permissions: Iterable[str]) -> None:
    """Raise PermissionDenied unless `user` has every permission ("app_label.codename").

    `user=None` is the system itself (the auto-publisher, tasks) and may do anything.
    """
    if user is not None and not user.has_perms(list(permissions)):
        raise PermissionDenied


_audit_reason: ContextVar[str] = ContextVar("audit_reason", default="")


@contextmanager
def audit_reason(reason: str) -> Iterator[None]:
    """Every audited write in the block records `reason` as its history's change reason,
    unless the row gives its own: e.g. "manage.py publish" for what that command wrote as the
    system (`user=None`), so history says which tool acted."""
    token = _audit_reason.set(reason)
    try:
        yield
    finally:
        _audit_reason.reset(token)


def audited_save(row: models.Model, *, user, update_fields: Iterable[str] | None = None) -> None:
    """Save, with `user` as the "who" django-simple-history records (and the block's
    audit_reason, if any, as the why); a hit, page or topic also refreshes where its papers
    are published (papers.publication)."""
    row._history_user = user
    if (reason := _audit_reason.get()) and not getattr(row, "_change_reason", None):
        row._change_reason = reason
    row.save(update_fields=update_fields)
    papers_publication_refresh_ids(publication_paper_ids(row))


@contextmanager
def public_change_watch(*, paper_ids: Collection[int]) -> Iterator[None]:
    """Send public_content_changed (after commit) if any of these papers is published before
    or after the block: a write that publishes or withdraws a paper changes pages too."""
    was_public = papers_any_published(paper_ids=paper_ids)
    yield
    if was_public or papers_any_published(paper_ids=paper_ids):
        public_content_changed_on_commit(sender=Paper)


def _row_public(row: models.Model) -> bool:
    """Whether readers see this row as it stands in the database (or was just saved)."""
    if isinstance(row, ALWAYS_PUBLIC):
        return True
    if isinstance(row, DailyPage):
        return row.status == DailyPage.Status.PUBLISHED
    if isinstance(row, DailyPageEntry):
        return DailyPage.objects.published().filter(pk=row.page_id).exists()
    if isinstance(row, Paper):
        return papers_any_published(paper_ids=[row.pk])
    if isinstance(row, PAPER_ROWS):
        return papers_any_published(paper_ids=[row.paper_id])
    raise TypeError(f"no rule says whether readers see a {type(row).__name__}")


def _stored(row: models.Model) -> models.Model | None:
    if row._state.adding:
        return None
    return type(row)._default_manager.filter(pk=row.pk).first()


def _permission(row: models.Model, action: str) -> str:
    return f"{row._meta.app_label}.{action}_{row._meta.model_name}"


@transaction.atomic
def row_save(*, row: models.Model, user) -> models.Model:
    """Create or change one row as an editor: needs the model's add/change permission.

    Raises PermissionDenied (nothing written). Sends public_content_changed after commit when
    readers saw the row before or see it now (see `_row_public`); returns the row.
    """
    permission_require(
        user=user, permissions=[_permission(row, "add" if row._state.adding else "change")]
    )
    stored = _stored(row)
    was_public = stored is not None and _row_public(stored)
    audited_save(row, user=user)
    if was_public or _row_public(row):
        public_content_changed_on_commit(sender=type(row))
    return row


@transaction.atomic
def row_delete(*, row: models.Model, user) -> None:
    """Delete one row (and what cascades) as an editor: needs the model's delete permission.

    Raises PermissionDenied (nothing deleted). Sends public_content_changed after commit when
    readers saw the row.
    """
    permission_require(user=user, permissions=[_permission(row, "delete")])
    was_public = _row_public(_stored(row) or row)
    paper_ids = publication_paper_ids(row)
    row._history_user = user
    row.delete()
    papers_publication_refresh_ids(paper_ids)
    if was_public:
        public_content_changed_on_commit(sender=type(row))


@transaction.atomic
def rows_delete(*, rows: Iterable[models.Model], user) -> int:
    """Delete rows one by one (audited, each checked as `row_delete`); returns how many."""
    count = 0
    for row in rows:
        row_delete(row=row, user=user)
        count += 1
    return count


def paper_institution_editor_save(*, link: PaperInstitution, user) -> PaperInstitution:
    """An editor's link is theirs: enrichment never removes it (see enrichment.services)."""
    link.origin = PaperInstitution.Origin.EDITOR
    return row_save(row=link, user=user)
