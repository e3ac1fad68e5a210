"""Bad arXiv data never passes for a good run: every way the listing feed and the API hand back
less, older, repeated or error data than asked ends in a run state and a reason that say so,
and records no announcement that did not happen. Over real HTTP to the loopback fake arXiv."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from celery.exceptions import Retry

from ingest import services
from ingest.tasks import ingest_announcement
from papers.models import Announcement, IngestRun, Paper, RunStatus
from tests.fakes.arxiv_server import FEED_DATE, FEED_IDS, RSS_WEEKEND, feed_dated

pytestmark = pytest.mark.django_db

NEXT_DAY = FEED_DATE + dt.timedelta(days=1)
# A past listing's submission window: five papers listed in cs.AI, two to a page.
WINDOW_IDS = ["2604.26951", "2604.26919", "2604.26904", "2604.26903", "2604.26851"]


@pytest.fixture
def arxiv(fake_arxiv, settings):
    settings.ARXIV_HTTP_RETRIES = 2
    settings.ARXIV_BACKFILL_PAGE_SIZE = 2
    fake_arxiv.feed_ids_serve()
    fake_arxiv.search_ids = list(WINDOW_IDS)
    return fake_arxiv


def _ingest(day: dt.date = FEED_DATE) -> IngestRun:
    return services.announcement_ingest(categories=["cs.AI"], announce_date=day)


def _backfill(day: dt.date = FEED_DATE) -> IngestRun:
    return services.backfill_run(start=day, end=day, categories=["cs.AI"])


def test_example_a_an_empty_page_short_of_total_results_ends_the_backfill_partial(arxiv):
    arxiv.faults.extend(["", "empty", "empty", "empty"])  # start=2 answers no entry, 3 times
    run = _backfill()
    assert run.status == RunStatus.PARTIAL
    assert run.new_count == 2
    assert run.error == (
        "2026-04-27: results 3–5 of 5 not fetched: the API answered an empty page 3 time(s)"
    )
    assert [r.query["start"][0] for r in arxiv.api_requests()] == ["0", "2", "2", "2"]
    assert run.retries_count == 2


def test_example_b_a_feed_repeating_the_last_listing_under_a_new_date_is_not_out_yet(arxiv):
    monday, tuesday = dt.date(2026, 10, 12), dt.date(2026, 10, 13)
    arxiv.feeds["cs.AI"] = feed_dated(monday)
    assert _ingest(monday).status == RunStatus.OK
    arxiv.feeds["cs.AI"] = feed_dated(tuesday)  # the same three v1 items, dated the next day
    with pytest.raises(Retry, match="not out yet"):  # the task retries, as beat's catch-ups do
        ingest_announcement.apply(args=[["cs.AI"], tuesday.isoformat()], throw=True)
    run = IngestRun.objects.filter(announce_date=tuesday).get()
    assert run.status == RunStatus.FAILED
    assert run.error == (
        "cs.AI: the feed dated 2026-10-13 repeats the listing of 2026-10-12 (all 3 items "
        "announced then): the listing of 2026-10-13 is not out yet"
    )
    assert not Announcement.objects.filter(announce_date=tuesday).exists()
    assert Announcement.objects.filter(announce_date=monday, announce_type="new").count() == 3


def test_metadata_given_up_on_503s_says_not_fetched_and_counts_statuses(arxiv):
    arxiv.faults.extend(["", "503", "503", "503"])  # the feed, then every attempt at the API
    run = _ingest()
    assert run.status == RunStatus.PARTIAL
    assert "3 paper(s) not fetched: arXiv API: gave up after 3 attempt(s): HTTP 503" in run.error
    assert "not in the arXiv API yet" not in run.error  # they were never asked for
    assert (run.requests_count, run.retries_count) == (4, 2)
    assert run.http_statuses == {"200": 1, "503": 3}


def test_an_api_error_entry_sent_with_http_200_is_arxivs_error_on_the_run(arxiv):
    arxiv.faults.extend(["", "error_entry"])
    run = _ingest()
    assert run.status == RunStatus.PARTIAL
    assert "arXiv API: arXiv reported an error: incorrect id format for abc" in run.error
    assert run.failed_count == 0  # not a skipped entry
    assert set(Paper.objects.values_list("metadata_error", flat=True)) == {
        "not fetched: arXiv API: arXiv reported an error: incorrect id format for abc"
    }


def _empty_feed(fake) -> None:
    fake.feeds["cs.AI"] = RSS_WEEKEND.read_bytes()


def _html_instead_of_the_feed(fake) -> None:
    fake.feeds["cs.AI"] = b"<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>"


def _listed_the_day_before(fake) -> None:
    """The feed's papers are listed on FEED_DATE; the feed then shows them dated NEXT_DAY."""
    assert _ingest().status == RunStatus.OK
    fake.feeds["cs.AI"] = feed_dated(NEXT_DAY)


def _listed_the_day_before_in_the_window(fake) -> None:
    """The next day's submission window holds the papers listed on FEED_DATE already."""
    assert _ingest().status == RunStatus.OK
    fake.search_ids = list(FEED_IDS)


def _one_paper_not_in_the_api(fake) -> None:
    fake.hidden_ids = {FEED_IDS[-1]}


@dataclass(frozen=True)
class FaultSequence:
    """What arXiv answers, request after request ("" is a good answer), and how the run ends:
    its status, a line of its error (`reason`, "" for none) and the announcements it leaves
    on its date (`listed`)."""

    run: Callable[..., IngestRun]
    faults: tuple[str, ...]
    status: str
    reason: str
    listed: int
    before: Callable | None = None
    day: dt.date = FEED_DATE


OK, PARTIAL, FAILED = RunStatus.OK, RunStatus.PARTIAL, RunStatus.FAILED
GAVE_UP = "gave up after 3 attempt(s)"
SEQUENCES = {
    # The listing feed, then the API for its papers' metadata.
    "feed: 503, then the listing": FaultSequence(_ingest, ("503",), OK, "", 3),
    "feed: 503 on every attempt": FaultSequence(
        _ingest, ("503",) * 3, FAILED, f"cs.AI: {GAVE_UP}", 0
    ),
    "feed: connection dropped on every attempt": FaultSequence(
        _ingest, ("drop",) * 3, FAILED, f"{GAVE_UP}: ConnectionError", 0
    ),
    "feed: truncated": FaultSequence(_ingest, ("truncate",), FAILED, "cs.AI: malformed listing", 0),
    "feed: an HTML page": FaultSequence(
        _ingest,
        (),
        FAILED,
        "cs.AI: listing for cs.AI is not an RSS",
        0,
        before=_html_instead_of_the_feed,
    ),
    "feed: empty on a listing day": FaultSequence(
        _ingest, (), RunStatus.NO_ANNOUNCEMENT, "the listing feed is empty", 0, before=_empty_feed
    ),
    "feed: still the day before": FaultSequence(
        _ingest, (), FAILED, "cs.AI: the listing of 2026-04-28 is not out yet", 0, day=NEXT_DAY
    ),
    "feed: the day before's items, dated today": FaultSequence(
        _ingest,
        (),
        FAILED,
        "repeats the listing of 2026-04-27 (all 3 items announced then)",
        0,
        before=_listed_the_day_before,
        day=NEXT_DAY,
    ),
    "API: 503 on every attempt": FaultSequence(
        _ingest, ("", *["503"] * 3), PARTIAL, f"3 paper(s) not fetched: arXiv API: {GAVE_UP}", 3
    ),
    "API: truncated reply": FaultSequence(
        _ingest, ("", "truncate"), PARTIAL, "3 paper(s) not fetched: arXiv API: malformed", 3
    ),
    "API: error entry with HTTP 200": FaultSequence(
        _ingest, ("", "error_entry"), PARTIAL, "arXiv API: arXiv reported an error", 3
    ),
    "API: no entries of the 3 it found, once": FaultSequence(_ingest, ("", "empty"), OK, "", 3),
    "API: no entries of the 3 it found, every time": FaultSequence(
        _ingest,
        ("", *["empty"] * 3),
        PARTIAL,
        "3 paper(s) not fetched: arXiv API: the API found 3 of 3 ids asked for but sent 0",
        3,
    ),
    "API: one paper not in it yet": FaultSequence(
        _ingest,
        (),
        PARTIAL,
        "1 paper(s) not in the arXiv API yet",
        3,
        before=_one_paper_not_in_the_api,
    ),
    # A past listing rebuilt from its submission window, two papers to a page.
    "window: all pages": FaultSequence(_backfill, (), OK, "", 5),
    "window: an empty page, then its entries": FaultSequence(_backfill, ("", "empty"), OK, "", 5),
    "window: an empty page every time": FaultSequence(
        _backfill, ("", *["empty"] * 3), PARTIAL, "results 3–5 of 5 not fetched", 2
    ),
    "window: the first page empty every time": FaultSequence(
        _backfill, ("empty",) * 3, FAILED, "results 1–5 of 5 not fetched", 0
    ),
    "window: 503 on every attempt at page 2": FaultSequence(
        _backfill, ("", *["503"] * 3), PARTIAL, f"2026-04-27: {GAVE_UP}: HTTP 503", 2
    ),
    "window: error entry with HTTP 200": FaultSequence(
        _backfill, ("error_entry",), FAILED, "2026-04-27: arXiv reported an error", 0
    ),
    "window: papers listed the day before": FaultSequence(
        _backfill,
        (),
        OK,
        "1 announcement(s) made already, not recorded again: 2604.21935v1 cs.AI on 2026-04-27",
        0,
        before=_listed_the_day_before_in_the_window,
        day=NEXT_DAY,
    ),
}


@pytest.mark.parametrize("sequence", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_each_arxiv_fault_sequence_ends_in_its_run_state_and_reason(arxiv, sequence):
    if sequence.before:
        sequence.before(arxiv)
    asked_before = len(arxiv.requests)
    arxiv.faults.extend(sequence.faults)
    run = sequence.run(sequence.day)
    assert run.status == sequence.status, run.error
    if sequence.reason:
        assert sequence.reason in run.error
    else:
        assert run.error == ""
    assert Announcement.objects.filter(announce_date=sequence.day).count() == sequence.listed
    # Every request is on the run: counted, and counted by its answer.
    assert run.requests_count == len(arxiv.requests) - asked_before
    assert sum(run.http_statuses.values()) == run.requests_count
