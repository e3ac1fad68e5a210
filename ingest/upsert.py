"""The set-based upsert of parsed arXiv records: papers, versions, authors, listings.

Idempotent: the same records again write no row. Columns the machine and editors own are
never in the upsert, so ingest can never overwrite them.
"""

import logging
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter
from psycopg.types.json import Jsonb

from ingest.sources.records import AnnouncementRecord, PaperRecord
from papers.gc_pause import gc_paused
from papers.models import (
    Announcement,
    Paper,
    PaperAuthor,
    PaperVersion,
)
from papers.publication import papers_publication_refresh_ids
from papers.signals import public_content_changed_if_published

logger = logging.getLogger(__name__)

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

    def copy_rows(rows_in, extra: Sequence = ()) -> None:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = Jsonb(row[i])
            rows_in.write_row((*row, *extra))

    with transaction.atomic(), connection.cursor() as cursor:
        # Rows are formatted here while a worker thread sends them: PostgreSQL stores one
        # batch while Python formats the next (two cores, not one after the other). psycopg's
        # own cursor: Django's debug wrapper (DEBUG=True) takes no `writer`.
        def copy(statement: str):
            return cursor.cursor.copy(statement, writer=QueuedLibpqWriter(cursor.cursor))

        if fresh:
            try:
                with (
                    transaction.atomic(),
                    copy(f"COPY {table} ({insert}) FROM STDIN") as rows_in,
                ):
                    copy_rows(rows_in, rest_values)
                return
            except connection.Database.IntegrityError:  # psycopg's: COPY is not wrapped
                pass  # a concurrent ingest stored some meanwhile: take the checked way
        cursor.execute(
            f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with copy(f"COPY {temp} ({columns}) FROM STDIN") as rows_in:
            copy_rows(rows_in)
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
    # A stored paper listed again on a date whose page already shows its accepted hit is
    # published there from now on (papers created just now have no hits yet).
    result.rows_written += papers_publication_refresh_ids(
        {result.paper_pks[i] for i, _ in result.announced if i not in result.created}
    )
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
    # A published paper replaced or listed again must not keep its cached pages; the day's
    # other papers are drafts nobody reads yet. Papers created here have no hits, so none is
    # published: they are not asked about (a listing day's new papers are most of a batch).
    written = result.changed | {i for i, _ in result.announced if i not in result.created}
    if written:
        public_content_changed_if_published(
            paper_ids=[result.paper_pks[arxiv_id] for arxiv_id in written], sender=Paper
        )
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
