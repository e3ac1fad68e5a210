"""The small interface every ingest source implements.

A source (the listing feed, the API, recorded files, …) yields `Batch`es; ingest/services.py
stores every batch of every source the same way (one upsert, then the counts of its run), so a
new source is one module with one class.
"""

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.sources.records import AnnouncementRecord, PaperRecord


class SourceError(Exception):
    """A source cannot go on; the message says why, for the IngestRun record."""


@dataclass(frozen=True)
class ListingDay:
    """The listing a batch is: one category on one date (None only for an empty feed)."""

    category: str
    announce_date: dt.date | None


@dataclass(frozen=True, slots=True)
class Batch:
    """What a source hands over to be stored in one go.

    - `records`: papers as the source describes them; the same paper twice keeps the highest
      version (the API's over the feed's).
    - `announcements`: the listings these records imply (none for metadata only).
    - `listing`: set when the batch is one category's listing of one day, with one
      announcement per record; its papers then count by announce type (new, cross,
      replaced). Without it they count as new, replaced (a new version) or unchanged.
    - `skipped`: entries the source could not read, one run-log line each ("<where>: skipped
      <entry>: <why>"); each counts as one failed paper.
    - `errors`: larger parts the source went past (a file it could not parse), one run-log
      line each ("<where>: <why>"); they count as no paper.
    """

    records: Sequence[PaperRecord] = ()
    announcements: Sequence[AnnouncementRecord] = ()
    listing: ListingDay | None = None
    skipped: Sequence[str] = ()
    errors: Sequence[str] = ()


class Source(Protocol):
    """Where papers come from."""

    @property
    def name(self) -> str:
        """Prefixes the source's failure in the run log, e.g. "cs.AI" or "arXiv API"."""
        ...

    def batches(self) -> Iterator[Batch]:
        """The batches to store, in order, each yielded once the source has read it.

        Raises SourceError (ArxivError for arXiv) when the source cannot go on; the batches
        yielded before it are stored all the same.
        """
        ...
