"""Front matter writes: each watched paper's first page, fetched once per version, stored on its
`FrontMatter` row, and its institutions linked through the shared matcher.

A paper ends with its front matter done, unreadable (the reason kept; not fetched again for
that version), or failed (the reason kept; the sweep retries it later, with a growing delay
and a cap on attempts). Nothing else about the paper waits for it.
"""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from enrichment.institutions import (
    institution_from_match,
    institutions_registry,
    paper_institutions_apply,
)
from ingest.frontmatter import FrontMatter, front_matter_institutions
from ingest.selectors import papers_front_matter_due
from ingest.sources.fulltext import FullTextFault, FullTextRead, full_text_download
from ingest.sources.http import ArxivError, ArxivSession, redis_client
from ingest.sources.recorded import recorded_full_text_read, recorded_full_texts
from papers.institutions import Registry
from papers.models import FrontMatter as FrontMatterRow
from papers.models import Paper, PaperInstitution

logger = logging.getLogger(__name__)

State = FrontMatterRow.State
# States that are final for a version: a re-run makes no request and writes nothing.
SETTLED = (State.DONE, State.UNREADABLE)
# Stored on each row; change it when ingest/frontmatter reads files differently, so that the
# same file stored again (ingest --from-dir) is read again.
PARSER_VERSION = "2026.12-1"


@dataclass
class FrontMatterTally:
    """What one batch did: papers by the state they ended in ("done", "failed", …), error
    lines ("<arXiv id or file>: <why>") and arXiv requests made."""

    states: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def papers(self) -> int:
        """Papers the batch stored a row for, whatever their state."""
        return sum(self.states.values())

    def count(self, row: FrontMatterRow, *, where: str) -> None:
        self.states[row.state] += 1
        if row.state == State.FAILED:
            self.errors.append(f"{where}: {row.error}")

    @property
    def summary(self) -> str:
        states = ", ".join(f"{count} {state}" for state, count in sorted(self.states.items()))
        return f"front matter: {states or 'nothing to do'}; {self.requests} arXiv request(s)"


def _institutions_link(paper: Paper, front: FrontMatter, registry: Registry) -> None:
    links = []
    for match in front_matter_institutions(front, registry):
        institution = institution_from_match(match=match)
        if institution is not None:
            line = next((line for line in front.lines if match.text in line), match.text)
            links.append((institution, line))
    paper_institutions_apply(
        paper=paper, institutions=links, origin=PaperInstitution.Origin.FRONT_MATTER
    )


def _locked_row(paper: Paper) -> FrontMatterRow:
    """The paper's row, locked for this transaction, or a new one for its version."""
    row = FrontMatterRow.objects.select_for_update().filter(paper=paper).first()
    return row or FrontMatterRow(paper=paper, version=paper.version)


def _attempt_count(row: FrontMatterRow, paper: Paper) -> None:
    """Count one more attempt at the paper's current version (a new version starts at 1)."""
    if row.version != paper.version:
        row.version, row.attempts = paper.version, 0
    row.attempts += 1


@transaction.atomic
def front_matter_store(
    *, paper: Paper, read: FullTextRead, registry: Registry | None = None
) -> FrontMatterRow:
    """Store what one full-text file says about `paper`'s current version; link its institutions
    (origin front matter: unmatched ones too, for editors; editors' links stay), matched with
    `registry` (default: institutions_registry(); a batch builds it once for all its papers).

    `read.front` None stores the paper as unreadable with `read.unreadable` as the reason
    (the institutions of an earlier version stay linked). Storing the same file again for a
    settled version writes nothing.
    """
    row = _locked_row(paper)
    stored = (row.version, row.content_sha256, row.parser_version)
    if row.state in SETTLED and stored == (paper.version, read.sha256, PARSER_VERSION):
        return row
    front = read.front
    _attempt_count(row, paper)
    row.kind, row.url, row.content_sha256 = read.kind, read.url[:300], read.sha256
    row.parser_version = PARSER_VERSION
    row.fetched_at, row.next_attempt_at = timezone.now(), None
    row.state = State.DONE if front else State.UNREADABLE
    row.error = "" if front else read.unreadable[:2000]
    authors = front.authors if front else ()
    row.authors = [{"name": author.name, "lines": list(author.lines)} for author in authors]
    row.lines = list(front.lines) if front else []
    row.text = front.text if front else ""
    row.save()
    if front is not None:
        _institutions_link(paper, front, registry or institutions_registry())
    return row


@transaction.atomic
def front_matter_failure_store(*, paper: Paper, reason: str) -> FrontMatterRow:
    """Mark `paper`'s current version failed with `reason`, due again after a delay doubling
    from FRONT_MATTER_RETRY_MINUTES; after FRONT_MATTER_MAX_ATTEMPTS attempts not due again
    (until a new version). What an earlier version gave stays."""
    row = _locked_row(paper)
    _attempt_count(row, paper)
    row.state, row.error = State.FAILED, reason[:2000]
    if row.attempts < settings.FRONT_MATTER_MAX_ATTEMPTS:
        delay = settings.FRONT_MATTER_RETRY_MINUTES * 2 ** (row.attempts - 1)
        row.next_attempt_at = timezone.now() + dt.timedelta(minutes=delay)
    else:
        row.next_attempt_at = None
    row.save()
    return row


def front_matter_fetch(
    *, paper: Paper, session: ArxivSession, registry: Registry | None = None
) -> FrontMatterRow:
    """Fetch, read and store `paper`'s front matter (HTML rendering, else PDF) for its version,
    institutions matched with `registry` (as front_matter_store).

    Settled for this version already (done or unreadable): no request, no write, the row as it
    is. arXiv's faults (404 on both files, 429/5xx after the retries, an error page, a cut-off
    PDF) are stored as failed with the reason, never raised.
    """
    row = FrontMatterRow.objects.filter(paper=paper).first()
    if row is not None and row.version == paper.version and row.state in SETTLED:
        return row
    try:
        read = full_text_download(session=session, arxiv_id=paper.arxiv_id, version=paper.version)
    except ArxivError as exc:
        return front_matter_failure_store(paper=paper, reason=str(exc))
    return front_matter_store(paper=paper, read=read, registry=registry)


def front_matters_fetch(
    *, limit: int, session: ArxivSession | None = None, now: dt.datetime | None = None
) -> FrontMatterTally:
    """Fetch the front matter of up to `limit` due papers (papers_front_matter_due), one at a
    time through `session`'s shared arXiv pace.

    One sweep at a time: while another holds the lock this returns an empty tally with an
    error line. A paper whose reading crashes is stored as failed and the batch goes on.
    """
    session = session or ArxivSession()
    tally = FrontMatterTally()
    lock = redis_client().lock(
        f"{settings.REDIS_KEY_PREFIX}front-matter-sweep",
        timeout=settings.CELERY_TASK_TIME_LIMIT,
        blocking=False,
    )
    if not lock.acquire():
        tally.errors.append("another front-matter sweep is running; skipped")
        return tally
    try:
        due = list(papers_front_matter_due(now=now or timezone.now())[:limit])
        registry = institutions_registry() if due else None
        for paper in due:
            try:
                row = front_matter_fetch(paper=paper, session=session, registry=registry)
            except SoftTimeLimitExceeded:
                raise  # the task's time is up: the rest stays due for the next sweep
            except Exception as exc:  # a parser bug on one paper must not stop the sweep
                logger.exception("front matter of %s crashed", paper.arxiv_id)
                row = front_matter_failure_store(paper=paper, reason=f"{type(exc).__name__}: {exc}")
            tally.count(row, where=paper.versioned_id)
    finally:
        lock.release()
    tally.requests = session.requests_count
    return tally


def front_matters_record(*, path: Path) -> FrontMatterTally:
    """Store the recorded full-text files in `path` (`<id>.html`, `<id>.pdf`, "/" written "_")
    as their papers' front matter, through the same reader as fetched ones; no request.

    A file not named after an arXiv id, or of a paper not in the database, is an error line;
    a recorded fault ("No HTML" and no PDF, an error page) stores the paper as failed.
    """
    files, errors = recorded_full_texts(path)
    tally = FrontMatterTally(errors=errors)
    papers = Paper.objects.in_bulk(list(files), field_name="arxiv_id")
    registry = institutions_registry() if files else None
    for arxiv_id, paths in files.items():
        where = ", ".join(file.name for file in paths)
        paper = papers.get(arxiv_id)
        if paper is None:
            tally.errors.append(f"{where}: no paper {arxiv_id} in the database")
            continue
        try:
            read = recorded_full_text_read(paths)
            row = front_matter_store(paper=paper, read=read, registry=registry)
        except FullTextFault as exc:
            row = front_matter_failure_store(paper=paper, reason=str(exc))
        tally.count(row, where=where)
    return tally
