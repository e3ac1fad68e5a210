"""arXiv's listing feed (rss.arxiv.org): parser, fetcher, and the feed as a source.

Parsing is pure, bytes in and a `Listing` out, so recorded files (ingest/sources/recorded.py)
go through exactly the same code as live replies.
"""

import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import feedparser
from django.conf import settings

from ingest.sources.base import Batch, ListingDay
from ingest.sources.http import ArxivFeedError, ArxivSession
from ingest.sources.records import (
    AnnouncementRecord,
    AuthorRecord,
    Listing,
    ListingItem,
    PaperRecord,
    whitespace_collapse,
)
from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse
from papers.gc_pause import gc_paused

_DESCRIPTION_RE = re.compile(
    r"^\s*arXiv:\s*(?P<id>\S+?)\s*Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?",
)
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")


def listing_parse(content: bytes, *, category: str | None) -> Listing:
    """Parse a rss.arxiv.org feed; the channel pubDate is the listing's announce date.

    Without `category` (recorded files) it is read from the channel link, …/rss/<cat>. Items
    that cannot be read (bad id, unknown announce type) go to `skipped`. Raises
    ArxivFeedError for a reply that is no well-formed feed, names no category, or has items
    but no date.
    """
    with gc_paused():  # a feed of thousands of items is a heap of small objects, no cycles
        return _listing_read(content, category=category)


def _listing_read(content: bytes, *, category: str | None) -> Listing:
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
            title=whitespace_collapse(entry.get("title", "")),
            abstract=whitespace_collapse(abstract),
            authors=[AuthorRecord(name) for name in _split_authors(creators)],
            authors_text=whitespace_collapse(creators),
            categories=categories,
            primary_category=primary,
            license=entry.get("rights") or None,
        ),
    )


def _split_authors(creators: str) -> list[str]:
    names = re.split(r",\s*|\s+and\s+", whitespace_collapse(creators))
    return [name for name in names if name]


def listing_fetch(*, session: ArxivSession, category: str) -> Listing:
    """The current listing feed of `category`; raises ArxivError (unreachable, malformed)."""
    return listing_parse(session.fetch(f"{settings.ARXIV_RSS_URL}{category}"), category=category)


def listing_batch(listing: Listing) -> Batch:
    """A parsed listing as one batch: its papers, each announced on the listing's date in its
    category, and one skipped line per unreadable item."""
    category, announce_date = listing.category, listing.announce_date
    return Batch(
        records=[item.paper for item in listing.items],
        announcements=[
            AnnouncementRecord(
                arxiv_id=item.paper.arxiv_id,
                announce_date=announce_date,
                category=category,
                announce_type=item.announce_type,
                version=item.paper.version,
            )
            for item in listing.items
        ],
        listing=ListingDay(category=category, announce_date=announce_date),
        skipped=[f"{category}: skipped {entry}" for entry in listing.skipped],
    )


@dataclass(frozen=True)
class ListingFeed:
    """Source: the current listing feed of one category, one request, one batch.

    The batch is yielded even when the feed is empty (no announcement that day), so the
    caller sees the date and category the feed shows. Raises ArxivError as listing_fetch.
    """

    session: ArxivSession
    category: str

    @property
    def name(self) -> str:
        return self.category

    def batches(self) -> Iterator[Batch]:
        yield listing_batch(listing_fetch(session=self.session, category=self.category))
