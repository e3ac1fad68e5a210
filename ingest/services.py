"""Ingest runs: listing feeds, API metadata, backfills and recorded files into the database."""

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from redis.exceptions import LockError

from enrichment.tasks import papers_enrichment_queue
from ingest import schedule
from ingest.sources.arxiv import (
    ApiPage,
    ArxivError,
    ArxivSession,
    Listing,
    PaperRecord,
    api_page_parse,
    api_records_fetch,
    api_search_pages,
    listing_fetch,
    listing_parse,
    redis_client,
    submitted_date_query,
)
from ingest.upsert import AnnouncementRecord, UpsertResult, papers_upsert
from papers.models import (
    IngestRun,
    Paper,
    RunStatus,
)
from papers.services import runs_interrupted_close

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
    name = f"arxdaily:ingest-lock:{announce_date}:{category}"
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
    """Accumulates one IngestRun's counts and errors, then saves them once."""

    def __init__(self, run: IngestRun):
        self.run = run
        self.errors: list[str] = []
        self.notes: list[str] = []  # why a run that did not fail is not plain OK
        self.result = UpsertResult()
        self.announced_items = 0

    def error(self, message: str) -> None:
        logger.warning("ingest run %s: %s", self.run.pk, message)
        self.errors.append(message)

    def note(self, message: str) -> None:
        """A reason that does not count as a failure (nothing announced, metadata to come)."""
        self.notes.append(message)

    def count_listing(self, listing: Listing, result: UpsertResult) -> None:
        """Count each listed paper once, by announce type, or as unchanged if nothing moved."""
        self.result.merge(result)
        self.announced_items += len(listing.items)
        run = self.run
        run.failed_count += len(listing.skipped)
        self.errors += [f"{listing.category}: skipped {s}" for s in listing.skipped]
        for item in listing.items:
            arxiv_id = item.paper.arxiv_id
            wrote = (
                arxiv_id in result.created
                or arxiv_id in result.changed
                or (arxiv_id, listing.category) in result.announced
            )
            if not wrote:
                run.unchanged_count += 1
            elif item.announce_type == "new":
                run.new_count += 1
            elif item.announce_type == "cross":
                run.cross_count += 1
            else:
                run.replaced_count += 1

    def count_records(self, records: Sequence[PaperRecord], result: UpsertResult) -> None:
        """API-only data: new papers are new, version bumps replaced, the rest unchanged."""
        self.result.merge(result)
        for record in records:
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
        if run.pending_count:
            self.note(
                f"{run.pending_count} paper(s) not in the arXiv API yet: "
                "kept pending for ingest_pending_metadata"
            )
        run.error = "\n".join(self.errors + self.notes)
        run.requests_count = session.requests_count if session else 0
        run.finished_at = timezone.now()
        run.save()
        papers_enrichment_queue(paper_ids=self.result.enrich_pks)


def listing_store(*, listing: Listing) -> UpsertResult:
    """Store one parsed listing: its papers and their announcement on its date."""
    announcements = [
        AnnouncementRecord(
            arxiv_id=item.paper.arxiv_id,
            announce_date=listing.announce_date,
            category=listing.category,
            announce_type=item.announce_type,
            version=item.paper.version,
        )
        for item in listing.items
    ]
    return papers_upsert(records=[i.paper for i in listing.items], announcements=announcements)


def papers_metadata_complete(
    *, session: ArxivSession, log: RunLog, arxiv_ids: Iterable[str] | None = None
) -> None:
    """Fetch API metadata for pending papers; what the API lacks stays pending for later."""
    pending = Paper.objects.filter(metadata_state=Paper.MetadataState.PENDING)
    if arxiv_ids is not None:
        pending = pending.filter(arxiv_id__in=list(arxiv_ids))
    ids = list(pending.order_by("arxiv_id").values_list("arxiv_id", flat=True))
    if not ids:
        return
    reason = "not in the arXiv API yet"
    try:
        for records in api_records_fetch(session=session, ids=ids):
            log.result.merge(papers_upsert(records=records))
    except ArxivError as exc:
        reason = f"arXiv API: {exc}"
        log.error(reason)
    Paper.objects.filter(arxiv_id__in=ids, metadata_state=Paper.MetadataState.PENDING).update(
        metadata_attempts=F("metadata_attempts") + 1, metadata_error=reason[:2000]
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

    An empty feed means arXiv did not announce; a feed still showing an older date means the
    listing is not out yet (the run fails with that reason and a later run picks it up); a
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
    runs_interrupted_close(run=run)
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
            try:
                listing = listing_fetch(session=session, category=category)
            except ArxivError as exc:
                log.error(f"{category}: {exc}")
                continue
            if not listing.items:
                log.note(f"{category}: the listing feed is empty (arXiv announced nothing)")
                continue
            if listing.announce_date < announce_date:
                log.error(f"{category}: the listing of {announce_date} is not out yet")
                continue
            if listing.announce_date > announce_date:
                # The feed has moved on: rebuild that past listing from the API.
                _listing_window_store(
                    listing_date=announce_date, categories=[category], session=session, log=log
                )
                continue
            log.count_listing(listing, listing_store(listing=listing))
            listed.update(item.paper.arxiv_id for item in listing.items)
    papers_metadata_complete(session=session, log=log, arxiv_ids=listed)
    log.finish(session=session, empty_status=RunStatus.NO_ANNOUNCEMENT)
    return run


def pending_metadata_ingest(*, session: ArxivSession | None = None, task_id: str = "") -> IngestRun:
    """Retry every paper still waiting for API metadata."""
    session = session or ArxivSession()
    log = RunLog(IngestRun.objects.create(source=IngestRun.Source.METADATA, task_id=task_id))
    runs_interrupted_close(run=log.run)
    papers_metadata_complete(session=session, log=log)
    log.finish(session=session)
    return log.run


def api_record_announcements(
    *, records: Iterable[PaperRecord], categories: Sequence[str] = (), announce_date=None
) -> list[AnnouncementRecord]:
    """Announcements for API-only data, which names no listing: the first listing of each
    paper (derived from its submission time unless given), in each of its categories —
    new in the primary category, cross in the others."""
    rows = []
    for record in records:
        date = announce_date or schedule.listing_date_for_submission(record.submitted_at)
        for category in record.categories:
            if categories and category not in categories:
                continue
            rows.append(
                AnnouncementRecord(
                    arxiv_id=record.arxiv_id,
                    announce_date=date,
                    category=category,
                    announce_type="new" if category == record.primary_category else "cross",
                    version=1,
                )
            )
    return rows


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
        count = _listing_window_store(
            listing_date=listing_date, categories=categories, session=session, log=log
        )
        if progress:
            progress(listing_date, count)
    log.finish(session=session)
    return log.run


def _listing_window_store(
    *, listing_date: dt.date, categories: Sequence[str], session: ArxivSession, log: RunLog
) -> int:
    """Rebuild one past listing from the API's submission window; returns papers seen."""
    window_start, window_end = schedule.submission_window(listing_date)
    query = submitted_date_query(categories=categories, start=window_start, end=window_end)
    count = 0
    try:
        for page in api_search_pages(session=session, search_query=query):
            _api_page_store(page, log=log, categories=categories, date=listing_date)
            count += len(page.records)
    except ArxivError as exc:
        log.error(f"{listing_date}: {exc}")
    return count


def _api_page_store(page: ApiPage, *, log: RunLog, categories=(), date=None) -> None:
    announcements = api_record_announcements(
        records=page.records, categories=categories, announce_date=date
    )
    log.count_records(
        page.records, papers_upsert(records=page.records, announcements=announcements)
    )


def recorded_file_read(path: Path) -> bytes:
    """A recorded reply: raw XML, or arxiv.py's JSON recording (body stored as latin-1)."""
    if path.suffix == ".json":
        recording = json.loads(path.read_text(encoding="utf-8"))
        if recording.get("status_code", 200) != 200:
            raise ArxivError(f"recorded HTTP {recording['status_code']} for {recording['url']}")
        return recording["body"].encode("latin-1")
    return path.read_bytes()


def directory_ingest(*, path: Path, categories: Sequence[str] = ()) -> IngestRun:
    """Load recorded listing feeds and API replies through the same parser and upsert.

    Feeds first (they carry the listing and its date), then API replies (which complete
    them, or add papers whose listing date is derived from their submission time).
    """
    log = RunLog(
        IngestRun.objects.create(source=IngestRun.Source.DIRECTORY, categories=list(categories))
    )
    files = sorted(p for p in path.iterdir() if p.suffix in (".xml", ".json"))
    replies: list[tuple[Path, bytes]] = []
    for file in files:
        try:
            replies.append((file, recorded_file_read(file)))
        except (ArxivError, ValueError, KeyError) as exc:
            log.error(f"{file.name}: {exc}")
    feeds = {f for f, body in replies if b"<rss" in body[:2000]}
    for file, body in replies:
        if file not in feeds:
            continue
        try:
            listing = listing_parse(body, category=None)
        except ArxivError as exc:
            log.error(f"{file.name}: {exc}")
            continue
        if not listing.items or (categories and listing.category not in categories):
            continue
        log.run.announce_date = max(log.run.announce_date or dt.date.min, listing.announce_date)
        log.count_listing(listing, listing_store(listing=listing))
    for file, body in replies:
        if file in feeds:
            continue
        try:
            page = api_page_parse(body)
        except ArxivError as exc:
            log.error(f"{file.name}: {exc}")
            continue
        _api_page_store(page, log=log, categories=categories)
    log.finish(session=None, empty_status=RunStatus.NO_ANNOUNCEMENT)
    return log.run
