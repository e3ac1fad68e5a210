"""Writes to papers and their runs. Each block below belongs to one feature."""

# ======================================================================= ingest (issue 4)

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter
from psycopg.types.json import Jsonb
from redis.exceptions import LockError

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
    gc_paused,
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
_PAPER_FIELDS = ("arxiv_id", *_INGEST_FIELDS)
_VERSION_FIELDS = (
    "paper_id",
    "version",
    "submitted_at",
    "title",
    "abstract",
    "title_changed",
    "abstract_changed",
)
_OPTIONAL_FIELDS = ("license", "comments", "journal_ref", "doi", "submitted_at", "updated_at")
_UPSERT_CHUNK = 1000
_UPSERT_WORKERS = 2  # chunks in flight: one stored by PostgreSQL, one prepared by Python


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


def _record_values(paper: dict | None, record: PaperRecord) -> dict:
    """The column values this record asks for, given what is stored (None: nothing new)."""
    if paper is not None and record.version < paper["version"]:
        return {}
    same_version_complete = (
        paper is not None
        and record.version == paper["version"]
        and paper["metadata_state"] == Paper.MetadataState.COMPLETE
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
    elif paper is not None and record.version > paper["version"]:
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


def _rows_upsert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: list[tuple],
    *,
    unique: Sequence[str],
    update: Sequence[str] = (),
    fresh: bool = False,
) -> None:
    """Insert rows; one whose `unique` key is stored gets its `update` fields where they
    differ, or is left alone. `fresh` rows cannot be stored yet (they belong to papers this
    transaction created), so they skip the conflict check.

    On PostgreSQL the rows go by COPY into a temporary table, then one INSERT … SELECT …
    ON CONFLICT: the cost per row is the database's, not the ORM's, which would otherwise
    dominate an ingest (a listing day brings thousands of papers and tens of thousands of
    author rows). Elsewhere (SQLite for `make run`) bulk_create does the same.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows],
            batch_size=_UPSERT_CHUNK,
            ignore_conflicts=not update,
            update_conflicts=bool(update),
            unique_fields=list(unique) if update else None,
            update_fields=list(update) if update else None,
        )
        return
    meta = model._meta
    qn = connection.ops.quote_name  # every name below comes from our own models
    table, temp = qn(meta.db_table), qn(f"upsert_{meta.db_table}")
    given = [meta.get_field(f) for f in fields]
    # Columns the rows do not carry get the model's defaults; auto_now(_add) ones get now;
    # the database computes generated ones.
    now, blank = timezone.now(), model()
    rest = [
        f
        for f in meta.concrete_fields
        if f not in given and not f.primary_key and not getattr(f, "generated", False)
    ]
    rest_values = [
        f.get_db_prep_save(now if _is_auto(f) else getattr(blank, f.attname), connection)
        for f in rest
    ]
    columns = ", ".join(qn(f.column) for f in given)
    insert = ", ".join([columns, *(qn(f.column) for f in rest)])
    select = ", ".join([columns, *["%s"] * len(rest)])
    keys = ", ".join(qn(meta.get_field(f).column) for f in unique)
    conflict = "DO NOTHING"
    if update:
        updated = [meta.get_field(f) for f in update]
        compared = [qn(f.column) for f in updated if not _is_auto(f)]
        conflict = (
            "DO UPDATE SET "
            + ", ".join(f"{qn(f.column)} = EXCLUDED.{qn(f.column)}" for f in updated)
            + f" WHERE ({', '.join(f'{table}.{c}' for c in compared)})"
            + f" IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in compared)})"
        )
    json_at = [i for i, f in enumerate(given) if isinstance(f, models.JSONField)]

    def copy_rows(copy, extra: Sequence = ()) -> None:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = Jsonb(row[i])
            copy.write_row((*row, *extra))

    with transaction.atomic(), connection.cursor() as cursor:
        # Rows are formatted here while a worker thread sends them: PostgreSQL stores one
        # batch while Python formats the next (two cores, not one after the other).
        def writer() -> QueuedLibpqWriter:
            return QueuedLibpqWriter(cursor.cursor)

        if fresh:
            try:
                with (
                    transaction.atomic(),
                    cursor.copy(f"COPY {table} ({insert}) FROM STDIN", writer=writer()) as copy,
                ):
                    copy_rows(copy, rest_values)
                return
            except connection.Database.IntegrityError:  # psycopg's: COPY is not wrapped
                pass  # a concurrent ingest stored some meanwhile: take the checked way
        cursor.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with cursor.copy(f"COPY {temp} ({columns}) FROM STDIN", writer=writer()) as copy:
            copy_rows(copy)
        cursor.execute(
            f"INSERT INTO {table} ({insert}) SELECT {select} FROM {temp} "  # noqa: S608
            f"ON CONFLICT ({keys}) {conflict}",
            rest_values,
        )
        cursor.execute(f"DROP TABLE {temp}")


def _is_auto(field: models.Field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _authors_sync(
    *, pks: dict[str, int], records: dict[str, PaperRecord], created: set[str]
) -> int:
    """Make PaperAuthor rows match the records, in place, keeping editors' institution links."""
    existing: dict[int, dict[int, tuple[int, str, str]]] = {}
    known = [pks[i] for i in records if i not in created]  # new papers have no authors yet
    for pk, paper_id, position, name, affiliation in PaperAuthor.objects.filter(
        paper_id__in=known
    ).values_list("pk", "paper_id", "position", "name", "affiliation"):
        existing.setdefault(paper_id, {})[position] = (pk, name, affiliation)
    to_create, to_update, to_delete = [], [], []
    for arxiv_id, record in records.items():
        paper_id = pks[arxiv_id]
        stored = existing.get(paper_id, {})
        if arxiv_id not in created and not record.complete:
            # The feed has names only: keep the API's affiliations if the names agree.
            names = [stored[p][1] for p in sorted(stored)]
            if names == [a.name for a in record.authors]:
                continue
        rows = to_create if arxiv_id in created else to_update
        for position, author in enumerate(record.authors):
            row = (author.name[:300], author.affiliation)
            if stored.get(position, (None,))[1:] != row:
                rows.append((paper_id, position, *row))
        to_delete += [pk for pos, (pk, *_) in stored.items() if pos >= len(record.authors)]
    if to_delete:
        PaperAuthor.objects.filter(pk__in=to_delete).delete()
    for rows, fresh in ((to_create, True), (to_update, False)):
        _rows_upsert(
            PaperAuthor,
            ("paper_id", "position", "name", "affiliation"),
            rows,
            unique=("paper_id", "position"),
            update=("name", "affiliation"),
            fresh=fresh,
        )
    return len(to_create) + len(to_update) + len(to_delete)


def _announcements_add(
    *, pks: dict[str, int], announcements: Sequence[AnnouncementRecord], created: set[str]
) -> set[tuple[str, str]]:
    """Insert the announcements not stored yet; returns (arxiv_id, category) of new ones."""
    wanted = {(pks[a.arxiv_id], a.announce_date, a.category): a for a in announcements}
    known = {key for key, a in wanted.items() if a.arxiv_id not in created}
    stored = set()
    if known:  # papers created just now have none yet
        stored = set(
            Announcement.objects.filter(
                paper_id__in={key[0] for key in known},
                announce_date__in={key[1] for key in known},
            ).values_list("paper_id", "announce_date", "category")
        )
    new = {key: a for key, a in wanted.items() if key not in stored}
    for fresh in (True, False):
        _rows_upsert(
            Announcement,
            ("paper_id", "announce_date", "category", "announce_type", "version"),
            [(*k, a.announce_type, a.version) for k, a in new.items() if (k not in known) == fresh],
            unique=("paper_id", "announce_date", "category"),
            fresh=fresh,
        )
    return {(a.arxiv_id, a.category) for a in new.values()}


def _upsert_chunk(
    records: dict[str, PaperRecord], announcements: Sequence[AnnouncementRecord]
) -> UpsertResult:
    result = UpsertResult()
    stored = {
        p["arxiv_id"]: p
        for p in Paper.objects.filter(arxiv_id__in=list(records)).values("pk", *_PAPER_FIELDS)
    }
    blank = Paper()
    now = timezone.now()
    to_write: list[tuple] = []
    versions: list[tuple] = []  # (arxiv_id, version, submitted_at, title, abstract, changed…)
    author_records: dict[str, PaperRecord] = {}
    for arxiv_id, record in records.items():
        paper = stored.get(arxiv_id)
        values = _record_values(paper, record)
        if paper is None:
            paper = {f: getattr(blank, f) for f in _PAPER_FIELDS} | values
            result.created.add(arxiv_id)
            submitted_at = record.updated_at or record.submitted_at
            versions.append(
                (
                    arxiv_id,
                    record.version,
                    submitted_at,
                    record.title,
                    record.abstract,
                    False,
                    False,
                )
            )
        elif not values:
            if record.version < paper["version"]:
                result.stale.add(arxiv_id)
            continue
        else:
            changes = {k: v for k, v in values.items() if paper[k] != v}
            if not changes:
                continue
            text_changed = any(k in changes for k in ("title", "abstract"))
            if changes.get("version", paper["version"]) > paper["version"]:
                versions.append(
                    (
                        arxiv_id,
                        record.version,
                        record.updated_at,
                        record.title,
                        record.abstract,
                        "title" in changes,
                        "abstract" in changes,
                    )
                )
            if text_changed:
                changes["enrichment_state"] = Paper.EnrichmentState.PENDING
                result.text_changed.add(arxiv_id)
            paper = paper | changes
            result.changed.add(arxiv_id)
        if "title" in values:
            author_records[arxiv_id] = record
        paper["arxiv_id"], paper["modified_at"] = arxiv_id, now
        to_write.append(tuple(paper[f] for f in _PAPER_FIELDS))
    for fresh in (True, False):
        _rows_upsert(
            Paper,
            _PAPER_FIELDS,
            [row for row in to_write if (row[0] in result.created) == fresh],
            unique=("arxiv_id",),
            update=_INGEST_FIELDS,
            fresh=fresh,
        )
    result.rows_written += len(to_write)
    result.paper_pks = {i: p["pk"] for i, p in stored.items()}
    result.paper_pks.update(
        Paper.objects.filter(arxiv_id__in=list(result.created)).values_list("arxiv_id", "pk")
    )
    for fresh in (True, False):
        _rows_upsert(
            PaperVersion,
            _VERSION_FIELDS,
            [
                (result.paper_pks[v[0]], *v[1:])
                for v in versions
                if (v[0] in result.created) == fresh
            ],
            unique=("paper_id", "version"),
            fresh=fresh,
        )
    result.rows_written += len(versions)
    result.rows_written += _authors_sync(
        pks=result.paper_pks, records=author_records, created=result.created
    )
    result.announced = _announcements_add(
        pks=result.paper_pks, announcements=announcements, created=result.created
    )
    result.rows_written += len(result.announced)
    return result


def papers_upsert(
    *, records: Iterable[PaperRecord], announcements: Sequence[AnnouncementRecord] = ()
) -> UpsertResult:
    """Store papers keyed on arXiv id, with versions, authors and announcements, in bulk.

    Idempotent: data already stored writes no row. A higher version records a PaperVersion
    with what changed; a lower one (the API lagging the feed) is ignored. Never touches the
    Chinese text or review fields.

    Chunks are independent transactions on disjoint papers. Outside a caller's transaction,
    on PostgreSQL, two run at once (this thread's connection and a helper thread's), so the
    database stores one while Python prepares the other: both cores work, not in turns.
    """
    by_id = _dedupe(records)
    by_paper: dict[str, list[AnnouncementRecord]] = {}
    for announcement in announcements:
        by_paper.setdefault(announcement.arxiv_id, []).append(announcement)
    ids = list(by_id)
    chunks = []
    for start in range(0, len(ids), _UPSERT_CHUNK):
        chunk = {i: by_id[i] for i in ids[start : start + _UPSERT_CHUNK]}
        chunks.append((chunk, [a for i in chunk for a in by_paper.get(i, ())]))
    queue = iter(chunks)  # shared by the workers; next() on a list iterator is atomic
    parallel = len(chunks) > 1 and not connection.in_atomic_block
    helpers = _UPSERT_WORKERS - 1 if parallel and connection.vendor == "postgresql" else 0
    result = UpsertResult()
    with gc_paused(), ThreadPoolExecutor(max_workers=max(helpers, 1)) as pool:
        started = [
            pool.submit(_chunks_upsert_worker, queue, own_connection=True) for _ in range(helpers)
        ]
        results = _chunks_upsert_worker(queue, own_connection=False)  # this thread too
        for helper in started:
            results += helper.result()
    for chunk_result in results:
        result.merge(chunk_result)
    if result.rows_written:
        # Bulk writes send no model signals: a replaced paper must not keep its cached page.
        transaction.on_commit(public_cache_invalidate)
    return result


def _chunks_upsert_worker(
    chunks: Iterator[tuple[dict[str, PaperRecord], list[AnnouncementRecord]]],
    *,
    own_connection: bool,
) -> list[UpsertResult]:
    """Store chunks, each in its own transaction, until none is left. A helper thread gets
    its own connection from Django and closes it at the end."""
    results = []
    try:
        for records, announcements in chunks:
            with transaction.atomic():
                results.append(_upsert_chunk(records, announcements))
    finally:
        if own_connection:
            connection.close()
    return results


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


# ---- reliability (issue 10) ----


def runs_interrupted_close(*, run: IngestRun | EnrichmentRun) -> int:
    """Close the runs an earlier delivery of the same Celery task left "running".

    A worker killed mid-run never finishes its run record; the broker hands the task out
    again (acks_late), and that new run marks the old one failed with the reason, so every
    run ends with a status.
    """
    if not run.task_id:
        return 0
    return (
        type(run)
        .objects.filter(task_id=run.task_id, status=RunStatus.RUNNING)
        .exclude(pk=run.pk)
        .update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"interrupted: the worker stopped mid-run; the task ran again as run {run.pk}",
        )
    )


# ---- end reliability ----
