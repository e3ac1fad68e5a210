"""Plain records every source produces: papers, their announcements, parsed replies.

No database: sources build them, ingest/upsert.py stores them.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple


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


@dataclass(frozen=True)
class AnnouncementRecord:
    """A paper listed in `category` on `announce_date` as `announce_type` (new, cross,
    replace, replace-cross), at `version`."""

    arxiv_id: str
    announce_date: dt.date
    category: str
    announce_type: str
    version: int


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
    skipped: list[str] = field(default_factory=list)  # "<entry id>: <why>"


@dataclass
class ApiPage:
    """One reply of the arXiv API: `total_results` of the whole query, this page's records and
    the entries it could not read (`skipped`, "<entry id>: <why>")."""

    total_results: int
    records: list[PaperRecord]
    skipped: list[str] = field(default_factory=list)

    @property
    def entries(self) -> int:
        return len(self.records) + len(self.skipped)


def whitespace_collapse(text: str) -> str:
    """Collapse the hard line breaks arXiv puts into titles and abstracts (any run of
    whitespace becomes one space; none at either end)."""
    return " ".join(text.split())
