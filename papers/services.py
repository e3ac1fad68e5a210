"""Writes to papers and their runs. Each block below belongs to one feature."""

# ======================================================================= ingest (issue 4)

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from papers import schedule
from papers.arxiv_source import (
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
from papers.caching import public_cache_version_bump
from papers.models import (
    ZH_FIELDS,
    Announcement,
    DailyPage,
    DailyPageEntry,
    EnrichmentRun,
    IngestRun,
    Paper,
    PaperAuthor,
    PaperVersion,
    RunStatus,
    TopicHit,
)
from papers.selectors import topic_day_get
from topics.models import Topic

logger = logging.getLogger(__name__)

# Paper columns ingest owns. Editors' and the machine's fields (*_zh_*, summaries, review)
# are not here, so an upsert can never overwrite them.
_INGEST_FIELDS = (
    "version",
    "title",
    "abstract",
    "authors_text",
    "comments",
    "journal_ref",
    "doi",
    "primary_category",
    "categories",
    "license",
    "submitted_at",
    "updated_at",
    "metadata_state",
    "metadata_attempts",
    "metadata_error",
    "enrichment_state",
    "modified_at",
)
_OPTIONAL_FIELDS = ("license", "comments", "journal_ref", "doi", "submitted_at", "updated_at")
_UPSERT_CHUNK = 1000


@dataclass(frozen=True)
class AnnouncementRecord:
    arxiv_id: str
    announce_date: dt.date
    category: str
    announce_type: str
    version: int


@dataclass
class UpsertResult:
    """What one upsert did; `rows_written` is 0 when the same data comes again."""

    paper_pks: dict[str, int] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    text_changed: set[str] = field(default_factory=set)
    stale: set[str] = field(default_factory=set)
    announced: set[tuple[str, str]] = field(default_factory=set)
    rows_written: int = 0

    def merge(self, other: "UpsertResult") -> None:
        self.paper_pks.update(other.paper_pks)
        for name in ("created", "changed", "text_changed", "stale", "announced"):
            getattr(self, name).update(getattr(other, name))
        self.rows_written += other.rows_written

    @property
    def enrich_pks(self) -> set[int]:
        """New papers and papers whose title or abstract changed need (re-)enrichment."""
        return {self.paper_pks[i] for i in self.created | self.text_changed}


def _record_values(paper: Paper | None, record: PaperRecord) -> dict:
    """The column values this record asks for, given what is stored (None: nothing new)."""
    if paper is not None and record.version < paper.version:
        return {}
    same_version_complete = (
        paper is not None
        and record.version == paper.version
        and paper.metadata_state == Paper.MetadataState.COMPLETE
        and not record.complete
    )
    if same_version_complete:
        # The API already completed this version; the feed may only add its licence.
        return {"license": record.license} if record.license is not None else {}
    values = {
        "version": record.version,
        "title": record.title,
        "abstract": record.abstract,
        "authors_text": record.authors_text,
        "primary_category": record.primary_category,
        "categories": record.categories,
    }
    values.update(
        {f: getattr(record, f) for f in _OPTIONAL_FIELDS if getattr(record, f) is not None}
    )
    if record.complete:
        values.update(metadata_state=Paper.MetadataState.COMPLETE, metadata_error="")
    elif paper is not None and record.version > paper.version:
        values.update(metadata_state=Paper.MetadataState.PENDING, metadata_attempts=0)
    return values


def _dedupe(records: Iterable[PaperRecord]) -> dict[str, PaperRecord]:
    """One record per paper: the highest version, the API's over the feed's."""
    best: dict[str, PaperRecord] = {}
    for record in records:
        current = best.get(record.arxiv_id)
        if current is None or (record.version, record.complete) >= (
            current.version,
            current.complete,
        ):
            best[record.arxiv_id] = record
    return best


def _rows_insert(model: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> None:
    """Insert plain rows: COPY on PostgreSQL, where the ORM's per-object cost would dominate
    an ingest (a listing day brings tens of thousands of author rows); bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=_UPSERT_CHUNK)
        return
    columns = ", ".join(model._meta.get_field(f).column for f in fields)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"  # names from our own models
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _authors_sync(
    *, pks: dict[str, int], records: dict[str, PaperRecord], created: set[str]
) -> int:
    """Make PaperAuthor rows match the records, in place, keeping editors' institution links."""
    existing: dict[int, dict[int, PaperAuthor]] = {}
    for author in PaperAuthor.objects.filter(paper_id__in=[pks[i] for i in records]):
        existing.setdefault(author.paper_id, {})[author.position] = author
    to_create, to_update, to_delete = [], [], []
    for arxiv_id, record in records.items():
        stored = existing.get(pks[arxiv_id], {})
        if arxiv_id not in created and not record.complete:
            # The feed has names only: keep the API's affiliations if the names agree.
            names = [stored[p].name for p in sorted(stored)]
            if names == [a.name for a in record.authors]:
                continue
        for position, author in enumerate(record.authors):
            row = stored.get(position)
            if row is None:
                to_create.append((pks[arxiv_id], position, author.name[:300], author.affiliation))
            elif (row.name, row.affiliation) != (author.name[:300], author.affiliation):
                row.name, row.affiliation = author.name[:300], author.affiliation
                to_update.append(row)
        to_delete += [row.pk for pos, row in stored.items() if pos >= len(record.authors)]
    if to_delete:
        PaperAuthor.objects.filter(pk__in=to_delete).delete()
    _rows_insert(PaperAuthor, ("paper_id", "position", "name", "affiliation"), to_create)
    PaperAuthor.objects.bulk_update(to_update, ["name", "affiliation"], batch_size=_UPSERT_CHUNK)
    return len(to_create) + len(to_update) + len(to_delete)


def _announcements_add(
    *, pks: dict[str, int], announcements: Sequence[AnnouncementRecord]
) -> set[tuple[str, str]]:
    """Insert the announcements not stored yet; returns (arxiv_id, category) of new ones."""
    wanted = {(pks[a.arxiv_id], a.announce_date, a.category): a for a in announcements}
    if not wanted:
        return set()
    stored = set(
        Announcement.objects.filter(
            paper_id__in={key[0] for key in wanted},
            announce_date__in={key[1] for key in wanted},
        ).values_list("paper_id", "announce_date", "category")
    )
    rows = [
        Announcement(
            paper_id=key[0],
            announce_date=key[1],
            category=key[2],
            announce_type=a.announce_type,
            version=a.version,
        )
        for key, a in wanted.items()
        if key not in stored
    ]
    Announcement.objects.bulk_create(rows, batch_size=_UPSERT_CHUNK, ignore_conflicts=True)
    return {(a.arxiv_id, a.category) for key, a in wanted.items() if key not in stored}


def _upsert_chunk(
    records: dict[str, PaperRecord], announcements: Sequence[AnnouncementRecord]
) -> UpsertResult:
    result = UpsertResult()
    stored = {p.arxiv_id: p for p in Paper.objects.filter(arxiv_id__in=list(records))}
    to_write: list[Paper] = []
    versions: list[tuple[str, PaperVersion]] = []
    author_records: dict[str, PaperRecord] = {}
    for arxiv_id, record in records.items():
        paper = stored.get(arxiv_id)
        values = _record_values(paper, record)
        if paper is None:
            paper = Paper(arxiv_id=arxiv_id, **values)
            result.created.add(arxiv_id)
        elif not values:
            if record.version < paper.version:
                result.stale.add(arxiv_id)
            continue
        else:
            changes = {k: v for k, v in values.items() if getattr(paper, k) != v}
            if not changes:
                continue
            text_changed = any(k in changes for k in ("title", "abstract"))
            if changes.get("version", paper.version) > paper.version:
                versions.append(
                    (
                        arxiv_id,
                        PaperVersion(
                            version=record.version,
                            submitted_at=record.updated_at,
                            title=record.title,
                            abstract=record.abstract,
                            title_changed="title" in changes,
                            abstract_changed="abstract" in changes,
                        ),
                    )
                )
            if text_changed:
                changes["enrichment_state"] = Paper.EnrichmentState.PENDING
                result.text_changed.add(arxiv_id)
            for key, value in changes.items():
                setattr(paper, key, value)
            result.changed.add(arxiv_id)
        if "title" in values:
            author_records[arxiv_id] = record
        to_write.append(paper)
    for arxiv_id in result.created:
        record = records[arxiv_id]
        first_seen = PaperVersion(
            version=record.version,
            submitted_at=record.updated_at or record.submitted_at,
            title=record.title,
            abstract=record.abstract,
        )
        versions.append((arxiv_id, first_seen))
    Paper.objects.bulk_create(
        to_write,
        batch_size=_UPSERT_CHUNK,
        update_conflicts=True,
        unique_fields=["arxiv_id"],
        update_fields=list(_INGEST_FIELDS),
    )
    result.rows_written += len(to_write)
    result.paper_pks = dict(
        Paper.objects.filter(arxiv_id__in=list(records)).values_list("arxiv_id", "pk")
    )
    for arxiv_id, version in versions:
        version.paper_id = result.paper_pks[arxiv_id]
    PaperVersion.objects.bulk_create(
        [v for _, v in versions], batch_size=_UPSERT_CHUNK, ignore_conflicts=True
    )
    result.rows_written += len(versions)
    result.rows_written += _authors_sync(
        pks=result.paper_pks, records=author_records, created=result.created
    )
    result.announced = _announcements_add(pks=result.paper_pks, announcements=announcements)
    result.rows_written += len(result.announced)
    return result


def papers_upsert(
    *, records: Iterable[PaperRecord], announcements: Sequence[AnnouncementRecord] = ()
) -> UpsertResult:
    """Store papers keyed on arXiv id, with versions, authors and announcements, in bulk.

    Idempotent: data already stored writes no row. A higher version records a PaperVersion
    with what changed; a lower one (the API lagging the feed) is ignored. Never touches the
    Chinese text or review fields.
    """
    by_id = _dedupe(records)
    ids = list(by_id)
    result = UpsertResult()
    for start in range(0, len(ids), _UPSERT_CHUNK):
        chunk = {i: by_id[i] for i in ids[start : start + _UPSERT_CHUNK]}
        chunk_announcements = [a for a in announcements if a.arxiv_id in chunk]
        with transaction.atomic():
            result.merge(_upsert_chunk(chunk, chunk_announcements))
    if result.rows_written:
        # Bulk writes send no model signals: a replaced paper must not keep its cached page.
        transaction.on_commit(public_cache_invalidate)
    return result


def paper_enrichment_queue(*, paper_ids: Iterable[int]) -> int:
    """Queue enrichment of these papers once the ingest commits.

    Batches of a few times the LLM concurrency keep every worker's request pool busy.
    """
    from papers.tasks import enrich_papers  # tasks import services: import lazily

    paper_ids = sorted(paper_ids)
    batch = settings.LLM_CONCURRENCY * 4
    for start in range(0, len(paper_ids), batch):
        enrich_papers.delay_on_commit(paper_ids[start : start + batch])
    return len(paper_ids)


# ---------------------------------------------------------------------- runs and locks


@contextlib.contextmanager
def ingest_lock(*, announce_date: dt.date | None, category: str) -> Iterator[bool]:
    """Redis lock so two ingests of one date/category never overlap; yields False if held."""
    lock = redis_client().lock(
        f"arxdaily:ingest-lock:{announce_date}:{category}",
        timeout=settings.ARXIV_INGEST_LOCK_TTL,
        blocking=False,
    )
    acquired = lock.acquire()
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
        self.result = UpsertResult()
        self.announced_items = 0

    def error(self, message: str) -> None:
        logger.warning("ingest run %s: %s", self.run.pk, message)
        self.errors.append(message)

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
        run.error = "\n".join(self.errors)
        run.requests_count = session.requests_count if session else 0
        run.finished_at = timezone.now()
        run.save()
        paper_enrichment_queue(paper_ids=self.result.enrich_pks)


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
) -> IngestRun:
    """Ingest the listing feeds of these categories, then complete metadata from the API.

    An empty feed means arXiv did not announce; a feed still showing an older date means the
    listing is not out yet (the run fails with that reason and a later run picks it up); a
    feed already showing a newer date means a past listing, rebuilt from the API instead.
    """
    session = session or ArxivSession()
    announce_date = announce_date or schedule.latest_listing_date()
    run = IngestRun.objects.create(
        source=IngestRun.Source.FEED, announce_date=announce_date, categories=list(categories)
    )
    log = RunLog(run)
    listed: set[str] = set()
    if not schedule.is_listing_date(announce_date):  # weekend or arXiv holiday: ask nothing
        categories = []
    for category in categories:
        with ingest_lock(announce_date=announce_date, category=category) as acquired:
            if not acquired:
                log.error(f"{category}: another ingest of {announce_date} is running; skipped")
                continue
            try:
                listing = listing_fetch(session=session, category=category)
            except ArxivError as exc:
                log.error(f"{category}: {exc}")
                continue
            if not listing.items:
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


def pending_metadata_ingest(*, session: ArxivSession | None = None) -> IngestRun:
    """Retry every paper still waiting for API metadata."""
    session = session or ArxivSession()
    log = RunLog(IngestRun.objects.create(source=IngestRun.Source.METADATA))
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


# =================================================================== end ingest (issue 4)


# ======================================================================= public page cache


def public_cache_invalidate() -> None:
    """Make every cached public page stale at once (called on publish and on any edit).

    Model signals (papers.signals) call it for saves and deletes; code that changes public
    content with QuerySet.update() or bulk_create() must call it itself.
    """
    public_cache_version_bump()


# ---- editorial (issue 6) ----
# Every editorial write goes through these functions, so audit rows (django-simple-history)
# always name the person: `_history_user` is what the history library records as "who".


def _audited_save(obj, *, user, update_fields: Iterable[str] | None = None) -> None:
    obj._history_user = user
    obj.save(update_fields=update_fields)


def paper_review_mark(*, paper: Paper, user) -> Paper:
    """A person has read the Chinese text against the current source: it may go public."""
    paper.zh_reviewed_at = timezone.now()
    paper.zh_reviewed_by = user
    for name in ZH_FIELDS:
        setattr(paper, f"{name}_zh_source_changed", False)
    _audited_save(paper, user=user)
    return paper


def paper_zh_revert(*, paper: Paper, field: str, user) -> Paper:
    """Drop the editor's text for one field so the machine's shows again."""
    if field not in ZH_FIELDS:
        raise ValueError(f"no Chinese field {field!r}")
    setattr(paper, f"{field}_zh_human", "")
    setattr(paper, f"{field}_zh_source_changed", False)
    _audited_save(paper, user=user)
    return paper


def _daily_pages_join(*, hits: Iterable[TopicHit], user) -> None:
    """An accepted hit's paper joins the topic's page on each date it was listed: a draft page
    is made for previewing; joining an already published page publishes the paper, so its
    Chinese text counts as reviewed, as publishing the page would have made it."""
    for hit in hits:
        dates = set(
            Announcement.objects.filter(paper_id=hit.paper_id).values_list(
                "announce_date", flat=True
            )
        )
        pages = [
            DailyPage.objects.get_or_create(topic_id=hit.topic_id, announce_date=day)[0]
            for day in dates
        ]
        published = any(page.status == DailyPage.Status.PUBLISHED for page in pages)
        if published and hit.paper.zh_reviewed_at is None:
            _papers_review_stamp(papers=[hit.paper], user=user)


def _papers_review_stamp(*, papers: Iterable[Paper], user) -> None:
    """Stamp reviewed (who, when) without touching the editing version (`modified_at`)."""
    now = timezone.now()
    for paper in papers:
        if paper.zh_reviewed_at is None:
            paper.zh_reviewed_at = now
            paper.zh_reviewed_by = user
            _audited_save(paper, user=user, update_fields=["zh_reviewed_at", "zh_reviewed_by"])


def _topic_hits_review(*, hits: Iterable[TopicHit], state: str, user) -> list[TopicHit]:
    now = timezone.now()
    reviewed = []
    for hit in hits:
        hit.review_state = state
        hit.reviewed_by = user
        hit.reviewed_at = now
        _audited_save(hit, user=user)
        reviewed.append(hit)
    return reviewed


@transaction.atomic
def topic_hit_accept(*, hits: Iterable[TopicHit], user) -> list[TopicHit]:
    """Accepted hits put their papers on the topic's daily page (once it is published)."""
    accepted = _topic_hits_review(hits=hits, state=TopicHit.ReviewState.ACCEPTED, user=user)
    _daily_pages_join(hits=accepted, user=user)
    return accepted


@transaction.atomic
def topic_hit_reject(*, hits: Iterable[TopicHit], user) -> list[TopicHit]:
    """A rejected hit stays (so the machine never suggests it again) but is never shown."""
    return _topic_hits_review(hits=hits, state=TopicHit.ReviewState.REJECTED, user=user)


def topic_hits_accept_above_threshold(*, hits: QuerySet[TopicHit], user) -> list[TopicHit]:
    """Accept the suggestions the machine is sure enough about, by each topic's own bar."""
    confident = hits.filter(
        review_state=TopicHit.ReviewState.SUGGESTED,
        confidence__gte=F("topic__confidence_threshold"),
    )
    return topic_hit_accept(hits=confident, user=user)


def topic_hit_editor_save(*, hit: TopicHit, user) -> TopicHit:
    """An editor's touch makes a hit theirs: the machine never alters or deletes it again."""
    if hit.pk is None:
        hit.origin = TopicHit.Origin.EDITOR
        if hit.review_state == TopicHit.ReviewState.SUGGESTED:
            hit.review_state = TopicHit.ReviewState.ACCEPTED
    hit.reviewed_by = user
    hit.reviewed_at = timezone.now()
    _audited_save(hit, user=user)
    if hit.review_state == TopicHit.ReviewState.ACCEPTED:
        _daily_pages_join(hits=[hit], user=user)
    return hit


@transaction.atomic
def daily_page_publish(*, page: DailyPage, user) -> DailyPage:
    """Make the page public; what it shows is reviewed from now on (its Chinese text too)."""
    page = DailyPage.objects.select_for_update().select_related("topic").get(pk=page.pk)
    day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
    _papers_review_stamp(papers=day.papers, user=user)
    page.status = DailyPage.Status.PUBLISHED
    page.published_at = timezone.now()
    page.published_by = user
    _audited_save(page, user=user)
    return page


@transaction.atomic
def daily_page_unpublish(*, page: DailyPage, user) -> DailyPage:
    """Withdraw the page. `published_at/by` keep the last publication, which also tells the
    auto-publisher that a person withdrew it on purpose."""
    page = DailyPage.objects.select_for_update().get(pk=page.pk)
    page.status = DailyPage.Status.DRAFT
    _audited_save(page, user=user)
    return page


def daily_page_order_fill(*, page: DailyPage) -> int:
    """Write the page's current order as explicit positions (10, 20, …) for editors to renumber;
    the gaps let a paper move between two others by one edit."""
    day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
    for index, paper in enumerate(day.papers, start=1):
        DailyPageEntry.objects.update_or_create(
            page=page, paper=paper, defaults={"position": index * 10}
        )
    return len(day.papers)


def daily_pages_publish_for_date(*, announce_date: dt.date, user) -> list[DailyPage]:
    """Publish every topic that has accepted papers listed on this date."""
    topic_ids = (
        TopicHit.objects.filter(
            review_state=TopicHit.ReviewState.ACCEPTED,
            paper__announcements__announce_date=announce_date,
            topic__is_active=True,
        )
        .values_list("topic_id", flat=True)
        .distinct()
    )
    published = []
    for topic_id in topic_ids:
        page, _ = DailyPage.objects.get_or_create(topic_id=topic_id, announce_date=announce_date)
        if page.status != DailyPage.Status.PUBLISHED:
            published.append(daily_page_publish(page=page, user=user))
    return published


def daily_pages_autopublish(*, now: dt.datetime) -> list[DailyPage]:
    """For topics with the auto policy: publish drafts nobody published once their time passed.

    A page a person published and withdrew again is left alone. The time of day is read in the
    display zone (settings.TIME_ZONE) on the page's announce date.
    """
    zone = timezone.get_default_timezone()
    drafts = DailyPage.objects.filter(
        status=DailyPage.Status.DRAFT,
        published_at__isnull=True,
        topic__is_active=True,
        topic__publish_policy=Topic.PublishPolicy.AUTO,
        topic__auto_publish_time__isnull=False,
    ).select_related("topic")
    published = []
    for page in drafts:
        due = dt.datetime.combine(page.announce_date, page.topic.auto_publish_time, tzinfo=zone)
        if due > now:
            continue
        day = topic_day_get(topic=page.topic, announce_date=page.announce_date, include_drafts=True)
        if day.papers:
            published.append(daily_page_publish(page=page, user=None))
            logger.info("auto-published %s", page)
    return published


def _task(name: str):
    """A Celery task from papers.tasks, or None while the helper that writes it is unmerged."""
    from papers import tasks

    return getattr(tasks, name, None)


def ingest_run_retry(*, run: IngestRun) -> bool:
    """Queue the run's work again (same date and categories); False if ingest is unavailable."""
    if run.source == IngestRun.Source.METADATA:
        task, kwargs = _task("ingest_pending_metadata"), {}
    else:
        day = run.announce_date.isoformat() if run.announce_date else None
        task, kwargs = (
            _task("ingest_announcement"),
            {"announce_date": day, "categories": run.categories},
        )
    if task is None:
        return False
    task.delay_on_commit(**kwargs)
    return True


def enrichment_run_retry(*, run: EnrichmentRun) -> bool:
    """Sweep again: the sweep picks up every paper still pending or failed."""
    task = _task("enrich_sweep")
    if task is None:
        return False
    task.delay_on_commit()
    return True


# ---- end editorial ----
