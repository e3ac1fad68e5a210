"""The machine's topic hits of a batch of papers: replaced by the backend's suggestions in a
few queries for the whole batch; a topic an editor has ruled on is left to the editor."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from enrichment.backends.base import Enrichment
from enrichment.backends.taxonomy import Taxonomy
from enrichment.history import rows_update_with_history
from papers.models import Paper, TopicHit

# What a machine suggestion sets on a hit (everything else is the editor's or fixed).
SUGGESTION_FIELDS = ("confidence", "reason", "evidence", "scorer_version", "proposed_confidence")


def _editor_touched(hit: TopicHit) -> bool:
    return (
        hit.origin == TopicHit.Origin.EDITOR or hit.review_state != TopicHit.ReviewState.SUGGESTED
    )


def _paper_hits_plan(
    *, paper: Paper, existing: list[TopicHit], enrichment: Enrichment, taxonomy: Taxonomy
) -> tuple[list[TopicHit], list[TopicHit], list[int], bool]:
    """One paper's hits to create, to update and (pks) to delete, and whether the machine
    suggests any."""
    editor_topics = {hit.topic_id for hit in existing if _editor_touched(hit)}
    machine = {
        (hit.topic_id, hit.subtopic_id): hit
        for hit in existing
        if hit.topic_id not in editor_topics
    }
    kept, created, updated = set(), [], []
    for suggestion in enrichment.hits:
        topic = taxonomy.topic(suggestion.topic)
        if topic is None or topic.pk in editor_topics:
            continue
        subtopic = taxonomy.subtopic(topic, suggestion.subtopic) if suggestion.subtopic else None
        pair = (topic.pk, subtopic.pk if subtopic else None)
        kept.add(pair)
        hit = machine.get(pair) or TopicHit(paper=paper, topic_id=pair[0], subtopic_id=pair[1])
        values = {
            "confidence": suggestion.confidence,
            "reason": suggestion.reason,
            "evidence": list(suggestion.evidence),
            "scorer_version": suggestion.scorer_version,
            "proposed_confidence": suggestion.proposed_confidence,
        }
        if hit.pk and all(getattr(hit, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(hit, name, value)
        (updated if hit.pk else created).append(hit)
    deleted = [hit.pk for pair, hit in machine.items() if pair not in kept]
    return created, updated, deleted, bool(kept)


def papers_hits_apply(
    *, enriched: Iterable[tuple[Paper, Enrichment]], taxonomy: Taxonomy
) -> set[int]:
    """Replace the machine's suggestions of these papers with their enrichments', in the
    caller's transaction: one read of their hits, one INSERT of the new ones, an UPDATE per
    changed one, one DELETE of the gone ones, every change with its history row. Returns
    the pks of the papers that had or have any hit (without, a paper is on no page)."""
    enriched = list(enriched)
    existing: dict[int, list[TopicHit]] = defaultdict(list)
    hits = TopicHit.objects.filter(paper__in=[paper.pk for paper, _ in enriched]).order_by("pk")
    for hit in hits:
        existing[hit.paper_id].append(hit)
    created, updated, deleted, listed = [], [], [], set()
    for paper, enrichment in enriched:
        new, changed, gone, suggested = _paper_hits_plan(
            paper=paper, existing=existing[paper.pk], enrichment=enrichment, taxonomy=taxonomy
        )
        created += new
        updated += changed
        deleted += gone
        if existing[paper.pk] or suggested:
            listed.add(paper.pk)
    bulk_create_with_history(created, TopicHit)
    if updated:
        now = timezone.now()  # an update() skips auto_now
        for hit in updated:
            hit.updated_at = now
        rows_update_with_history(rows=updated, fields=[*SUGGESTION_FIELDS, "updated_at"])
    if deleted:
        # Each deletion keeps its history row (sent per hit); a hit an editor ruled on since
        # it was read above is not the machine's to delete.
        TopicHit.objects.filter(
            pk__in=deleted,
            origin=TopicHit.Origin.MACHINE,
            review_state=TopicHit.ReviewState.SUGGESTED,
        ).delete()
    return listed
