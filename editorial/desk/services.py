"""The triage desk's one write: an editor's decision on one candidate card.

It is made of the editorial services the rest of the admin uses (accept, reject, an editor's
own hit, a plain audited edit of the paper), so the checks, the audit rows and the signals to
the page cache are the same, and the hits' review states are what the curation model learns
from. A reason, when the editor gives one, goes into each history row the decision writes.
"""

from django.db import transaction

from editorial import edits, services
from papers.models import Paper, TopicHit

ACCEPT, REJECT, SAVE = "accept", "reject", "save"  # SAVE: the subtopic and the Chinese only


# No savepoint of its own: the desk calls it inside the transaction of its version checks.
@transaction.atomic(savepoint=False)
def candidate_decide(
    *, hit: TopicHit, paper: Paper | None, decision: str, user, reason: str = ""
) -> TopicHit:
    """Save the editor's Chinese (`paper`, None when unchanged), then accept or reject the hit
    with its subtopic as given, or save only the subtopic (SAVE: the hit becomes
    the editor's, its review state unchanged). Raises PermissionDenied, nothing written,
    unless the user may change what the decision writes. Returns the hit."""
    if paper is not None:
        paper._change_reason = reason or None
        edits.row_save(row=paper, user=user)
    hit._change_reason = reason or None
    if decision == ACCEPT:
        services.topic_hit_accept(hits=[hit], user=user)
    elif decision == REJECT:
        services.topic_hit_reject(hits=[hit], user=user)
    elif hit.subtopic_id != TopicHit.objects.values_list("subtopic_id", flat=True).get(pk=hit.pk):
        services.topic_hit_editor_save(hit=hit, user=user)
    return hit
