"""Enrichment writes: run a backend on papers and store what it found, letting human edits win.

Each paper goes through three steps: `_prepare` (database, main thread) builds its source and
cache key, the backend call (no database, may run in a worker thread), `_apply` (database,
main thread) stores the result. Nothing here drops a paper: it ends done, failed (retried by
the sweep) or pending (deferred by the budget).
"""

import hashlib
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from enrichment.backends import backend_get
from enrichment.backends.base import (
    Backend,
    Enrichment,
    EnrichmentFailed,
    PaperSource,
    Usage,
)
from enrichment.backends.offline import summary_en_extract
from enrichment.backends.providers import usage_cost
from enrichment.backends.taxonomy import Taxonomy
from enrichment.curation.selectors import scorers_active
from enrichment.institutions import enrichment_institutions_apply, institutions_registry
from enrichment.selectors import llm_spent_today, taxonomy_snapshot
from papers.institutions import Registry
from papers.models import (
    ZH_FIELDS,
    EnrichmentRun,
    FrontMatter,
    Paper,
    RunStatus,
    TopicHit,
)
from papers.signals import public_content_changed_if_published

log = logging.getLogger(__name__)

# Which Chinese fields go stale when which source text changes.
ZH_SOURCES = {"title": ("title",), "summary": ("title", "abstract"), "abstract": ("abstract",)}
# The cache key: a short hash per source field (to see later what changed) + the full hash.
KEY_PART = 12
# Papers read at a time by papers_enrich, their authors and front matter in one query each.
PREPARE_BATCH = 500


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
class _Job:
    paper: Paper
    source: PaperSource
    key: str
    # The institution registry of the run (built once: editors' institutions on top).
    registry: Registry


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def enrichment_key_make(*, title: str, abstract: str, prompt_version: str, model: str) -> str:
    """Hash of this version's source text, the prompt version and the model (64 hex chars).

    Its first two parts hash the title and the abstract alone, so a later run can tell which
    source text changed since the stored key.
    """
    return (
        _hash(title)[:KEY_PART]
        + _hash(abstract)[:KEY_PART]
        + _hash(title, abstract, prompt_version, model)[: 64 - 2 * KEY_PART]
    )


def _source_changed(old_key: str, new_key: str) -> set[str]:
    if not old_key:
        return set()
    parts = {"title": slice(0, KEY_PART), "abstract": slice(KEY_PART, 2 * KEY_PART)}
    return {name for name, part in parts.items() if old_key[part] != new_key[part]}


def paper_source_get(*, paper: Paper) -> PaperSource:
    """The backend's input; reads the paper's authors and front matter (prefetched or not)."""
    categories = dict.fromkeys([paper.primary_category, *paper.categories])
    affiliations = dict.fromkeys(
        author.affiliation.strip() for author in paper.authors.all() if author.affiliation.strip()
    )
    front = getattr(paper, "front_matter", None)  # None: the paper has no front matter row
    if front is not None and front.state != FrontMatter.State.DONE:
        front = None
    return PaperSource(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        abstract=paper.abstract,
        categories=tuple(category for category in categories if category),
        affiliations=tuple(affiliations),
        # The paper's own affiliation lines, then its first page as extracted (ingest).
        first_page_text="\n".join([*front.lines, front.text]).strip() if front else "",
    )


def _editor_touched(hit: TopicHit) -> bool:
    return (
        hit.origin == TopicHit.Origin.EDITOR or hit.review_state != TopicHit.ReviewState.SUGGESTED
    )


def _hits_apply(*, paper: Paper, enrichment: Enrichment, taxonomy: Taxonomy) -> bool:
    """Replace the machine's suggestions; a topic an editor has ruled on is left to the editor.
    Returns whether the paper had or has any hit (without, it is on no page)."""
    existing = list(paper.topic_hits.all())
    editor_topics = {hit.topic_id for hit in existing if _editor_touched(hit)}
    machine = {
        (hit.topic_id, hit.subtopic_id): hit
        for hit in existing
        if hit.topic_id not in editor_topics
    }
    kept, created = set(), []
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
        if hit.pk:
            hit.save()
        else:
            created.append(hit)
    # New hits and their history rows in one INSERT each.
    bulk_create_with_history(created, TopicHit)
    for pair, hit in machine.items():
        if pair not in kept:
            hit.delete()
    return bool(existing or kept)


def _prepare(paper: Paper, backend: Backend, registry: Registry) -> _Job:
    source = paper_source_get(paper=paper)
    key = enrichment_key_make(
        title=paper.title,
        abstract=paper.abstract,
        prompt_version=backend.prompt_version,
        model=backend.model,
    )
    return _Job(paper=paper, source=source, key=key, registry=registry)


def _papers_prefetched(papers: Iterable[Paper]) -> Iterator[Paper]:
    """The papers, with their authors and front matter read PREPARE_BATCH papers at a time."""
    papers = iter(papers)
    while batch := list(islice(papers, PREPARE_BATCH)):
        prefetch_related_objects(batch, "authors", "front_matter")
        yield from batch


def _call(job: _Job, backend: Backend) -> Enrichment | EnrichmentFailed:
    """The backend call, safe for a worker thread: any error becomes a failure, never a loss."""
    try:
        return backend.enrich(job.source)
    except EnrichmentFailed as exc:
        return exc
    except SoftTimeLimitExceeded:
        raise  # the task's time is up (a local backend runs in its thread): the run stops
    except Exception as exc:
        log.exception("enrichment of %s crashed", job.source.arxiv_id)
        return EnrichmentFailed(f"{type(exc).__name__}: {exc}")


@transaction.atomic
def _apply(job: _Job, result: Enrichment | EnrichmentFailed, backend: Backend) -> EnrichOutcome:
    paper = Paper.objects.select_for_update().filter(pk=job.paper.pk).first()
    usage = result.usage
    if paper is None:  # deleted while the backend was working on it
        return EnrichOutcome(job.paper.arxiv_id, Outcome.FAILED, usage, error="paper deleted")
    cost = usage_cost(usage, model=backend.model, provider=backend.provider)
    paper.enrichment_attempts += 1
    paper.enrichment_prompt_tokens += usage.prompt_tokens
    paper.enrichment_completion_tokens += usage.completion_tokens
    paper.enrichment_cache_hit_tokens += usage.cache_hit_tokens
    paper.enrichment_cost_usd += cost
    if isinstance(result, EnrichmentFailed):
        _failure_record(paper, str(result))
        paper.save()
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
    paper.save()
    listed = _hits_apply(paper=paper, enrichment=result, taxonomy=backend.taxonomy)
    # Institutions named by a model that saw no affiliation and no first page are guesses.
    grounded = job.source.affiliations or job.source.first_page_text
    enrichment_institutions_apply(
        paper=paper,
        suggestions=result.institutions if grounded else [],
        registry=job.registry,
    )
    # Only a paper readers see empties the page cache; the day's drafts keep it. A paper
    # without hits before or after is published neither (published(): by its hits).
    if listed:
        public_content_changed_if_published(paper_ids=[paper.pk], sender=Paper)
    return EnrichOutcome(
        paper.arxiv_id, Outcome.DONE, usage, cost, rejected_hits=list(result.rejected_hits)
    )


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


def _cached(job: _Job) -> EnrichOutcome | None:
    """Unchanged input since the last success: no call, only affiliations are refreshed."""
    if job.key != job.paper.enrichment_key:
        return None
    with transaction.atomic():
        changed = enrichment_institutions_apply(
            paper=job.paper, suggestions=None, registry=job.registry
        )
        done = {"enrichment_state": Paper.EnrichmentState.DONE, "enrichment_error": ""}
        if any(getattr(job.paper, name) != value for name, value in done.items()):
            Paper.objects.filter(pk=job.paper.pk).update(**done)
        if changed:
            public_content_changed_if_published(paper_ids=[job.paper.pk], sender=Paper)
    return EnrichOutcome(job.paper.arxiv_id, Outcome.CACHED)


def _backend_configured() -> Backend:
    taxonomy = taxonomy_snapshot()
    return backend_get(taxonomy=taxonomy, scorers=scorers_active(taxonomy=taxonomy))


def paper_enrich(*, paper: Paper, backend: Backend | None = None) -> EnrichOutcome:
    """Enrich one paper now, without a run record or budget check (see `papers_enrich`)."""
    backend = backend or _backend_configured()
    job = _prepare(paper, backend, institutions_registry())
    return _cached(job) or _apply(job, _call(job, backend), backend)


def _run_count(run: EnrichmentRun, outcome: EnrichOutcome) -> None:
    counter = {
        Outcome.DONE: "papers_done",
        Outcome.CACHED: "papers_cached",
        Outcome.FAILED: "papers_failed",
        Outcome.DEFERRED: "papers_deferred",
    }[outcome.outcome]
    setattr(run, counter, getattr(run, counter) + 1)
    run.llm_calls += outcome.usage.calls
    run.prompt_tokens += outcome.usage.prompt_tokens
    run.completion_tokens += outcome.usage.completion_tokens
    run.cache_hit_tokens += outcome.usage.cache_hit_tokens
    run.cost_usd += outcome.cost_usd
    if outcome.error and run.error.count("\n") < 20:
        run.error += f"{outcome.arxiv_id}: {outcome.error[:300]}\n"


def _defer(jobs: list[_Job], run: EnrichmentRun) -> None:
    """Out of budget: the papers stay pending for tomorrow's sweep."""
    Paper.objects.filter(pk__in=[job.paper.pk for job in jobs]).update(
        enrichment_state=Paper.EnrichmentState.PENDING
    )
    for job in jobs:
        _run_count(run, EnrichOutcome(job.paper.arxiv_id, Outcome.DEFERRED))


def papers_enrich(
    *, papers: Iterable[Paper], backend: Backend | None = None, task_id: str = ""
) -> EnrichmentRun:
    """Enrich papers with LLM_CONCURRENCY calls in flight, within the daily budget, logged as a run.

    A remote backend's calls run in worker threads (a local one's here, one after another);
    results are stored here, in the calling thread, as they arrive. The budget is checked
    before each call against today's spend plus the calls still in flight (estimated at the
    average cost so far), so it may be overrun by at most the calls in flight.
    """
    backend = backend or _backend_configured()
    run = EnrichmentRun.objects.create(
        backend=backend.name,
        model=backend.model,
        prompt_version=backend.prompt_version,
        task_id=task_id,
    )
    run.interrupted_close()
    registry = institutions_registry()
    jobs = []
    for paper in _papers_prefetched(papers):
        run.papers_total += 1
        job = _prepare(paper, backend, registry)
        if cached := _cached(job):
            _run_count(run, cached)
        else:
            jobs.append(job)
    budget = Decimal(str(settings.LLM_DAILY_BUDGET_USD)) - llm_spent_today()
    try:
        _jobs_run(jobs, backend, run, budget)
    finally:
        run.finished_at = timezone.now()
        run.status = _run_status(run)
        run.save()
    return run


def _jobs_run(jobs: list[_Job], backend: Backend, run: EnrichmentRun, budget: Decimal) -> None:
    if not backend.remote:
        _jobs_run_here(jobs, backend, run)
        return
    queue = list(reversed(jobs))
    in_flight: dict[Future, _Job] = {}

    def top_up(pool: ThreadPoolExecutor) -> None:
        while queue and len(in_flight) < settings.LLM_CONCURRENCY:
            if backend.metered and _over_budget(run, budget, len(in_flight)):
                _defer(list(reversed(queue)), run)
                queue.clear()
                return
            job = queue.pop()
            in_flight[pool.submit(_call, job, backend)] = job

    with ThreadPoolExecutor(max_workers=max(1, settings.LLM_CONCURRENCY)) as pool:
        try:
            top_up(pool)
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    _run_count(run, _apply(in_flight.pop(future), future.result(), backend))
                    # A freed slot is filled at once, before storing the other answers.
                    top_up(pool)
        finally:
            # Interrupted (time limit): whatever was not stored stays pending for the sweep.
            for future in in_flight:
                future.cancel()
            leftover = [*in_flight.values(), *queue]
            if leftover:
                _defer(leftover, run)


def _jobs_run_here(jobs: list[_Job], backend: Backend, run: EnrichmentRun) -> None:
    """A local backend's calls (free: no budget), one after another in this thread, each
    result stored at once."""
    queue = list(reversed(jobs))
    try:
        while queue:
            _run_count(run, _apply(queue[-1], _call(queue[-1], backend), backend))
            queue.pop()
    finally:
        # Interrupted (time limit): whatever was not stored stays pending for the sweep.
        if queue:
            _defer(list(reversed(queue)), run)


def _over_budget(run: EnrichmentRun, budget: Decimal, in_flight: int) -> bool:
    finished = run.papers_done + run.papers_failed
    average = run.cost_usd / finished if finished else Decimal(0)
    return run.cost_usd + average * in_flight >= budget


def _run_status(run: EnrichmentRun) -> str:
    if run.papers_failed and not (run.papers_done or run.papers_cached):
        return RunStatus.FAILED
    if run.papers_failed or run.papers_deferred:
        return RunStatus.PARTIAL
    return RunStatus.OK


def papers_enrichment_reset(*, papers: Iterable[Paper], user=None) -> list[int]:
    """Make papers due for a fresh enrichment even if their input is unchanged; returns their
    pks (enrichment.tasks.papers_enrichment_rerun queues them).

    The cached part of the key is blanked, so the next run calls the backend again; the
    source parts are kept, so a later run can still tell whether the source text changed. A
    paper that needed an editor gets a fresh count of attempts. The paper's history records
    `user` (the editor who asked) as the one who changed it.
    """
    paper_ids = []
    for paper in papers:
        paper.enrichment_key = (
            paper.enrichment_key[: 2 * KEY_PART].ljust(64, "0") if paper.enrichment_key else ""
        )
        paper.enrichment_state = Paper.EnrichmentState.PENDING
        paper.enrichment_failures = 0
        paper.enrichment_retry_at = None
        paper._history_user = user
        # Not the editing version (modified_at): a re-run is no edit of the text.
        paper.save(
            update_fields=[
                "enrichment_key",
                "enrichment_state",
                "enrichment_failures",
                "enrichment_retry_at",
            ]
        )
        paper_ids.append(paper.pk)
    return paper_ids
