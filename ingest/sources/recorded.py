"""Recorded arXiv replies (`manage.py ingest --from-dir`) as a source.

Files are raw XML or arxiv.py's JSON recordings; each goes to the same parser as a live reply
of its kind (ingest/sources/rss.py, ingest/sources/api.py).
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.sources.api import api_batch, api_page_parse
from ingest.sources.base import Batch
from ingest.sources.http import ArxivError
from ingest.sources.rss import listing_batch, listing_parse

SUFFIXES = (".xml", ".json")


def recorded_file_read(path: Path) -> bytes:
    """A recorded reply's body: raw XML, or arxiv.py's JSON recording (body stored as latin-1).

    Raises ArxivError for a recording of a failed request (status other than 200), ValueError
    or KeyError for a file that is no such recording.
    """
    if path.suffix == ".json":
        recording = json.loads(path.read_text(encoding="utf-8"))
        if recording.get("status_code", 200) != 200:
            raise ArxivError(f"recorded HTTP {recording['status_code']} for {recording['url']}")
        return recording["body"].encode("latin-1")
    return path.read_bytes()


def _is_feed(body: bytes) -> bool:
    return b"<rss" in body[:2000]


@dataclass(frozen=True)
class RecordedFiles:
    """Source: the recorded replies (*.xml, *.json) in `path`, by name.

    Listing feeds come first, one listing batch each (they carry the listing and its date);
    empty ones, and with `categories` those of other categories, are left out. Then API
    replies, one batch each (they complete the listed papers, or add papers announced on the
    listing after their submission, in `categories` when given). A file that cannot be read
    or parsed becomes a batch with only its error; the other files still count. Raises
    nothing of its own.
    """

    path: Path
    categories: Sequence[str] = ()

    @property
    def name(self) -> str:
        return str(self.path)

    def batches(self) -> Iterator[Batch]:
        replies: list[tuple[str, bytes]] = []
        unreadable: list[str] = []
        for file in sorted(p for p in self.path.iterdir() if p.suffix in SUFFIXES):
            try:
                replies.append((file.name, recorded_file_read(file)))
            except (ArxivError, ValueError, KeyError) as exc:
                unreadable.append(f"{file.name}: {exc}")
        if unreadable:
            yield Batch(errors=unreadable)
        # Feeds first: a stable sort keeps the names' order within feeds and API replies.
        for name, body in sorted(replies, key=lambda reply: not _is_feed(reply[1])):
            try:
                batch = self._batch(body)
            except ArxivError as exc:
                yield Batch(errors=[f"{name}: {exc}"])
                continue
            if batch is not None:
                yield batch

    def _batch(self, body: bytes) -> Batch | None:
        """One reply's batch, None for a listing left out; raises ArxivError if malformed."""
        if not _is_feed(body):
            return api_batch(api_page_parse(body).records, categories=self.categories)
        listing = listing_parse(body, category=None)
        if not listing.items or (self.categories and listing.category not in self.categories):
            return None
        return listing_batch(listing)
