"""The source interface: whatever yields batches is stored and counted through one code path."""

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest

from ingest import services
from ingest.sources.base import Batch, ListingDay, SourceError
from ingest.sources.records import AnnouncementRecord, AuthorRecord, PaperRecord
from papers.models import IngestRun, Paper, RunStatus
from tests.fakes.arxiv_server import RSS_CS_AI

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 27)


def _record(arxiv_id: str) -> PaperRecord:
    return PaperRecord(
        arxiv_id=arxiv_id,
        version=1,
        title=f"Paper {arxiv_id}",
        abstract="An abstract.",
        authors=[AuthorRecord("Ada Lovelace", "Analytical Engine Society")],
        categories=["cs.AI", "cs.LG"],
        primary_category="cs.AI",
        complete=True,
    )


class OneListing:
    """A new kind of source in a few lines: one listing of cs.LG, a new paper and a cross-list."""

    name = "one listing"

    def batches(self) -> Iterator[Batch]:
        records = [_record("2604.00001"), _record("2604.00002")]
        yield Batch(
            records=records,
            announcements=[
                AnnouncementRecord(record.arxiv_id, DAY, "cs.LG", announce_type, 1)
                for record, announce_type in zip(records, ("new", "cross"), strict=True)
            ],
            listing=ListingDay(category="cs.LG", announce_date=DAY),
        )


def test_a_new_source_is_stored_and_counted_in_its_run():
    run = services.source_ingest(source=OneListing(), kind=IngestRun.Source.DIRECTORY)

    assert run.status == RunStatus.OK, run.error
    assert (run.new_count, run.cross_count, run.unchanged_count) == (1, 1, 0)
    assert (run.announce_date, run.finished_at is not None) == (DAY, True)
    paper = Paper.objects.get(arxiv_id="2604.00002")
    assert paper.metadata_state == Paper.MetadataState.COMPLETE
    assert list(paper.authors.values_list("name", "affiliation")) == [
        ("Ada Lovelace", "Analytical Engine Society")
    ]
    assert list(paper.announcements.values_list("announce_date", "category", "announce_type")) == [
        (DAY, "cs.LG", "cross")
    ]
    again = services.source_ingest(source=OneListing(), kind=IngestRun.Source.DIRECTORY)
    assert (again.status, again.new_count, again.unchanged_count) == (RunStatus.OK, 0, 2)


class FailsAfterOneBatch:
    """Reads one batch (one paper, one entry it could not read), then loses its connection."""

    name = "flaky"

    def batches(self) -> Iterator[Batch]:
        yield Batch(records=[_record("2604.00003")], skipped=["flaky: skipped 2604.x: bad id"])
        raise SourceError("connection lost")


def test_a_source_failing_midway_keeps_what_it_stored_and_the_run_says_why():
    run = services.source_ingest(source=FailsAfterOneBatch(), kind=IngestRun.Source.DIRECTORY)

    assert run.status == RunStatus.PARTIAL
    assert (run.new_count, run.failed_count) == (1, 1)
    assert run.error.splitlines() == ["flaky: skipped 2604.x: bad id", "flaky: connection lost"]
    assert Paper.objects.filter(arxiv_id="2604.00003").exists()


def test_recorded_files_report_broken_files_and_store_the_others(tmp_path):
    shutil.copy(RSS_CS_AI, tmp_path / "b_feed.xml")
    (tmp_path / "a_broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "c_truncated.xml").write_bytes(RSS_CS_AI.read_bytes()[:3000])

    run = services.directory_ingest(path=tmp_path)

    assert run.status == RunStatus.PARTIAL
    assert (run.new_count, run.announce_date) == (3, DAY)
    errors = run.error.splitlines()
    assert errors[0].startswith("a_broken.json: Expecting property name")
    assert errors[1].startswith("c_truncated.xml: malformed listing feed")
    assert Paper.objects.count() == 3
