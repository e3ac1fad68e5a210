"""Everything that talks to arXiv: one polite HTTP session, the listing feed and the API.

All requests to arXiv go through `ArxivSession`, so the deployment-wide pace (a Redis-held
slot, `ARXIV_MIN_INTERVAL` seconds apart), the timeout, the User-Agent and the retry policy
live in one place. Parsing is pure: bytes in, plain records out, so recorded files
(`manage.py ingest --from-dir`) go through exactly the same code as live responses.
"""

import datetime as dt
import email.utils
import functools
import gc
import logging
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import feedparser
import redis
import requests
from arxiv import _feed as arxiv_feed
from django.conf import settings
from lxml import etree

from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
API_MAX_IDS = 100  # arXiv's id_list works best in small batches; the issue caps it at 100.
API_MAX_PAGE = 2000  # arXiv's largest page.
# Added to the interval so network jitter between our send and arXiv's receipt never makes
# two requests look closer than the interval on arXiv's side.
_PACE_MARGIN = 0.1
_LIMITER_KEY = "arxdaily:arxiv:next-request-at"
# Reserve the next free slot atomically on the Redis clock (one clock for every worker) and
# return how many milliseconds the caller has to wait for it.
_LIMITER_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], slot + interval, 'PX', interval + 60000)
return slot - now
"""


class ArxivError(Exception):
    """arXiv could not be read; the message says why, for the IngestRun record."""


class ArxivHTTPError(ArxivError):
    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class ArxivFeedError(ArxivError):
    """A reply that is not a well-formed feed (truncated, HTML error page, ...)."""


def redis_client() -> redis.Redis:
    """The Redis that holds the pace slot and ingest locks (one pool per process)."""
    return _redis_for(settings.REDIS_URL)


@functools.cache
def _redis_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def arxiv_slot_wait(*, interval: float) -> float:
    """Block until this process may send the next arXiv request; returns seconds waited."""
    if interval <= 0:
        return 0.0
    interval_ms = int((interval + _PACE_MARGIN) * 1000)
    wait_ms = redis_client().eval(_LIMITER_SCRIPT, 1, _LIMITER_KEY, interval_ms)
    wait = int(wait_ms) / 1000
    if wait > 0:
        time.sleep(wait)
    return wait


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class ArxivSession(requests.Session):
    """requests.Session that is polite to arXiv: the one way this project talks to arXiv.

    Every attempt, retries included, waits for the shared pace slot. 429, 5xx, connection
    errors (a reply cut off midway included) and timeouts are retried with exponential
    backoff (Retry-After wins when longer), a bounded number of times; the last failure
    raises ArxivHTTPError with the reason.
    """

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = settings.ARXIV_USER_AGENT
        self.requests_count = 0

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", settings.ARXIV_HTTP_TIMEOUT)
        # Our User-Agent, whatever a library passes per request.
        headers = kwargs.pop("headers", None) or {}
        headers = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        kwargs["headers"] = {**headers, "User-Agent": settings.ARXIV_USER_AGENT}
        attempts = settings.ARXIV_HTTP_RETRIES + 1
        for attempt in range(attempts):
            arxiv_slot_wait(interval=settings.ARXIV_MIN_INTERVAL)
            self.requests_count += 1
            retry_after = status = None
            try:
                response = super().request(method, url, *args, **kwargs)
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                reason = f"{type(exc).__name__} from {url}: {exc}"
            else:
                status = response.status_code
                if status not in RETRY_STATUSES:
                    return response
                reason = f"HTTP {status} from {url}"
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                response.close()
            if attempt == attempts - 1:
                break
            backoff = settings.ARXIV_RETRY_BACKOFF * 2**attempt
            wait = max(backoff, retry_after or 0.0)
            if wait > settings.ARXIV_RETRY_MAX_WAIT:
                reason += f" (asked to wait {wait:.0f} s, more than ARXIV_RETRY_MAX_WAIT)"
                break
            logger.warning("arXiv: %s; retry %d in %.1f s", reason, attempt + 1, wait)
            time.sleep(wait)
        raise ArxivHTTPError(f"gave up after {attempt + 1} attempt(s): {reason}", status=status)

    def fetch(self, url: str) -> bytes:
        """GET that must succeed with 200; other statuses raise with the reason."""
        response = self.get(url)
        if response.status_code != 200:
            # arXiv's API explains a 400 in the <summary> of an error entry.
            detail = re.search(rb"<summary>(.{0,300}?)</summary>", response.content, re.S)
            message = f"HTTP {response.status_code} from {response.url}"
            if detail:
                message += f": {detail.group(1).decode('utf-8', 'replace').strip()}"
            raise ArxivHTTPError(message, status=response.status_code)
        return response.content


# ---------------------------------------------------------------------------- records


class AuthorRecord(NamedTuple):
    """A tuple, not a dataclass: a listing day brings tens of thousands of them."""

    name: str
    affiliation: str = ""


@dataclass(slots=True)
class PaperRecord:
    """One paper as a source describes it; None means "this source does not say"."""

    arxiv_id: str
    version: int
    title: str
    abstract: str
    authors: list[AuthorRecord]
    categories: list[str]
    primary_category: str
    authors_text: str = ""
    license: str | None = None
    comments: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    complete: bool = False  # True when it came from the API (all metadata present)


@dataclass
class ListingItem:
    paper: PaperRecord
    announce_type: str


@dataclass
class Listing:
    """One category's listing feed. No items: arXiv did not announce (weekend, holiday)."""

    category: str
    announce_date: dt.date | None
    items: list[ListingItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class ApiPage:
    total_results: int
    records: list[PaperRecord]


# ---------------------------------------------------------------------------- listing feed


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for loops that build many small objects and no
    reference cycles (parsing, bulk upserts), where collections would scan the growing heap
    again and again, taking about 40% of a big listing's parse time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_DESCRIPTION_RE = re.compile(
    r"^\s*arXiv:\s*(?P<id>\S+?)\s*Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?",
)
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")


def _clean(text: str) -> str:
    """Collapse the hard line breaks arXiv puts into titles and abstracts."""
    return " ".join(text.split())


def listing_parse(content: bytes, *, category: str | None) -> Listing:
    """Parse a rss.arxiv.org feed; the channel pubDate is the listing's announce date.

    Without `category` (recorded files) it is read from the channel link, …/rss/<cat>.
    """
    # No HTML sanitising: it eats LaTeX such as `$x<y$` as a tag. The text stays untrusted and
    # is escaped wherever it is shown.
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not isinstance(parsed.bozo_exception, feedparser.CharacterEncodingOverride):
        raise ArxivFeedError(f"malformed listing feed for {category}: {parsed.bozo_exception}")
    if parsed.get("version", "") not in ("rss20", "rss10", "atom10"):
        raise ArxivFeedError(f"listing for {category} is not an RSS/Atom feed")
    category = category or parsed.feed.get("link", "").rstrip("/").rsplit("/", 1)[-1]
    if not category:
        raise ArxivFeedError("listing feed names no category")
    pub_date = parsed.feed.get("published") or parsed.feed.get("updated")
    announce_date = None
    if pub_date:
        when = email.utils.parsedate_to_datetime(pub_date)
        announce_date = when.astimezone(ZoneInfo(settings.ARXIV_TIMEZONE)).date()
    if parsed.entries and announce_date is None:
        raise ArxivFeedError(f"listing feed for {category} has items but no pubDate")
    listing = Listing(category=category, announce_date=announce_date)
    for entry in parsed.entries:
        try:
            listing.items.append(_listing_item(entry, category=category))
        except (InvalidArxivId, ValueError) as exc:
            listing.skipped.append(f"{entry.get('id', '?')}: {exc}")
    return listing


def _listing_item(entry, *, category: str) -> ListingItem:
    description = entry.get("description", "")
    match = _DESCRIPTION_RE.match(description)
    parsed_id = arxiv_id_parse(entry.get("id") or (match.group("id") if match else ""))
    announce_type = entry.get("arxiv_announce_type") or (match.group("type") if match else "")
    if announce_type not in ANNOUNCE_TYPES:
        raise ValueError(f"unknown announce type {announce_type!r}")
    abstract = description[match.end() :] if match else description
    creators = entry.get("author", "")
    categories = [tag.term for tag in entry.get("tags", []) if tag.get("term")]
    primary = category if announce_type in ("new", "replace") else categories[0]
    return ListingItem(
        announce_type=announce_type,
        paper=PaperRecord(
            arxiv_id=parsed_id.id,
            version=parsed_id.version or 1,
            title=_clean(entry.get("title", "")),
            abstract=_clean(abstract),
            authors=[AuthorRecord(name) for name in _split_authors(creators)],
            authors_text=_clean(creators),
            categories=categories,
            primary_category=primary,
            license=entry.get("rights") or None,
        ),
    )


def _split_authors(creators: str) -> list[str]:
    names = re.split(r",\s*|\s+and\s+", _clean(creators))
    return [name for name in names if name]


def listing_fetch(*, session: ArxivSession, category: str) -> Listing:
    return listing_parse(session.fetch(f"{settings.ARXIV_RSS_URL}{category}"), category=category)


# ---------------------------------------------------------------------------- API


def api_page_parse(content: bytes) -> ApiPage:
    """Parse one API (Atom) reply with the arxiv package's parser, after a strict check.

    The arxiv parser recovers from broken XML silently; a truncated reply must instead fail
    loudly so the papers it would have completed stay "metadata pending".
    """
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ArxivFeedError(f"malformed API reply: {exc}") from exc
    if etree.QName(root).localname != "feed":
        raise ArxivFeedError(f"API reply is <{etree.QName(root).localname}>, not an Atom feed")
    parsed = arxiv_feed.parse(content)
    records = []
    for result in parsed.results:
        try:
            records.append(_api_record(result))
        except InvalidArxivId:
            logger.warning("arXiv API entry with an unusable id: %s", result.entry_id)
    return ApiPage(
        total_results=parsed.header.total_results,
        records=records,
    )


def _api_record(result) -> PaperRecord:
    parsed_id = arxiv_id_parse(result.entry_id)
    authors = [AuthorRecord(a.name, "; ".join(a.affiliation)) for a in result.authors]
    return PaperRecord(
        arxiv_id=parsed_id.id,
        version=parsed_id.version or 1,
        title=_clean(result.title),
        abstract=_clean(result.summary),
        authors=authors,
        authors_text=", ".join(a.name for a in authors),
        categories=list(result.categories),
        primary_category=result.primary_category,
        comments=_clean(result.comment or ""),
        journal_ref=_clean(result.journal_ref or ""),
        doi=(result.doi or "").strip(),
        submitted_at=result.published,
        updated_at=result.updated,
        complete=True,
    )


def _api_query(
    *, session: ArxivSession, search_query: str = "", ids: Sequence[str] = (), start: int, size: int
) -> ApiPage:
    # Same parameters, in the same order, as arxiv.Client sends.
    query = urlencode(
        {
            "search_query": search_query,
            "id_list": ",".join(ids),
            "sortBy": "submittedDate" if search_query else "relevance",
            "sortOrder": "ascending" if search_query else "descending",
            "start": start,
            "max_results": size,
        }
    )
    return api_page_parse(session.fetch(f"{settings.ARXIV_API_URL}?{query}"))


def api_records_fetch(*, session: ArxivSession, ids: Sequence[str]) -> Iterator[list[PaperRecord]]:
    """Full metadata for versionless ids, one batch (≤100 ids, one request) at a time.

    Ids the API does not know yet are simply absent: the caller keeps them pending.
    """
    batch_size = min(settings.ARXIV_API_BATCH_SIZE, API_MAX_IDS)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        yield _api_query(session=session, ids=batch, start=0, size=len(batch)).records


def api_search_pages(*, session: ArxivSession, search_query: str) -> Iterator[ApiPage]:
    """Every page of an API search, oldest first, ARXIV_BACKFILL_PAGE_SIZE (≤2000) a call."""
    size = min(settings.ARXIV_BACKFILL_PAGE_SIZE, API_MAX_PAGE)
    start = 0
    while True:
        page = _api_query(session=session, search_query=search_query, start=start, size=size)
        yield page
        start += len(page.records)
        if not page.records or start >= page.total_results:
            return


def submitted_date_query(*, categories: Sequence[str], start: dt.datetime, end: dt.datetime) -> str:
    """`(cat:a OR cat:b) AND submittedDate:[… TO …]` in the API's GMT minute format."""
    cats = " OR ".join(f"cat:{c}" for c in categories)
    fmt = "%Y%m%d%H%M"
    window = f"submittedDate:[{start.astimezone(dt.UTC):{fmt}} TO {end.astimezone(dt.UTC):{fmt}}]"
    return f"({cats}) AND {window}" if cats else window
