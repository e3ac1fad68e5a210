"""The set-based upsert: chunks stored in parallel and the plain-COPY fast path's fallback."""

import dataclasses
import datetime as dt
import itertools
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest import upsert
from ingest.sources.rss import listing_batch, listing_parse
from papers.models import Announcement, Paper, PaperAuthor, PaperVersion
from tests.factories import PaperAuthorFactory
from tests.fakes.arxiv_server import RSS_CS_AI


@pytest.mark.django_db(transaction=True)
def test_chunks_on_worker_connections_store_the_whole_listing_once(monkeypatch):
    """Outside a transaction chunks commit on two threads' connections at once."""
    monkeypatch.setattr(upsert, "_UPSERT_CHUNK", 1)
    threads = set()
    upsert_chunk = upsert._upsert_chunk
    first_two, together = itertools.count(), threading.Barrier(2, timeout=30)

    def recording_chunk(records, announcements):
        threads.add(threading.current_thread().name)
        if next(first_two) < 2:
            together.wait()  # only passes if two threads hold a chunk at the same time
        return upsert_chunk(records, announcements)

    monkeypatch.setattr(upsert, "_upsert_chunk", recording_chunk)
    batch = listing_batch(listing_parse(RSS_CS_AI.read_bytes(), category="cs.AI"))
    result = upsert.papers_upsert(records=batch.records, announcements=batch.announcements)

    assert len(threads) == 2
    ids = {"2604.21935", "2604.21936", "2604.21937"}
    assert result.created == ids
    assert result.paper_pks == dict(Paper.objects.values_list("arxiv_id", "pk"))
    assert PaperAuthor.objects.count() == 2 + 18 + 17
    assert PaperVersion.objects.count() == 3
    assert Announcement.objects.filter(category="cs.AI").count() == 3
    again = upsert.papers_upsert(records=batch.records, announcements=batch.announcements)
    assert again.rows_written == 0 and again.created == set()


@pytest.mark.django_db
def test_fresh_rows_already_stored_fall_back_to_the_checked_upsert():
    """A concurrent ingest may store a paper's rows first: the COPY fast path then fails on
    the unique key and the same rows go through INSERT … ON CONFLICT instead."""
    author = PaperAuthorFactory(position=0, name="Old Name", affiliation="")
    upsert._rows_upsert(
        PaperAuthor,
        ("paper_id", "position", "name", "affiliation"),
        [(author.paper_id, 0, "New Name", "MIT"), (author.paper_id, 1, "Second", "")],
        unique=("paper_id", "position"),
        update=("name", "affiliation"),
        fresh=True,
    )
    rows = PaperAuthor.objects.filter(paper_id=author.paper_id).order_by("position")
    assert list(rows.values_list("name", "affiliation")) == [
        ("New Name", "MIT"),
        ("Second", ""),
    ]


@pytest.mark.django_db
def test_papers_created_now_are_not_asked_whether_published():
    """New papers have no hits yet, so none is published: a fresh listing reads no hits; the
    same papers listed again on a later date are asked (their cached pages may show them)."""
    batch = listing_batch(listing_parse(RSS_CS_AI.read_bytes(), category="cs.AI"))
    later = [
        dataclasses.replace(a, announce_date=a.announce_date + dt.timedelta(days=1))
        for a in batch.announcements
    ]
    with CaptureQueriesContext(connection) as fresh:
        upsert.papers_upsert(records=batch.records, announcements=batch.announcements)
    with CaptureQueriesContext(connection) as again:
        upsert.papers_upsert(records=batch.records, announcements=later)

    def hits_read(queries: CaptureQueriesContext) -> bool:
        return any("papers_topichit" in q["sql"] for q in queries.captured_queries)

    assert not hits_read(fresh)
    assert hits_read(again)
