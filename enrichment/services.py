"""Enrichment writes: run a backend on papers and store what it found, letting human edits win.

Each paper goes through three steps: `_prepare` (database, main thread) builds its source and
cache key, the backend call (no database, may run in a worker thread), then its result is
stored (database, main thread; enrichment.storing), a local backend's STORE_BATCH papers per
transaction. Nothing here drops a paper: it ends done, failed (retried by the sweep) or
pending (deferred by the budget).
"""

import hashlib
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from decimal import Decimal
from itertools import islice

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone

from enrichment.backends import backend_get
from enrichment.backends.base import Backend, Enrichment, EnrichmentFailed, PaperSource
from enrichment.curation.selectors import scorers_active
from enrichment.institutions import institutions_registry
from enrichment.selectors import llm_spent_today, taxonomy_snapshot
from enrichment.storing import KEY_PART, EnrichJob, EnrichOutcome, cached_store, results_store
from enrichment.storing import Outcome as Outcome
from papers.institutions import Registry
from papers.models import EnrichmentRun, FrontMatter, Paper, RunStatus

log = logging.getLogger(__name__)

# Papers read at a time by papers_enrich, their authors and front matter in one query each.
PREPARE_BATCH = 500
# A local backend's results stored in one transaction (a remote one's: each as it arrives).
STORE_BATCH = 100


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


def _prepare(paper: Paper, backend: Backend, registry: Registry) -> EnrichJob:
    source = paper_source_get(paper=paper)
    key = enrichment_key_make(
        title=paper.title,
        abstract=paper.abstract,
        prompt_version=backend.prompt_version,
        model=backend.model,
    )
    return EnrichJob(paper=paper, source=source, key=key, registry=registry)


def _papers_prefetched(papers: Iterable[Paper]) -> Iterator[list[Paper]]:
    """The papers PREPARE_BATCH at a time, with their authors and front matter read."""
    papers = iter(papers)
    while batch := list(islice(papers, PREPARE_BATCH)):
        prefetch_related_objects(batch, "authors", "front_matter")
        yield batch


def _call(job: EnrichJob, backend: Backend) -> Enrichment | EnrichmentFailed:
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


def _backend_configured() -> Backend:
    taxonomy = taxonomy_snapshot()
    return backend_get(taxonomy=taxonomy, scorers=scorers_active(taxonomy=taxonomy))


def paper_enrich(*, paper: Paper, backend: Backend | None = None) -> EnrichOutcome:
    """Enrich one paper now, without a run record or budget check (see `papers_enrich`)."""
    backend = backend or _backend_configured()
    job = _prepare(paper, backend, institutions_registry())
    if job.key == paper.enrichment_key:
        return cached_store(jobs=[job], backend=backend)[0]
    return results_store(done=[(job, _call(job, backend))], backend=backend)[0]


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


def _defer(jobs: list[EnrichJob], run: EnrichmentRun) -> None:
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
    for batch in _papers_prefetched(papers):
        run.papers_total += len(batch)
        prepared = [_prepare(paper, backend, registry) for paper in batch]
        cached = [job for job in prepared if job.key == job.paper.enrichment_key]
        for outcome in cached_store(jobs=cached, backend=backend):
            _run_count(run, outcome)
        jobs += [job for job in prepared if job.key != job.paper.enrichment_key]
    budget = Decimal(str(settings.LLM_DAILY_BUDGET_USD)) - llm_spent_today()
    try:
        _jobs_run(jobs, backend, run, budget)
    finally:
        run.finished_at = timezone.now()
        run.status = _run_status(run)
        run.save()
    return run


def _jobs_run(jobs: list[EnrichJob], backend: Backend, run: EnrichmentRun, budget: Decimal) -> None:
    if not backend.remote:
        _jobs_run_here(jobs, backend, run)
        return
    queue = list(reversed(jobs))
    in_flight: dict[Future, EnrichJob] = {}

    def top_up(pool: ThreadPoolExecutor) -> None:
        while queue and len(in_flight) < settings.LLM_CONCURRENCY:
            # Answers not stored yet count as in flight: their cost is not in `run` yet.
            if backend.metered and _over_budget(run, budget, len(in_flight) + len(answered)):
                _defer(list(reversed(queue)), run)
                queue.clear()
                return
            job = queue.pop()
            in_flight[pool.submit(_call, job, backend)] = job

    answered: list[tuple[EnrichJob, Enrichment | EnrichmentFailed]] = []
    with ThreadPoolExecutor(max_workers=max(1, settings.LLM_CONCURRENCY)) as pool:
        try:
            top_up(pool)
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                answered = [(in_flight[future], future.result()) for future in done]
                for future in done:
                    del in_flight[future]
                # Every freed slot is filled before the answers are stored (in one
                # transaction): the next calls wait on the LLM while this thread writes.
                top_up(pool)
                for outcome in results_store(done=answered, backend=backend):
                    _run_count(run, outcome)
                answered = []
        finally:
            # Interrupted (time limit): whatever was not stored stays pending for the sweep.
            for future in in_flight:
                future.cancel()
            # Each paper once: the time may run out between listing answers and removing them.
            waiting = [*(job for job, _ in answered), *in_flight.values(), *queue]
            leftover = list({job.paper.pk: job for job in waiting}.values())
            if leftover:
                _defer(leftover, run)


def _jobs_run_here(jobs: list[EnrichJob], backend: Backend, run: EnrichmentRun) -> None:
    """A local backend's calls (free: no budget), one after another in this thread, their
    results stored STORE_BATCH papers at a time (and at once when the time runs out)."""
    queue = list(reversed(jobs))
    try:
        while queue:
            done: list[tuple[EnrichJob, Enrichment | EnrichmentFailed]] = []
            try:
                while queue and len(done) < STORE_BATCH:
                    done.append((queue[-1], _call(queue[-1], backend)))
                    queue.pop()
            finally:
                # Also when the time ran out during a call: the results computed are kept.
                # (Should storing them be interrupted, they stay as they were: pending or
                # failed, for the sweep.)
                for outcome in results_store(done=done, backend=backend):
                    _run_count(run, outcome)
    finally:
        # Interrupted (time limit): whatever was not called stays pending for the sweep.
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
