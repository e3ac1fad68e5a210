"""The arXiv API (export.arxiv.org/api): parser, queries, and its two sources.

`ApiIdList` asks for full metadata by id; `ApiWindow` rebuilds a past listing from the papers
submitted in its window. The API names no listing, so the announcements of its records are
derived (`api_batch`).
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from arxiv import _feed as arxiv_feed
from django.conf import settings
from lxml import etree

from ingest import schedule
from ingest.sources.base import Batch
from ingest.sources.http import (
    ArxivFeedError,
    ArxivIncomplete,
    ArxivReportedError,
    ArxivSession,
    retry_backoff,
)
from ingest.sources.records import (
    AnnouncementRecord,
    ApiPage,
    AuthorRecord,
    PaperRecord,
    whitespace_collapse,
)
from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse

API_MAX_IDS = 100  # arXiv's id_list works best in small batches; the issue caps it at 100.
API_MAX_PAGE = 2000  # arXiv's largest page.
_ATOM = "{http://www.w3.org/2005/Atom}"


def api_page_parse(content: bytes) -> ApiPage:
    """Parse one API (Atom) reply with the arxiv package's parser, after a strict check.

    The arxiv parser recovers from broken XML silently; a truncated reply must instead fail
    loudly (ArxivFeedError) so the papers it would have completed stay "metadata pending".
    An error entry (arXiv's own error, sometimes sent with HTTP 200) raises ArxivReportedError
    with arXiv's text. Entries with an unusable id go to `skipped`.
    """
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ArxivFeedError(f"malformed API reply: {exc}") from exc
    if etree.QName(root).localname != "feed":
        raise ArxivFeedError(f"API reply is <{etree.QName(root).localname}>, not an Atom feed")
    for entry in root.iter(f"{_ATOM}entry"):
        if "/api/errors" in (entry.findtext(f"{_ATOM}id") or ""):
            summary = whitespace_collapse(entry.findtext(f"{_ATOM}summary") or "no reason given")
            raise ArxivReportedError(f"arXiv reported an error: {summary}")
    parsed = arxiv_feed.parse(content)
    page = ApiPage(total_results=parsed.header.total_results, records=[])
    for result in parsed.results:
        try:
            page.records.append(_api_record(result))
        except InvalidArxivId as exc:
            page.skipped.append(f"{result.entry_id}: {exc}")
    return page


def _api_record(result) -> PaperRecord:
    parsed_id = arxiv_id_parse(result.entry_id)
    authors = [AuthorRecord(a.name, "; ".join(a.affiliation)) for a in result.authors]
    return PaperRecord(
        arxiv_id=parsed_id.id,
        version=parsed_id.version or 1,
        title=whitespace_collapse(result.title),
        abstract=whitespace_collapse(result.summary),
        authors=authors,
        authors_text=", ".join(a.name for a in authors),
        categories=list(result.categories),
        primary_category=result.primary_category,
        comments=whitespace_collapse(result.comment or ""),
        journal_ref=whitespace_collapse(result.journal_ref or ""),
        doi=(result.doi or "").strip(),
        submitted_at=result.published,
        updated_at=result.updated,
        complete=True,
    )


def _api_query(
    *, session: ArxivSession, search_query: str = "", ids: Sequence[str] = (), start: int, size: int
) -> ApiPage:
    """One page, asked again (ARXIV_HTTP_RETRIES times, with backoff) while it holds fewer
    entries than its totalResults promises from `start` (the API drops them now and then);
    the last answer, short or not."""
    query = {"session": session, "search_query": search_query, "ids": ids, "start": start}
    page = _api_reply(**query, size=size)
    for attempt in range(settings.ARXIV_HTTP_RETRIES):
        promised = min(size, page.total_results - start)
        if page.entries >= promised:
            break
        reason = f"{page.entries} of {promised} entries at start={start}"
        session.retry_sleep(retry_backoff(attempt), reason=reason)
        page = _api_reply(**query, size=size)
    return page


def _api_reply(
    *, session: ArxivSession, search_query: str, ids: Sequence[str], start: int, size: int
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


def api_id_chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    """`ids` in the chunks asked for in one request each (ARXIV_API_BATCH_SIZE, ≤100)."""
    size = min(settings.ARXIV_API_BATCH_SIZE, API_MAX_IDS)
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def api_records_fetch(*, session: ArxivSession, ids: Sequence[str]) -> Iterator[ApiPage]:
    """Full metadata for versionless ids, one chunk (api_id_chunks, one request) at a time.

    Ids the API does not know yet are simply absent: the caller keeps them pending. Raises
    ArxivError when a request fails or its reply is malformed or an error, and
    ArxivIncomplete when the API sends fewer of the papers than it says it found.
    """
    for chunk in api_id_chunks(ids):
        page = _api_query(session=session, ids=chunk, start=0, size=len(chunk))
        if page.entries < page.total_results:
            raise ArxivIncomplete(
                f"the API found {page.total_results} of {len(chunk)} ids asked for but sent "
                f"{page.entries}, {settings.ARXIV_HTTP_RETRIES + 1} time(s)"
            )
        yield page


def api_search_pages(*, session: ArxivSession, search_query: str) -> Iterator[ApiPage]:
    """Every page of an API search, oldest first, ARXIV_BACKFILL_PAGE_SIZE (≤2000) a call.

    The API now and then answers a page with no entries although its totalResults says there
    are more: such a page is asked again (_api_query); still empty, ArxivIncomplete names the
    results not fetched. Raises ArxivError as api_records_fetch.
    """
    size = min(settings.ARXIV_BACKFILL_PAGE_SIZE, API_MAX_PAGE)
    start = 0
    while True:
        page = _api_query(session=session, search_query=search_query, start=start, size=size)
        if not page.entries and start < page.total_results:
            raise ArxivIncomplete(
                f"results {start + 1}–{page.total_results} of {page.total_results} not fetched: "
                f"the API answered an empty page {settings.ARXIV_HTTP_RETRIES + 1} time(s)"
            )
        yield page
        start += page.entries
        if start >= page.total_results:
            return


def submitted_date_query(*, categories: Sequence[str], start: dt.datetime, end: dt.datetime) -> str:
    """`(cat:a OR cat:b) AND submittedDate:[… TO …]` in the API's GMT minute format."""
    cats = " OR ".join(f"cat:{c}" for c in categories)
    fmt = "%Y%m%d%H%M"
    window = f"submittedDate:[{start.astimezone(dt.UTC):{fmt}} TO {end.astimezone(dt.UTC):{fmt}}]"
    return f"({cats}) AND {window}" if cats else window


def api_skipped(page: ApiPage) -> list[str]:
    """The page's unreadable entries as Batch.skipped lines."""
    return [f"arXiv API: skipped {entry}" for entry in page.skipped]


def api_batch(
    records: Iterable[PaperRecord],
    *,
    categories: Sequence[str] = (),
    announce_date: dt.date | None = None,
    skipped: Sequence[str] = (),
) -> Batch:
    """API records as one batch, announced on their first listing: `announce_date`, or the
    listing after each paper's submission when not given. One announcement per category of
    the paper (only those in `categories`, when given): new in its primary category, cross
    in the others. `skipped`: the page's unreadable entries (api_skipped)."""
    records = list(records)
    announcements = []
    for record in records:
        date = announce_date or schedule.listing_date_for_submission(record.submitted_at)
        for category in record.categories:
            if categories and category not in categories:
                continue
            announcements.append(
                AnnouncementRecord(
                    arxiv_id=record.arxiv_id,
                    announce_date=date,
                    category=category,
                    announce_type="new" if category == record.primary_category else "cross",
                    version=1,
                )
            )
    return Batch(records=records, announcements=announcements, skipped=skipped)


@dataclass(frozen=True)
class ApiIdList:
    """Source: full metadata for versionless ids, one batch per chunk (api_id_chunks).

    Metadata only: the batches carry no announcements. Ids the API does not know yet are
    absent from them. Raises ArxivError as api_records_fetch.
    """

    session: ArxivSession
    ids: Sequence[str]

    @property
    def name(self) -> str:
        return "arXiv API"

    def batches(self) -> Iterator[Batch]:
        for page in api_records_fetch(session=self.session, ids=self.ids):
            yield Batch(records=page.records, skipped=api_skipped(page))


@dataclass(frozen=True)
class ApiWindow:
    """Source: a past listing rebuilt from the API, one batch per page of the papers of
    `categories` submitted in its window (ingest.schedule.submission_window).

    Replacements are not in a submission window, so only new and cross listings come back.
    Raises ArxivError as api_search_pages.
    """

    session: ArxivSession
    listing_date: dt.date
    categories: Sequence[str]

    @property
    def name(self) -> str:
        return str(self.listing_date)

    def batches(self) -> Iterator[Batch]:
        window_start, window_end = schedule.submission_window(self.listing_date)
        query = submitted_date_query(categories=self.categories, start=window_start, end=window_end)
        for page in api_search_pages(session=self.session, search_query=query):
            yield api_batch(
                page.records,
                categories=self.categories,
                announce_date=self.listing_date,
                skipped=api_skipped(page),
            )
