"""Ingest services end to end over loopback HTTP: feed → upsert → API completion → run log."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest import schedule, services
from papers.models import Announcement, IngestRun, Paper, PaperAuthor, PaperVersion, RunStatus
from tests.fakes.arxiv_server import (
    FEED_DATE,
    FEED_IDS,
    RSS_WEEKEND,
    replacement_feed,
)

pytestmark = pytest.mark.django_db

LISTING_DATE = FEED_DATE
SAMPLE = Path(__file__).resolve().parents[2] / "papers" / "sample"
SAMPLE_DAY = dt.date(2026, 6, 16)


def _writes(queries) -> list[str]:
    """SQL that changed paper data (the run's own log row does not count)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
        and "papers_ingestrun" not in q["sql"]
    ]


def _ingest(**kwargs) -> IngestRun:
    return services.announcement_ingest(
        categories=kwargs.pop("categories", ["cs.AI"]),
        announce_date=kwargs.pop("announce_date", LISTING_DATE),
        **kwargs,
    )


def test_listing_is_stored_and_completed_from_the_api(fake_arxiv):
    fake_arxiv.feed_ids_serve()
    run = _ingest()
    assert run.status == RunStatus.OK, run.error
    assert (run.new_count, run.cross_count, run.replaced_count) == (3, 0, 0)
    assert run.pending_count == 0 and run.finished_at and run.requests_count == 2
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == set(FEED_IDS)
    announcements = Announcement.objects.filter(announce_date=LISTING_DATE, category="cs.AI")
    assert announcements.count() == 3
    assert set(announcements.values_list("announce_type", flat=True)) == {"new"}
    paper = Paper.objects.get(arxiv_id="2604.21936")
    assert paper.metadata_state == Paper.MetadataState.COMPLETE
    assert paper.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"  # from the feed
    assert paper.submitted_at is not None  # from the API
    assert PaperVersion.objects.filter(paper=paper, version=1).exists()
    api_request = fake_arxiv.api_requests()[0]
    assert sorted(api_request.query["id_list"][0].split(",")) == FEED_IDS


def test_reingesting_the_same_day_writes_no_rows(fake_arxiv):
    fake_arxiv.feed_ids_serve()
    _ingest()
    stamps = dict(Paper.objects.values_list("arxiv_id", "modified_at"))
    counts = (
        Announcement.objects.count(),
        PaperAuthor.objects.count(),
        PaperVersion.objects.count(),
    )
    with CaptureQueriesContext(connection) as queries:
        run = _ingest()
    assert _writes(queries.captured_queries) == []
    assert run.status == RunStatus.OK
    assert (run.new_count, run.unchanged_count) == (0, 3)
    assert dict(Paper.objects.values_list("arxiv_id", "modified_at")) == stamps
    assert counts == (
        Announcement.objects.count(),
        PaperAuthor.objects.count(),
        PaperVersion.objects.count(),
    )


def test_papers_the_api_lacks_stay_pending_and_a_later_run_completes_them(fake_arxiv):
    fake_arxiv.feed_ids_serve()
    fake_arxiv.hidden_ids = {"2604.21937"}
    run = _ingest()
    assert run.status == RunStatus.PARTIAL
    assert run.pending_count == 1
    lagging = Paper.objects.get(arxiv_id="2604.21937")
    assert lagging.metadata_state == Paper.MetadataState.PENDING
    assert lagging.metadata_error == "not in the arXiv API yet"
    assert lagging.metadata_attempts == 1
    assert lagging.title.startswith("MolClaw")  # stored from the feed all the same

    fake_arxiv.hidden_ids = set()
    retry = services.pending_metadata_ingest()
    assert retry.status == RunStatus.OK
    lagging.refresh_from_db()
    assert lagging.metadata_state == Paper.MetadataState.COMPLETE
    assert lagging.metadata_error == ""


def test_version_2_is_recorded_as_a_replacement_and_human_text_is_kept(fake_arxiv):
    fake_arxiv.feed_ids_serve(ids=[])
    _ingest()
    Paper.objects.filter(arxiv_id="2604.21935").update(
        title_zh_human="数学需要两个人", abstract_zh_human="编辑的译文"
    )
    fake_arxiv.feeds["cs.AI"] = replacement_feed()
    run = _ingest(announce_date=dt.date(2026, 4, 28))
    assert run.replaced_count == 1
    assert run.unchanged_count == 0  # the two others are new in the listing of the 28th
    paper = Paper.objects.get(arxiv_id="2604.21935")
    assert paper.version == 2
    assert paper.abstract.startswith("Although large language models")
    assert paper.metadata_state == Paper.MetadataState.PENDING  # v2's metadata still to come
    assert (paper.title_zh_human, paper.abstract_zh_human) == ("数学需要两个人", "编辑的译文")
    v2 = PaperVersion.objects.get(paper=paper, version=2)
    assert (v2.title_changed, v2.abstract_changed) == (False, True)
    replacement = Announcement.objects.get(paper=paper, announce_date=dt.date(2026, 4, 28))
    assert replacement.is_replacement and replacement.version == 2
    assert Announcement.objects.filter(paper=paper).count() == 2


def test_a_lagging_api_does_not_roll_a_paper_back_to_an_older_version(fake_arxiv):
    fake_arxiv.alias("2604.21935", like="2604.26951")  # the API still has only v1
    fake_arxiv.feeds["cs.AI"] = replacement_feed()
    _ingest(announce_date=dt.date(2026, 4, 28))
    paper = Paper.objects.get(arxiv_id="2604.21935")
    assert paper.version == 2
    assert paper.abstract.startswith("Although large language models")
    assert paper.metadata_state == Paper.MetadataState.PENDING


def test_weekend_feed_is_recorded_as_no_announcement(fake_arxiv):
    fake_arxiv.feeds["cs.CL"] = RSS_WEEKEND.read_bytes()
    run = _ingest(categories=["cs.CL"], announce_date=dt.date(2026, 8, 3))
    assert run.status == RunStatus.NO_ANNOUNCEMENT
    assert run.error == "cs.CL: the listing feed is empty (arXiv announced nothing)"
    assert not Paper.objects.exists()


def test_holiday_is_no_announcement_without_asking_arxiv(fake_arxiv):
    run = _ingest(announce_date=dt.date(2026, 11, 26))
    assert run.status == RunStatus.NO_ANNOUNCEMENT
    assert fake_arxiv.requests == []


def test_listing_not_out_yet_fails_with_the_reason(fake_arxiv):
    run = _ingest(announce_date=dt.date(2026, 4, 28))
    assert run.status == RunStatus.FAILED
    assert "cs.AI: the listing of 2026-04-28 is not out yet" in run.error
    assert not Paper.objects.exists()


def test_unreachable_feed_fails_the_run_and_keeps_stored_papers(fake_arxiv, settings):
    _ingest()
    settings.ARXIV_HTTP_RETRIES = 1
    fake_arxiv.faults.extend(["503", "503"])
    run = _ingest()
    assert run.status == RunStatus.FAILED
    assert "HTTP 503" in run.error
    assert Paper.objects.count() == 3


@pytest.mark.parametrize(
    ("fault", "reason"), [("truncate", "malformed API reply"), ("slow", "ReadTimeout")]
)
def test_bad_api_reply_keeps_papers_pending_with_the_reason(fake_arxiv, settings, fault, reason):
    fake_arxiv.feed_ids_serve()
    settings.ARXIV_HTTP_TIMEOUT = 0.3
    settings.ARXIV_HTTP_RETRIES = 0
    fake_arxiv.slow_seconds = 1.0
    fake_arxiv.faults.extend(["", fault])  # the feed is fine, the API reply is not
    run = _ingest()
    assert run.status == RunStatus.PARTIAL
    assert reason in run.error
    assert run.pending_count == 3
    failure = next(line for line in run.error.splitlines() if reason in line)
    assert set(Paper.objects.values_list("metadata_error", flat=True)) == {
        f"not fetched: {failure}"
    }
    assert f"3 paper(s) not fetched: {failure}: kept pending" in run.error
    assert "not in the arXiv API yet" not in run.error  # never asked for
    assert services.pending_metadata_ingest().status == RunStatus.OK
    assert not Paper.objects.filter(metadata_state=Paper.MetadataState.PENDING).exists()


def test_run_held_by_another_worker_is_skipped(fake_arxiv):
    with services.ingest_lock(announce_date=LISTING_DATE, category="cs.AI") as acquired:
        assert acquired
        run = _ingest()
    assert run.status == RunStatus.FAILED
    assert "another ingest of 2026-04-27 is running" in run.error
    assert fake_arxiv.requests == []


def test_enrichment_is_queued_for_new_and_changed_papers_only(fake_arxiv, monkeypatch):
    from enrichment import tasks

    queued = []

    class RecordingEnrichTask:
        def delay_on_commit(self, paper_ids):
            queued.extend(paper_ids)

    monkeypatch.setattr(tasks, "enrich_papers", RecordingEnrichTask())
    _ingest()
    assert sorted(queued) == sorted(Paper.objects.values_list("pk", flat=True))
    queued.clear()
    _ingest()
    assert queued == []  # nothing changed
    fake_arxiv.feeds["cs.AI"] = replacement_feed()
    _ingest(announce_date=dt.date(2026, 4, 28))
    assert queued == [Paper.objects.get(arxiv_id="2604.21935").pk]


def test_recorded_sample_lists_two_complete_days_idempotently(db):
    run = services.directory_ingest(path=SAMPLE)

    assert (run.status, run.announce_date, run.pending_count) == (RunStatus.OK, SAMPLE_DAY, 0)
    assert (run.new_count, run.cross_count, run.replaced_count) == (543, 144, 2)
    assert set(Announcement.objects.values_list("announce_date", flat=True)) == {
        dt.date(2026, 4, 30),
        SAMPLE_DAY,
    }
    # A feed's paper keeps the feed's listings; the API reply only completes it.
    replaced = Paper.objects.get(arxiv_id="2603.04592")
    assert (replaced.version, replaced.comments, replaced.metadata_state) == (
        2,
        "Accepted by ACL 2026 Findings",
        Paper.MetadataState.COMPLETE,
    )
    listings = replaced.announcements.values_list("announce_date", "category", "announce_type")
    assert set(listings) == {
        (SAMPLE_DAY, "cs.CL", "replace"),
        (SAMPLE_DAY, "cs.CV", "replace-cross"),
    }
    # API-only: listed on the first listing after its submission (Wed 29 Apr, 17:59 UTC).
    brevio = Paper.objects.get(arxiv_id="2604.26951")
    assert set(brevio.announcements.values_list("announce_date", "category", "announce_type")) == {
        (dt.date(2026, 4, 30), "cs.CL", "new"),
        (dt.date(2026, 4, 30), "cs.AI", "cross"),
        (dt.date(2026, 4, 30), "cs.LG", "cross"),
    }
    with CaptureQueriesContext(connection) as queries:
        again = services.directory_ingest(path=SAMPLE)
    assert _writes(queries.captured_queries) == []
    assert again.unchanged_count == run.new_count + run.cross_count + run.replaced_count


def test_backfill_queries_submission_windows_and_lists_papers(fake_arxiv, settings):
    settings.ARXIV_BACKFILL_PAGE_SIZE = 8
    brevio_ids = [i for i in fake_arxiv.entries if i.startswith("2604.26")]
    fake_arxiv.search_ids = brevio_ids
    seen = []
    run = services.backfill_run(
        start=dt.date(2026, 4, 30),
        end=dt.date(2026, 4, 30),
        categories=["cs.AI", "cs.LG"],
        progress=lambda day, n: seen.append((day, n)),
    )
    assert run.status == RunStatus.OK, run.error
    assert seen == [(dt.date(2026, 4, 30), 20)]
    query = fake_arxiv.api_requests()[0].query["search_query"][0]
    assert query == "(cat:cs.AI OR cat:cs.LG) AND submittedDate:[202604281800 TO 202604291800]"
    assert len(fake_arxiv.api_requests()) == 3  # 8 + 8 + 4
    assert run.new_count == 20
    announced = Announcement.objects.filter(announce_date=dt.date(2026, 4, 30))
    assert set(announced.values_list("category", flat=True)) <= {"cs.AI", "cs.LG"}
    assert not Paper.objects.filter(metadata_state=Paper.MetadataState.PENDING).exists()


def test_past_listing_date_is_rebuilt_from_the_api(fake_arxiv):
    fake_arxiv.search_ids = ["2604.26951"]
    run = _ingest(announce_date=dt.date(2026, 4, 24))  # the feed already shows the 27th
    assert run.status == RunStatus.OK, run.error
    assert (
        "submittedDate:[202604221800 TO 202604231800]"
        in (fake_arxiv.api_requests()[0].query["search_query"][0])
    )
    assert Announcement.objects.get().announce_date == dt.date(2026, 4, 24)


def test_hard_api_records_through_pending_metadata(fake_arxiv):
    """Title "0", a legacy id with affiliations, 34 authors with a non-ASCII name, an empty
    reply for an unknown id: each ends in the right state."""
    for arxiv_id in ("2104.12255", "astro-ph/0601001", "1707.08567", "0000.0000"):
        Paper.objects.create(arxiv_id=arxiv_id, title="pending", version=1)
    run = services.pending_metadata_ingest()
    assert run.status == RunStatus.PARTIAL and run.pending_count == 1
    assert Paper.objects.get(arxiv_id="2104.12255").title == "0"
    legacy = Paper.objects.get(arxiv_id="astro-ph/0601001")
    assert legacy.authors.first().affiliation == "Ohio State"
    many = Paper.objects.get(arxiv_id="1707.08567")
    assert many.authors.count() == 34
    assert many.authors.filter(name="Dirk Wübben").exists()
    unknown = Paper.objects.get(arxiv_id="0000.0000")
    assert unknown.metadata_state == Paper.MetadataState.PENDING
    assert unknown.metadata_error == "not in the arXiv API yet"


def test_listing_dates_of_runs_follow_the_schedule_when_not_given(fake_arxiv):
    run = services.announcement_ingest(categories=["cs.AI"])
    assert run.announce_date == schedule.latest_listing_date()


def test_a_redelivered_task_takes_back_the_lock_its_killed_run_still_holds(fake_arxiv):
    lock = {"announce_date": LISTING_DATE, "category": "cs.AI"}
    with services.ingest_lock(**lock, owner="task-1"):
        # The worker died here, holding the lock; the broker hands task-1 out again.
        with services.ingest_lock(**lock, owner="task-2") as other:
            assert not other
        with services.ingest_lock(**lock, owner="task-1") as again:
            assert again
