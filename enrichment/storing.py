"""Storing what a backend found, a batch of papers per transaction, letting human edits win.

A batch's papers are locked and read again in one query, saved with an UPDATE each and their
history rows in one INSERT, their hits in a few queries for all (enrichment.hits), their
institutions matched once per batch. A fault while storing one paper costs the others nothing:
the batch is stored again paper by paper, and the faulty one stored as failed, for the sweep.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from enrichment.backends.base import Backend, Enrichment, EnrichmentFailed, PaperSource, Usage
from enrichment.backends.offline import summary_en_extract
from enrichment.backends.providers import usage_cost
from enrichment.history import rows_update_with_history
from enrichment.hits import papers_hits_apply
from enrichment.institutions import enrichment_institutions_apply
from papers.institutions import Registry
from papers.models import ZH_FIELDS, Paper
from papers.signals import public_content_changed_if_published

log = logging.getLogger(__name__)

# Which Chinese fields go stale when which source text changes.
ZH_SOURCES = {"title": ("title",), "summary": ("title", "abstract"), "abstract": ("abstract",)}
# The cache key: a short hash per source field (to see later what changed) + the full hash.
KEY_PART = 12
# What storing a result writes on the paper (the rest was read under its lock, unchanged);
# the reviewer by id: no user is read to write it.
ENRICHMENT_FIELDS = [
    *(f"{name}_zh_{part}" for name in ZH_FIELDS for part in ("machine", "source_changed")),
    *("zh_reviewed_at", "zh_reviewed_by_id", "summary_en", "enrichment_flags", "enriched_at"),
    *("enrichment_state", "enrichment_error", "enrichment_failures", "enrichment_retry_at"),
    *("enrichment_key", "enrichment_attempts", "enrichment_prompt_tokens"),
    *("enrichment_completion_tokens", "enrichment_cache_hit_tokens", "enrichment_cost_usd"),
    "modified_at",
]
# A cached paper's enrichment state and error.
CACHED_DONE = (Paper.EnrichmentState.DONE, "")
# Errors that stop a run instead of failing one paper: the time is up, or the database is
# gone (the task retries).
RUN_STOPPERS = (SoftTimeLimitExceeded, OperationalError, InterfaceError, ConnectionError)


class Outcome(StrEnum):
    DONE = "done"
    CACHED = "cached"
    FAILED = "failed"
    DEFERRED = "deferred"


@dataclass
class EnrichOutcome:
    arxiv_id: str
    outcome: Outcome
    usage: Usage = field(default_factory=Usage)
    cost_usd: Decimal = Decimal(0)
    error: str = ""
    rejected_hits: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EnrichJob:
    """A paper ready for its backend call."""

    paper: Paper
    source: PaperSource
    key: str
    # The institution registry of the run (built once: editors' institutions on top).
    registry: Registry


def _source_changed(old_key: str, new_key: str) -> set[str]:
    if not old_key:
        return set()
    parts = {"title": slice(0, KEY_PART), "abstract": slice(KEY_PART, 2 * KEY_PART)}
    return {name for name, part in parts.items() if old_key[part] != new_key[part]}


def _result_apply(
    paper: Paper, job: EnrichJob, result: Enrichment | EnrichmentFailed, backend: Backend
) -> EnrichOutcome:
    """Set a result on the paper (read again under its lock), without saving it."""
    usage = result.usage
    cost = usage_cost(usage, model=backend.model, provider=backend.provider)
    paper.enrichment_attempts += 1
    paper.enrichment_prompt_tokens += usage.prompt_tokens
    paper.enrichment_completion_tokens += usage.completion_tokens
    paper.enrichment_cache_hit_tokens += usage.cache_hit_tokens
    paper.enrichment_cost_usd += cost
    if isinstance(result, EnrichmentFailed):
        _failure_record(paper, str(result))
        return EnrichOutcome(paper.arxiv_id, Outcome.FAILED, usage, cost, error=str(result))

    if result.rejected_hits:
        log.warning("%s: hits on unknown topics rejected: %s", paper.arxiv_id, result.rejected_hits)
    changed_sources = _source_changed(paper.enrichment_key, job.key)
    machine_changed = False
    for name in ZH_FIELDS:
        stale = bool(changed_sources.intersection(ZH_SOURCES[name]))
        value = getattr(result, f"{name}_zh")
        if value is None and stale:
            value = ""  # the old machine text translates a text that is gone
        if value is not None and value != getattr(paper, f"{name}_zh_machine"):
            setattr(paper, f"{name}_zh_machine", value)
            machine_changed = True
        if stale and getattr(paper, f"{name}_zh_human"):
            setattr(paper, f"{name}_zh_source_changed", True)
    if machine_changed:
        paper.zh_reviewed_at = None
        paper.zh_reviewed_by = None
    paper.summary_en = summary_en_extract(paper.abstract)
    paper.enrichment_flags = result.flags
    paper.enrichment_state = Paper.EnrichmentState.DONE
    paper.enrichment_error = ""
    paper.enrichment_failures = 0
    paper.enrichment_retry_at = None
    paper.enrichment_key = job.key
    paper.enriched_at = timezone.now()
    return EnrichOutcome(
        paper.arxiv_id, Outcome.DONE, usage, cost, rejected_hits=list(result.rejected_hits)
    )


def _results_store(
    jobs: list[EnrichJob], results: dict[int, Enrichment | EnrichmentFailed], backend: Backend
) -> list[EnrichOutcome]:
    """Store the backend's results (by paper pk) of these jobs, in the caller's transaction:
    the papers are locked and read again in one query, saved with an UPDATE each and their
    history rows in one INSERT, their hits in a few queries for all (see papers_hits_apply)."""
    papers = Paper.objects.select_for_update().filter(pk__in=[job.paper.pk for job in jobs])
    locked = {paper.pk: paper for paper in papers.order_by("pk")}
    prefetch_related_objects(list(locked.values()), "authors", "paper_institutions")
    outcomes, enriched, now = [], [], timezone.now()
    for job in jobs:
        paper, result = locked.get(job.paper.pk), results[job.paper.pk]
        if paper is None:  # deleted while the backend was working on it
            outcome = EnrichOutcome(
                job.paper.arxiv_id, Outcome.FAILED, result.usage, error="paper deleted"
            )
        else:
            outcome = _result_apply(paper, job, result, backend)
            paper.modified_at = now  # an update() skips auto_now
        if outcome.outcome == Outcome.DONE:
            enriched.append((job, paper, result))
        outcomes.append(outcome)
    rows_update_with_history(rows=list(locked.values()), fields=ENRICHMENT_FIELDS)
    listed = papers_hits_apply(
        enriched=[(paper, result) for _, paper, result in enriched], taxonomy=backend.taxonomy
    )
    institutions: dict = {}  # matched once per batch (see enrichment_institutions_apply)
    for job, paper, result in enriched:
        # Institutions named by a model that saw no affiliation and no first page are guesses.
        grounded = job.source.affiliations or job.source.first_page_text
        enrichment_institutions_apply(
            paper=paper,
            suggestions=result.institutions if grounded else [],
            registry=job.registry,
            known=institutions,
        )
    # Only a paper readers see empties the page cache; the day's drafts keep it. A paper
    # without hits before or after is published neither (published(): by its hits).
    if listed:
        public_content_changed_if_published(paper_ids=listed, sender=Paper)
    return outcomes


def _failure_record(paper: Paper, error: str) -> None:
    """Failed: the sweep retries after ENRICH_RETRY_MINUTES, doubling per failure in a row;
    after ENRICH_MAX_ATTEMPTS the paper waits for an editor and costs no more calls."""
    paper.enrichment_failures += 1
    paper.enrichment_error = error[:2000]
    if paper.enrichment_failures >= settings.ENRICH_MAX_ATTEMPTS:
        paper.enrichment_state = Paper.EnrichmentState.NEEDS_EDITOR
        paper.enrichment_retry_at = None
        return
    paper.enrichment_state = Paper.EnrichmentState.FAILED
    delay = timedelta(minutes=settings.ENRICH_RETRY_MINUTES * 2 ** (paper.enrichment_failures - 1))
    paper.enrichment_retry_at = timezone.now() + delay


def _cached_store(jobs: list[EnrichJob]) -> list[EnrichOutcome]:
    """Unchanged input since the last success: no call, only affiliations are refreshed."""
    prefetch_related_objects([job.paper for job in jobs], "paper_institutions")
    changed, undone, institutions = [], [], {}
    for job in jobs:
        if enrichment_institutions_apply(
            paper=job.paper, suggestions=None, registry=job.registry, known=institutions
        ):
            changed.append(job.paper.pk)
        if (job.paper.enrichment_state, job.paper.enrichment_error) != CACHED_DONE:
            undone.append(job.paper.pk)
    if undone:
        state, error = CACHED_DONE
        Paper.objects.filter(pk__in=undone).update(enrichment_state=state, enrichment_error=error)
    if changed:
        public_content_changed_if_published(paper_ids=changed, sender=Paper)
    return [EnrichOutcome(job.paper.arxiv_id, Outcome.CACHED) for job in jobs]


def _stored(
    jobs: list[EnrichJob],
    store: Callable[[list[EnrichJob]], list[EnrichOutcome]],
    backend: Backend,
) -> list[EnrichOutcome]:
    """`store(jobs)` in one transaction. Should it fail, each paper is stored in its own,
    and a paper that fails alone is stored as failed, for the sweep to retry: one paper's
    fault never costs the others their work. The time running out and a lost database stop
    the run instead (the task retries)."""
    if not jobs:
        return []
    committed = []
    try:
        with transaction.atomic():
            # Run first after the commit: a listener failing after it finds this set.
            transaction.on_commit(lambda: committed.append(True))
            return store(jobs)
    except RUN_STOPPERS:
        raise
    except Exception as exc:
        if committed:  # stored: storing again would count the same work twice
            raise
        if len(jobs) > 1:
            log.exception("storing %d papers at once failed: one by one", len(jobs))
            return [outcome for job in jobs for outcome in _stored([job], store, backend)]
        log.exception("storing %s failed", jobs[0].paper.arxiv_id)
        failure = EnrichmentFailed(f"storing failed: {type(exc).__name__}: {exc}")
        with transaction.atomic():
            return _results_store(jobs, {jobs[0].paper.pk: failure}, backend)


def results_store(
    *, done: list[tuple[EnrichJob, Enrichment | EnrichmentFailed]], backend: Backend
) -> list[EnrichOutcome]:
    """Store the backend's results on their papers, all in one transaction (see the module)."""
    results = {job.paper.pk: result for job, result in done}
    store = partial(_results_store, results=results, backend=backend)
    return _stored([job for job, _ in done], store, backend)


def cached_store(*, jobs: list[EnrichJob], backend: Backend) -> list[EnrichOutcome]:
    """Papers whose input is unchanged since their last success (no backend call): their
    affiliations refreshed and their state done, all in one transaction."""
    return _stored(jobs, _cached_store, backend)
