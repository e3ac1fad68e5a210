"""The arXiv client against real recorded replies, served by the loopback fake."""

import gc
import itertools
import threading

import pytest

from arxdaily.settings import base as base_settings
from ingest.sources.api import api_page_parse, api_records_fetch, api_search_pages
from ingest.sources.http import ArxivFeedError, ArxivHTTPError, ArxivSession
from ingest.sources.rss import listing_fetch, listing_parse
from tests.fakes.arxiv_server import FIXTURES, RSS_CS_AI, RSS_WEEKEND, recording_load


def _api_body(name: str) -> bytes:
    return recording_load(FIXTURES / name)[1]


def test_listing_feed_gives_date_ids_versions_types_and_licences():
    listing = listing_parse(RSS_CS_AI.read_bytes(), category="cs.AI")
    assert str(listing.announce_date) == "2026-04-27"
    assert [i.paper.arxiv_id for i in listing.items] == ["2604.21935", "2604.21936", "2604.21937"]
    assert {(i.paper.version, i.announce_type) for i in listing.items} == {(1, "new")}
    first, second, _ = (i.paper for i in listing.items)
    assert first.title.startswith("Math Takes Two")
    assert first.abstract.startswith("Although language models")  # "Abstract:" prefix removed
    assert first.license == "http://creativecommons.org/licenses/by/4.0/"
    assert second.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert len(second.authors) == 18
    assert second.authors[-1].name == "Bennett A. Landman"
    assert r"\textbf{adaptability}" in second.abstract
    assert second.categories == ["cs.AI", "cs.CV", "cs.MA"]
    assert not first.complete


def test_listing_category_comes_from_the_channel_link_when_not_given():
    assert listing_parse(RSS_CS_AI.read_bytes(), category=None).category == "cs.AI"


def test_weekend_feed_is_an_empty_listing_not_an_error():
    listing = listing_parse(RSS_WEEKEND.read_bytes(), category="cs.CL")
    assert listing.items == []
    assert str(listing.announce_date) == "2026-08-01"


def test_truncated_listing_feed_is_a_clear_error():
    with pytest.raises(ArxivFeedError, match=r"malformed listing feed for cs\.AI"):
        listing_parse(RSS_CS_AI.read_bytes()[:3000], category="cs.AI")


def test_listing_parse_leaves_the_garbage_collector_as_it_found_it():
    """The parse pauses cyclic collection (a feed is many small objects, no cycles) and
    restores it, also when the feed is malformed; a caller's own pause is kept."""
    assert gc.isenabled()
    listing_parse(RSS_CS_AI.read_bytes(), category="cs.AI")
    assert gc.isenabled()
    with pytest.raises(ArxivFeedError):
        listing_parse(RSS_CS_AI.read_bytes()[:3000], category="cs.AI")
    assert gc.isenabled()
    gc.disable()
    try:
        listing_parse(RSS_CS_AI.read_bytes(), category="cs.AI")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_api_title_zero_is_kept_and_dollar_sign_survives():
    (record,) = api_page_parse(
        _api_body("api2026_title_is_0_no_comment_2104.12255v1.arxivpy.json")
    ).records
    assert record.title == "0"
    assert "$35,000" in record.abstract
    assert (record.comments, record.journal_ref, record.doi) == ("", "", "")
    assert record.complete


def test_api_legacy_id_with_affiliations():
    (record,) = api_page_parse(
        _api_body("api2026_oldstyle_id_astro-ph_0601001_affiliations.arxivpy.json")
    ).records
    assert record.arxiv_id == "astro-ph/0601001"
    assert record.authors[0].affiliation == "Ohio State"
    assert all(a.affiliation for a in record.authors)
    assert record.journal_ref


def test_api_34_authors_with_non_ascii_name():
    page = api_page_parse(_api_body("api2026_idlist_one_missing_34_authors_umlaut.arxivpy.json"))
    (record,) = page.records
    assert len(record.authors) == 34
    assert "Dirk Wübben" in [a.name for a in record.authors]


def test_api_page_of_100_with_doi_latex_and_later_versions():
    page = api_page_parse(_api_body("api2026_query_testing_100_entries_doi_latex_v2.arxivpy.json"))
    assert page.total_results == 214881
    assert len(page.records) == 100
    assert sum(1 for r in page.records if r.doi) == 32
    assert sum(1 for r in page.records if r.version >= 2) == 36
    assert any("\\mathbb" in r.abstract for r in page.records)
    assert all("\n" not in r.abstract for r in page.records)


def test_api_empty_result_and_truncated_reply():
    assert (
        api_page_parse(_api_body("api2026_empty_totalResults0_id_0000.0000.arxivpy.json")).records
        == []
    )
    body = _api_body("api2026_query_testing_page1_start0_max10.arxivpy.json")
    with pytest.raises(ArxivFeedError, match="malformed API reply"):
        api_page_parse(body[: len(body) // 2])


def test_session_sends_our_user_agent_and_reads_the_feed(fake_arxiv, settings):
    settings.ARXIV_USER_AGENT = "arxdaily-test/1.0 (mailto:test@example.org)"
    listing = listing_fetch(session=ArxivSession(), category="cs.AI")
    assert len(listing.items) == 3
    assert fake_arxiv.requests[0].user_agent == "arxdaily-test/1.0 (mailto:test@example.org)"


def test_malformed_id_gets_arxivs_http_400_reason(fake_arxiv):
    with pytest.raises(ArxivHTTPError, match="incorrect id format for abc") as exc:
        list(api_records_fetch(session=ArxivSession(), ids=["abc"]))
    assert exc.value.status == 400
    assert len(fake_arxiv.requests) == 1  # a 400 is not retried


def test_id_list_is_sent_in_batches_of_at_most_100(fake_arxiv):
    ids = [f"2604.{n:05d}" for n in range(250)]
    pages = list(api_records_fetch(session=ArxivSession(), ids=ids))
    assert [page.records for page in pages] == [[], [], []]  # unknown ids: empty 200 replies
    sizes = [len(r.query["id_list"][0].split(",")) for r in fake_arxiv.api_requests()]
    assert sizes == [100, 100, 50]


def test_429_is_retried_after_retry_after(fake_arxiv):
    fake_arxiv.faults.extend(["429"])
    fake_arxiv.retry_after = "1"
    listing = listing_fetch(session=ArxivSession(), category="cs.AI")
    assert len(listing.items) == 3
    first, second = fake_arxiv.requests
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 1.0  # Retry-After honoured (a lower bound, not a race)


def test_503_and_dropped_connections_are_retried_then_succeed(fake_arxiv):
    fake_arxiv.faults.extend(["503", "drop", "503"])
    session = ArxivSession()
    assert len(listing_fetch(session=session, category="cs.AI").items) == 3
    assert session.requests_count == 4


def test_retries_are_bounded_and_say_why(fake_arxiv, settings):
    settings.ARXIV_HTTP_RETRIES = 2
    fake_arxiv.faults.extend(["503"] * 5)
    with pytest.raises(ArxivHTTPError, match=r"gave up after 3 attempt\(s\): HTTP 503") as exc:
        listing_fetch(session=ArxivSession(), category="cs.AI")
    assert exc.value.status == 503
    assert len(fake_arxiv.requests) == 3


def test_retry_after_beyond_the_maximum_wait_gives_up_at_once(fake_arxiv, settings):
    settings.ARXIV_RETRY_MAX_WAIT = 10
    fake_arxiv.retry_after = "3600"
    fake_arxiv.faults.extend(["429"])
    with pytest.raises(ArxivHTTPError, match="more than ARXIV_RETRY_MAX_WAIT"):
        listing_fetch(session=ArxivSession(), category="cs.AI")
    assert len(fake_arxiv.requests) == 1


def test_reply_slower_than_the_timeout_is_a_timeout_error(fake_arxiv, settings):
    settings.ARXIV_HTTP_TIMEOUT = 0.2
    settings.ARXIV_HTTP_RETRIES = 1
    fake_arxiv.slow_seconds = 1.0
    fake_arxiv.faults.extend(["slow", "slow"])
    with pytest.raises(ArxivHTTPError, match="ReadTimeout"):
        listing_fetch(session=ArxivSession(), category="cs.AI")


def test_search_pages_until_total(fake_arxiv, settings):
    settings.ARXIV_BACKFILL_PAGE_SIZE = 7
    fake_arxiv.search_ids = sorted(fake_arxiv.entries)[:20]
    pages = list(api_search_pages(session=ArxivSession(), search_query="cat:cs.AI"))
    assert [len(p.records) for p in pages] == [7, 7, 6]
    assert [r.query["start"][0] for r in fake_arxiv.api_requests()] == ["0", "7", "14"]


def test_default_pace_is_one_request_every_3_seconds():
    assert base_settings.ARXIV_MIN_INTERVAL == 3.0


def arrival_gaps(fake_arxiv, worker, *, workers: int) -> list[float]:
    """Run `worker` in `workers` threads at once ('workers' with their own sessions); the
    seconds between consecutive requests as the fake arXiv received them."""
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    arrivals = sorted(r.at for r in fake_arxiv.requests)
    return [b - a for a, b in itertools.pairwise(arrivals)]


def test_pace_holds_across_concurrent_sessions(fake_arxiv, settings):
    """Four 'workers' (own sessions, threads) share the Redis slot: the server log proves it."""
    settings.ARXIV_MIN_INTERVAL = 0.2

    def worker():
        session = ArxivSession()
        for _ in range(2):
            assert session.get(f"{settings.ARXIV_RSS_URL}cs.AI").status_code == 200

    gaps = arrival_gaps(fake_arxiv, worker, workers=4)
    assert len(gaps) == 7
    assert min(gaps) >= settings.ARXIV_MIN_INTERVAL, gaps


def test_one_request_at_a_time_each_an_interval_after_the_last_reply(fake_arxiv, settings):
    """arXiv asks for a single connection: while a slow reply is out, no other 'worker' sends,
    and the next request arrives an interval after that reply, not after its own turn began."""
    settings.ARXIV_MIN_INTERVAL = 0.2
    fake_arxiv.slow_seconds = 0.4
    fake_arxiv.faults.extend(["slow"] * 3)

    def worker():
        assert ArxivSession().get(f"{settings.ARXIV_RSS_URL}cs.AI").status_code == 200

    gaps = arrival_gaps(fake_arxiv, worker, workers=3)
    assert len(gaps) == 2
    assert min(gaps) >= fake_arxiv.slow_seconds + settings.ARXIV_MIN_INTERVAL, gaps


def test_listing_keeps_latex_and_html_like_text_verbatim():
    """Feedparser's HTML sanitiser would eat `$x<y$` as a tag; the text must stay as arXiv
    sent it (it is escaped when shown). Derived from the real feed: no recording has it."""
    feed = RSS_CS_AI.read_bytes().replace(
        b"Although language models",
        b"For $x&lt;y$ and $a &lt;b$, &lt;script&gt;x&lt;/script&gt; in $\\mathbb{R}$,"
        b" language models",
        1,
    )
    abstract = listing_parse(feed, category="cs.AI").items[0].paper.abstract
    assert abstract.startswith(r"For $x<y$ and $a <b$, <script>x</script> in $\mathbb{R}$,")
