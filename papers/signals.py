"""Domain events: what other apps may react to without the sender knowing them."""

from collections.abc import Collection

from django.db import transaction
from django.db.models import QuerySet, signals
from django.dispatch import Signal

from papers.models import Paper, ReviewQueuePaper, TopicHit

# Something readers can see has changed (a page published, unpublished or edited; a published
# paper's text, hits, listings or institutions; an institution or alias; the taxonomy). Sent
# after the commit, so a listener never acts on a write that is rolled back. The public page
# cache listens. Writes to drafts send nothing: they must not empty the cache.
public_content_changed = Signal()

# A daily page went public (sent after the commit, with `page`: the DailyPage). The digests
# listen: a published day is mailed to its subscribers.
daily_page_published = Signal()


def public_content_changed_on_commit(*, sender: object) -> None:
    """Send public_content_changed once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: public_content_changed.send(sender=sender))


def daily_page_published_on_commit(*, page) -> None:
    """Send daily_page_published for `page` once the current transaction commits."""
    transaction.on_commit(lambda: daily_page_published.send(sender=type(page), page=page))


def papers_any_published(*, paper_ids: Collection[int] | QuerySet) -> bool:
    """Whether readers can see any of these papers (pks, or a values("pk") QuerySet): whether
    one of their hits is published (Paper.objects.published()'s rule, asked of the hits
    directly, without an outer scan of papers)."""
    return TopicHit.objects.published().filter(paper_id__in=paper_ids).exists()


def public_content_changed_if_published(
    *, paper_ids: Collection[int] | QuerySet, sender: object
) -> bool:
    """Send public_content_changed (after commit) if any of these papers is published now.

    `paper_ids`: paper pks, or a values("pk") QuerySet (read as a subquery). Call it after the
    write, in the writer's transaction, so the write itself is seen. Returns whether it sent.
    """
    published = papers_any_published(paper_ids=paper_ids)
    if published:
        public_content_changed_on_commit(sender=sender)
    return published


def _paper_signal_forward(sender, signal, **kwargs):
    """A save or delete through the queue's proxy is the paper's: the history listens to
    Paper's signals only, and Django sends a proxy's with the proxy as sender."""
    signal.send(sender=Paper, **kwargs)


def paper_proxy_signals_connect() -> None:
    """Called once, by PapersConfig.ready()."""
    for signal in (signals.post_save, signals.pre_delete, signals.post_delete):
        signal.connect(_paper_signal_forward, sender=ReviewQueuePaper, weak=False)
