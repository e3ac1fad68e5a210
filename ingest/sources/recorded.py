"""Recorded arXiv replies (`manage.py ingest --from-dir`) as a source, and recorded full texts.

Files are raw XML or arxiv.py's JSON recordings; each goes to the same parser as a live reply
of its kind (ingest/sources/rss.py, ingest/sources/api.py). Full-text files (`<id>.html`,
`<id>.pdf`) go to the reader of fetched ones (ingest/sources/fulltext.py).
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.frontmatter import FrontMatterUnavailable
from ingest.sources.api import api_batch, api_page_parse, api_skipped
from ingest.sources.base import Batch
from ingest.sources.fulltext import HTML, PDF, FullTextFault, FullTextRead, full_text_read
from ingest.sources.http import ArxivError
from ingest.sources.rss import listing_batch, listing_parse
from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse

SUFFIXES = (".xml", ".json")
FULL_TEXT_SUFFIXES = (f".{HTML}", f".{PDF}")  # in the order they are read


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
    replies, one batch each: they complete the papers a feed listed (metadata only, as the
    live ingest asks the API for a feed's papers), and add the others as announced on the
    listing after their submission (in `categories` when given). A file that cannot be read
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
        listed: set[str] = set()  # arXiv ids of the feeds' papers
        # Feeds first: a stable sort keeps the names' order within feeds and API replies.
        for name, body in sorted(replies, key=lambda reply: not _is_feed(reply[1])):
            try:
                batch = self._batch(body, listed=listed)
            except ArxivError as exc:
                yield Batch(errors=[f"{name}: {exc}"])
                continue
            if batch is not None:
                listed.update(record.arxiv_id for record in batch.records if batch.listing)
                yield batch

    def _batch(self, body: bytes, *, listed: set[str]) -> Batch | None:
        """One reply's batch, None for a listing left out; raises ArxivError if malformed.
        An API reply derives listings only for papers no feed (`listed`) named."""
        if not _is_feed(body):
            page = api_page_parse(body)
            unlisted = [record for record in page.records if record.arxiv_id not in listed]
            derived = api_batch(unlisted, categories=self.categories).announcements
            return Batch(records=page.records, announcements=derived, skipped=api_skipped(page))
        listing = listing_parse(body, category=None)
        if not listing.items or (self.categories and listing.category not in self.categories):
            return None
        return listing_batch(listing)


def recorded_full_texts(path: Path) -> tuple[dict[str, list[Path]], list[str]]:
    """The full-text files in `path` by arXiv id (file names write "/" as "_"), HTML first;
    and one error line ("<file>: <why>") per full-text file not named after an arXiv id."""
    files: dict[str, list[Path]] = {}
    errors = []
    for file in sorted(p for p in path.iterdir() if p.suffix in FULL_TEXT_SUFFIXES):
        try:
            arxiv_id = arxiv_id_parse(file.stem.replace("_", "/")).id
        except InvalidArxivId as exc:
            errors.append(f"{file.name}: {exc}")
            continue
        files.setdefault(arxiv_id, []).append(file)
    for group in files.values():
        group.sort(key=lambda file: FULL_TEXT_SUFFIXES.index(file.suffix))
    return files, errors


def recorded_full_text_read(files: list[Path]) -> FullTextRead:
    """Read one paper's recorded full text: the first of `files` that is its HTML rendering,
    else the PDF; raises FullTextFault when none is (a "No HTML" page and no PDF, an error
    page, a cut-off PDF)."""
    reason = "no full-text file"
    for file in files:
        try:
            return full_text_read(
                kind=file.suffix[1:], url=file.resolve().as_uri(), body=file.read_bytes()
            )
        except FrontMatterUnavailable as exc:
            reason = f"{file.name}: {exc}"
    raise FullTextFault(f"{reason}; no PDF recorded")
