"""Ingest runs: listing feeds, API metadata, backfills and recorded files into the database.

Every source (ingest/sources/) yields batches; `batch_store` is the one way a batch is stored
and counted into its run.
"""

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone
from redis.exceptions import LockError

from enrichment.tasks import papers_enrichment_queue
from ingest import schedule
from ingest.front_matter import front_matters_record
from ingest.selectors import announcements_repeated
from ingest.sources.api import ApiIdList, ApiWindow, api_id_chunks
from ingest.sources.base import Batch, Source, SourceError
from ingest.sources.http import ArxivSession, redis_client
from ingest.sources.recorded import RecordedFiles
from ingest.sources.rss import ListingFeed
from ingest.upsert import UpsertResult, papers_upsert
from papers.models import (
    IngestRun,
    Paper,
    RunStatus,
)

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def ingest_lock(
    *, announce_date: dt.date | None, category: str, owner: str | None = None
) -> Iterator[bool]:
    """Redis lock so two ingests of one date/category never overlap; yields False if held.

    `owner` (the Celery task id) lets a task redelivered after its worker was killed take
    back the lock its dead run still holds, instead of waiting ARXIV_INGEST_LOCK_TTL.
    """
    client = redis_client()
    name = f"{settings.REDIS_KEY_PREFIX}ingest-lock:{announce_date}:{category}"
    lock = client.lock(name, timeout=settings.ARXIV_INGEST_LOCK_TTL, blocking=False)
    acquired = lock.acquire(token=owner) if owner else lock.acquire()
    if not acquired and owner and client.get(name) == owner.encode():
        lock.local.token = owner.encode()
        with contextlib.suppress(LockError):
            acquired = lock.reacquire()
    try:
        yield acquired
    finally:
        if acquired:
            with contextlib.suppress(Exception):
                lock.release()


class RunLog:
    """Accumulates one IngestRun's counts and errors, then saves them once.

    Starting one closes the runs whose process died mid-run (IngestRun.interrupted_close).
    """

    def __init__(self, run: IngestRun):
        self.run = run
        run.interrupted_close()
        self.errors: list[str] = []
        self.notes: list[str] = []  # why a run that did not fail is not plain OK
        self.result = UpsertResult()
        self.announced_items = 0
        self.listed: set[str] = set()  # papers a listing counted: their metadata counts no more

    def error(self, message: str) -> None:
        logger.warning("ingest run %s: %s", self.run.pk, message)
        self.errors.append(message)

    def note(self, message: str) -> None:
        """A reason that does not count as a failure (nothing announced, metadata to come)."""
        self.notes.append(message)

    def count(self, batch: Batch, result: UpsertResult, *, counted: bool = True) -> None:
        """Add one stored batch: what its upsert did, its skipped entries (failed) and errors
        and, when `counted`, its papers (see Batch.listing)."""
        self.result.merge(result)
        for message in (*batch.skipped, *batch.errors):
            self.error(message)
        self.run.failed_count += len(batch.skipped)
        if not counted:
            return
        if batch.listing is None:
            self._papers_count(batch, result)
        else:
            self._listing_count(batch, result)

    def _listing_count(self, batch: Batch, result: UpsertResult) -> None:
        """Count each listed paper once, by announce type, or as unchanged if nothing moved;
        the run's date is the newest listing it stored."""
        run = self.run
        day = batch.listing.announce_date
        if day and (run.announce_date is None or run.announce_date < day):
            run.announce_date = day
        self.announced_items += len(batch.announcements)
        for announcement in batch.announcements:
            arxiv_id = announcement.arxiv_id
            self.listed.add(arxiv_id)
            wrote = (
                arxiv_id in result.created
                or arxiv_id in result.changed
                or (arxiv_id, announcement.category) in result.announced
            )
            if not wrote:
                run.unchanged_count += 1
            elif announcement.announce_type == "new":
                run.new_count += 1
            elif announcement.announce_type == "cross":
                run.cross_count += 1
            else:
                run.replaced_count += 1

    def _papers_count(self, batch: Batch, result: UpsertResult) -> None:
        """No listing: new papers are new, version bumps replaced, the rest unchanged; a paper
        a listing of this run counted is not counted again (its metadata completes it)."""
        for record in batch.records:
            if record.arxiv_id in self.listed:
                continue
            if record.arxiv_id in result.created:
                self.run.new_count += 1
            elif record.arxiv_id in result.changed and record.arxiv_id not in result.stale:
                self.run.replaced_count += 1
            else:
                self.run.unchanged_count += 1

    def finish(self, *, session: ArxivSession | None, empty_status: str = RunStatus.OK) -> None:
        run = self.run
        pks = set(self.result.paper_pks.values())
        run.pending_count = Paper.objects.filter(
            pk__in=pks, metadata_state=Paper.MetadataState.PENDING
        ).count()
        touched = self.result.paper_pks or self.announced_items
        if self.errors:
            run.status = RunStatus.PARTIAL if touched else RunStatus.FAILED
        elif not touched:
            run.status = empty_status
        else:
            run.status = RunStatus.PARTIAL if run.pending_count else RunStatus.OK
        pending = Paper.objects.filter(pk__in=pks, metadata_state=Paper.MetadataState.PENDING)
        for reason, count in (
            pending.values_list("metadata_error").annotate(n=Count("pk")).order_by("-n")
        ):
            self.note(
                f"{count} paper(s) {reason or 'waiting for API metadata'}: "
                "kept pending for ingest_pending_metadata"
            )
        run.error = "\n".join(self.errors + self.notes)
        if session:
            run.requests_count = session.requests_count
            run.retries_count = session.retries_count
            run.http_statuses = dict(sorted(session.statuses.items()))
        run.finished_at = timezone.now()
        run.save()
        papers_enrichment_queue(paper_ids=self.result.enrich_pks)


def batch_store(*, batch: Batch, log: RunLog, counted: bool = True) -> UpsertResult:
    """Store one batch of any source (papers_upsert) and count it into `log` (RunLog.count).

    `counted=False` for metadata that completes papers already counted: only the upsert's
    result, skipped entries and errors go into the run then. An announcement arXiv made
    already on an earlier date (announcements_repeated) is not recorded again, with a note.
    Returns the upsert's result.
    """
    if repeated := announcements_repeated(announcements=batch.announcements):
        batch = replace(
            batch,
            announcements=[a for a in batch.announcements if _listed(a) not in repeated],
        )
        shown = ", ".join(f"{i}v{v} {c} on {d}" for (i, c, v), d in sorted(repeated.items()))
        log.note(f"{len(repeated)} announcement(s) made already, not recorded again: {shown}")
    result = papers_upsert(records=batch.records, announcements=batch.announcements)
    log.count(batch, result, counted=counted)
    return result


def _listed(announcement) -> tuple[str, str, int]:
    return (announcement.arxiv_id, announcement.category, announcement.version)


@dataclass
class SourceStored:
    """What storing one source did: `batches` and `records` it yielded (duplicates included)
    and `error`, its failure as logged ("<source name>: <why>"), "" when it ran to its end."""

    batches: int = 0
    records: int = 0
    error: str = ""


def source_store(*, source: Source, log: RunLog, counted: bool = True) -> SourceStored:
    """Store every batch `source` yields, each through batch_store as it comes.

    A SourceError ends the source and is logged as a run error; the batches stored before it
    stay stored. Never raises it.
    """
    stored = SourceStored()
    try:
        for batch in source.batches():
            batch_store(batch=batch, log=log, counted=counted)
            stored.batches += 1
            stored.records += len(batch.records)
    except SourceError as exc:
        stored.error = f"{source.name}: {exc}"
        log.error(stored.error)
    return stored


def source_ingest(
    *,
    source: Source,
    kind: IngestRun.Source,
    categories: Sequence[str] = (),
    session: ArxivSession | None = None,
    empty_status: str = RunStatus.OK,
    then: Callable[[RunLog], None] | None = None,
) -> IngestRun:
    """One IngestRun of `kind` that stores everything `source` yields (source_store).

    `session` is the one the source talks to arXiv with, for the run's request count.
    `empty_status` is the run's status when the source yielded nothing and failed nowhere.
    `then(log)` runs after the source, before the run is finished, for more of its work.
    Returns the finished run: failed when nothing was stored and something went wrong,
    partial when papers still wait for API metadata or some part failed.
    """
    log = RunLog(IngestRun.objects.create(source=kind, categories=list(categories)))
    source_store(source=source, log=log)
    if then:
        then(log)
    log.finish(session=session, empty_status=empty_status)
    return log.run


def papers_metadata_complete(
    *, session: ArxivSession, log: RunLog, arxiv_ids: Iterable[str] | None = None
) -> None:
    """Fetch API metadata for pending papers; what the API lacks stays pending for later.

    Each paper left pending keeps why: "not in the arXiv API yet" when it was asked for and
    absent, "not fetched: <the failure>" when a failed request never asked for it.
    """
    pending = Paper.objects.filter(metadata_state=Paper.MetadataState.PENDING)
    if arxiv_ids is not None:
        pending = pending.filter(arxiv_id__in=list(arxiv_ids))
    ids = list(pending.order_by("arxiv_id").values_list("arxiv_id", flat=True))
    if not ids:
        return
    # Metadata only: the listing (or an earlier run) counted these papers already.
    stored = source_store(source=ApiIdList(session=session, ids=ids), log=log, counted=False)
    asked = [i for chunk in api_id_chunks(ids)[: stored.batches] for i in chunk]
    left = Paper.objects.filter(arxiv_id__in=ids, metadata_state=Paper.MetadataState.PENDING)
    attempted = F("metadata_attempts") + 1
    left.filter(arxiv_id__in=asked).update(
        metadata_attempts=attempted, metadata_error="not in the arXiv API yet"
    )
    left.exclude(arxiv_id__in=asked).update(
        metadata_attempts=attempted, metadata_error=f"not fetched: {stored.error}"[:2000]
    )
    log.result.paper_pks.update(
        Paper.objects.filter(arxiv_id__in=ids).values_list("arxiv_id", "pk")
    )


def announcement_ingest(
    *,
    categories: Sequence[str],
    announce_date: dt.date | None = None,
    session: ArxivSession | None = None,
    task_id: str = "",
) -> IngestRun:
    """Ingest the listing feeds of these categories, then complete metadata from the API.

    An empty feed means arXiv did not announce; a feed still showing an older date, or showing
    the date but only items announced on an earlier one (arXiv's previous batch again), means
    the listing is not out yet (the run fails with that reason and a later run picks it up); a
    feed already showing a newer date means a past listing, rebuilt from the API instead.
    """
    session = session or ArxivSession()
    announce_date = announce_date or schedule.latest_listing_date()
    run = IngestRun.objects.create(
        source=IngestRun.Source.FEED,
        announce_date=announce_date,
        categories=list(categories),
        task_id=task_id,
    )
    log = RunLog(run)
    listed: set[str] = set()
    if not schedule.is_listing_date(announce_date):  # weekend or arXiv holiday: ask nothing
        log.note(f"{announce_date} is no arXiv listing date (weekend or holiday)")
        categories = []
    for category in categories:
        lock = ingest_lock(announce_date=announce_date, category=category, owner=task_id or None)
        with lock as acquired:
            if not acquired:
                log.error(f"{category}: another ingest of {announce_date} is running; skipped")
                continue
            listed.update(
                _listing_store(
                    category=category, announce_date=announce_date, session=session, log=log
                )
            )
    papers_metadata_complete(session=session, log=log, arxiv_ids=listed)
    log.finish(session=session, empty_status=RunStatus.NO_ANNOUNCEMENT)
    return run


def _listing_store(
    *, category: str, announce_date: dt.date, session: ArxivSession, log: RunLog
) -> list[str]:
    """Store `category`'s listing of `announce_date` from its feed, or from the API when the
    feed has moved past that date; returns the arXiv ids of the feed's listing stored."""
    feed = ListingFeed(session=session, category=category)
    try:
        (batch,) = feed.batches()
    except SourceError as exc:
        log.error(f"{feed.name}: {exc}")
        return []
    shown = batch.listing.announce_date
    if not batch.records:
        log.note(f"{category}: the listing feed is empty (arXiv announced nothing)")
    elif shown < announce_date:
        log.error(f"{category}: the listing of {announce_date} is not out yet")
    elif shown > announce_date:  # the feed has moved on: rebuild that past listing
        window = ApiWindow(session=session, listing_date=announce_date, categories=[category])
        source_store(source=window, log=log)
    elif earlier := _listing_repeated(batch):
        log.error(
            f"{category}: the feed dated {shown} repeats the listing of {earlier} (all "
            f"{len(batch.records)} items announced then): the listing of {shown} is not out yet"
        )
    else:
        batch_store(batch=batch, log=log)
        return [record.arxiv_id for record in batch.records]
    return []


def _listing_repeated(batch: Batch) -> str:
    """The earlier listing date(s) when every item of this listing was announced then already:
    arXiv serving its previous batch under a new date; "" for a real listing."""
    repeated = announcements_repeated(announcements=batch.announcements)
    if len(repeated) < len({_listed(a) for a in batch.announcements}):
        return ""
    return ", ".join(sorted({str(day) for day in repeated.values()}))


def pending_metadata_ingest(*, session: ArxivSession | None = None, task_id: str = "") -> IngestRun:
    """Retry every paper still waiting for API metadata."""
    session = session or ArxivSession()
    log = RunLog(IngestRun.objects.create(source=IngestRun.Source.METADATA, task_id=task_id))
    papers_metadata_complete(session=session, log=log)
    log.finish(session=session)
    return log.run


def backfill_run(
    *,
    start: dt.date,
    end: dt.date,
    categories: Sequence[str],
    session: ArxivSession | None = None,
    progress: Callable[[dt.date, int], None] | None = None,
) -> IngestRun:
    """Past listings through the API: per listing date, the submissions of its window.

    Replacements are not in the API's submission windows, so only new and cross listings
    are recreated. `progress(date, papers)` is called after each date.
    """
    session = session or ArxivSession()
    log = RunLog(
        IngestRun.objects.create(
            source=IngestRun.Source.BACKFILL,
            announce_date=end,
            categories=list(categories),
        )
    )
    for listing_date in schedule.listing_dates(start, end):
        window = ApiWindow(session=session, listing_date=listing_date, categories=categories)
        stored = source_store(source=window, log=log)
        if progress:
            progress(listing_date, stored.records)
    log.finish(session=session)
    return log.run


def directory_ingest(*, path: Path, categories: Sequence[str] = ()) -> IngestRun:
    """Load recorded listing feeds, API replies and full texts through the same parsers.

    Feeds first (they carry the listing and its date), then API replies (which complete
    them, or add papers whose listing date is derived from their submission time); see
    RecordedFiles. Then full-text files (`<id>.html`, `<id>.pdf`) become their papers' front
    matter (front_matters_record): a summary line in the run, an error line per file that
    failed. Nothing announced is "no announcement".
    """

    def full_texts_store(log: RunLog) -> None:
        tally = front_matters_record(path=path)
        for error in tally.errors:
            log.error(error)
        if tally.states:
            log.note(tally.summary)

    return source_ingest(
        source=RecordedFiles(path=path, categories=categories),
        kind=IngestRun.Source.DIRECTORY,
        categories=categories,
        empty_status=RunStatus.NO_ANNOUNCEMENT,
        then=full_texts_store,
    )
