"""Domain events: what other apps may react to without the sender knowing them."""

from django.db import transaction
from django.dispatch import Signal

# Something readers can see has changed (a page published, unpublished or edited; a published
# paper's text, hits, listings or institutions; the taxonomy). Sent after the commit, so a
# listener never acts on a write that is rolled back. The public page cache listens.
public_content_changed = Signal()


def public_content_changed_on_commit(*, sender: object) -> None:
    """Send public_content_changed once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: public_content_changed.send(sender=sender))
