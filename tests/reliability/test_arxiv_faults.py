"""arXiv misbehaves in every way the loopback fake can: no listed paper is lost, and every run
ends with a status and, unless plain OK, the reason."""

import pytest

from ingest import services
from papers.models import Announcement, IngestRun, Paper, RunStatus
from tests.fakes.arxiv_server import FEED_DATE, FEED_IDS, RSS_WEEKEND

pytestmark = pytest.mark.django_db

AREA = "arXiv faults"


def _feed_fault(fault: str):
    def inject(fake, settings):
        fake.faults.extend([fault])

    return inject


def _every_attempt(fault: str):
    """The fault outlasts the retries: the run itself fails, a later run catches up."""

    def inject(fake, settings):
        settings.ARXIV_HTTP_RETRIES = 1
        fake.faults.extend([fault, fault])

    return inject


def _api_fault(fault: str):
    def inject(fake, settings):
        settings.ARXIV_HTTP_RETRIES = 0
        fake.faults.extend(["", fault])  # the listing is fine, the API reply is not

    return inject


def _empty_feed(fake, settings):
    fake.feeds["cs.AI"], fake.listing_later = RSS_WEEKEND.read_bytes(), fake.feeds["cs.AI"]


def _html_error_page(fake, settings):
    """arXiv answering 200 with its HTML maintenance page instead of the feed."""
    page = b"<!DOCTYPE html><html><body><h1>arXiv is down for maintenance</h1></body></html>"
    fake.feeds["cs.AI"], fake.listing_later = page, fake.feeds["cs.AI"]


def _ids_missing(fake, settings):
    fake.hidden_ids = set(FEED_IDS[1:])


FAULTS = {
    "429 + Retry-After": _feed_fault("429"),
    "429 on every attempt": _every_attempt("429"),
    "503": _feed_fault("503"),
    "503 on every attempt": _every_attempt("503"),
    "timeout": _feed_fault("slow"),
    "timeout of the API": _api_fault("slow"),
    "truncated listing XML": _every_attempt("truncate"),
    "truncated API XML": _api_fault("truncate"),
    "connection dropped": _feed_fault("drop"),
    "503 from the API on every attempt": _api_fault("503"),
    "HTML error page instead of the feed": _html_error_page,
    "empty feed on an announce day": _empty_feed,
    "ids missing from the API": _ids_missing,
}


def _recover(fake) -> list[IngestRun]:
    """arXiv is well again: the next scheduled runs (announcement, pending metadata)."""
    fake.faults.clear()
    fake.hidden_ids = set()
    if listing := vars(fake).pop("listing_later", None):
        fake.feeds["cs.AI"] = listing
    ingest = services.announcement_ingest(categories=["cs.AI"], announce_date=FEED_DATE)
    return [ingest, services.pending_metadata_ingest()]


def _lost() -> int:
    """Listed papers without their row, their announcement or (in the end) API metadata."""
    complete = set(
        Paper.objects.filter(
            metadata_state=Paper.MetadataState.COMPLETE,
            announcements__announce_date=FEED_DATE,
            announcements__category="cs.AI",
        ).values_list("arxiv_id", flat=True)
    )
    return len(set(FEED_IDS) - complete)


def _without_reason(runs: list[IngestRun]) -> list[str]:
    return [
        f"#{run.pk} {run.status}"
        for run in runs
        if run.status == RunStatus.RUNNING or (run.status != RunStatus.OK and not run.error)
    ]


def test_arxiv_faults_lose_no_paper_and_every_run_says_why(fake_arxiv, settings, figure):
    settings.ARXIV_HTTP_TIMEOUT = 0.3
    fake_arxiv.slow_seconds = 0.6
    fake_arxiv.retry_after = "1"
    fake_arxiv.feed_ids_serve()
    lost, unexplained, statuses = 0, [], {}
    for name, inject in FAULTS.items():
        Paper.objects.all().delete()
        inject(fake_arxiv, settings)
        faulty = services.announcement_ingest(categories=["cs.AI"], announce_date=FEED_DATE)
        statuses[name] = faulty.status
        runs = [faulty, *_recover(fake_arxiv)]
        settings.ARXIV_HTTP_RETRIES = 4
        lost += _lost()
        unexplained += [f"{name}: {run}" for run in _without_reason(runs)]
        assert Announcement.objects.filter(announce_date=FEED_DATE).count() == len(FEED_IDS)

    figure(area=AREA, measure=f"papers lost over {len(FAULTS)} fault kinds", measured=lost)
    figure(area=AREA, measure="runs ending without status and reason", measured=len(unexplained))
    assert lost == 0
    assert unexplained == []
    # The faults really were faults: retried away, or a run that says it did not finish.
    assert statuses["429 on every attempt"] == statuses["503 on every attempt"] == "failed"
    assert statuses["truncated API XML"] == statuses["ids missing from the API"] == "partial"
    assert statuses["empty feed on an announce day"] == RunStatus.NO_ANNOUNCEMENT
    assert statuses["429 + Retry-After"] == statuses["timeout"] == RunStatus.OK
