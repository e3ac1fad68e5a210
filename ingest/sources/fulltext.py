"""A paper version's full text from arXiv, read down to its front matter (authors' affiliations).

arXiv's HTML rendering of the version comes first; when there is none (a 404, or arXiv's "No
HTML" page) its PDF. Fetched and recorded files (`ingest --from-dir`) go through the same
`full_text_read`, and so through the same parsers (ingest/frontmatter/).
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings

from ingest.frontmatter import (
    FrontMatter,
    FrontMatterUnavailable,
    FrontMatterUnreadable,
    front_matter_from_html,
    front_matter_from_pdf,
)
from ingest.sources.http import ArxivError, ArxivHTTPError, ArxivReplyTooLarge, ArxivSession

HTML, PDF = "html", "pdf"
# A complete PDF ends with this marker, in its last kilobyte (ISO 32000-1, 7.5.5).
_PDF_END = b"%%EOF"
_TITLE_RE = re.compile(rb"<title[^>]*>(.{0,200}?)</title>", re.S | re.I)


class FullTextFault(ArxivError):
    """What arXiv sent is not the paper (an error page, a cut-off PDF, nothing at either URL);
    a later attempt may do better. The message says why."""


@dataclass(frozen=True)
class FullTextRead:
    """One full-text file and what it says.

    `kind`: "html" or "pdf"; `url`: where it came from (a file path when recorded); `sha256`:
    hex hash of its bytes; `front`: its front matter, None when unreadable, with the reason
    in `unreadable`.
    """

    kind: str
    url: str
    sha256: str
    front: FrontMatter | None
    unreadable: str = ""


def _html_title(body: bytes) -> str:
    title = _TITLE_RE.search(body[:20000])
    return " ".join(title.group(1).decode("utf-8", "replace").split()) if title else "no title"


def _checked_parse(kind: str, body: bytes) -> FrontMatter:
    """The parser of `kind` on `body`, after making sure it is the paper and not an error reply."""
    if kind == PDF:
        if not body.startswith(b"%PDF-"):
            raise FullTextFault(f"not a PDF (starts with {body[:20]!r})")
        if _PDF_END not in body[-1024:]:
            raise FullTextFault(f"PDF cut off: no %%EOF at its end ({len(body)} bytes)")
        return front_matter_from_pdf(body)
    # LaTeXML writes ltx_ classes all over a rendering; an error page has none. arXiv's
    # "No HTML" page has none either: the parser knows it and raises FrontMatterUnavailable.
    rendered = b"ltx_" in body
    try:
        front = front_matter_from_html(body)
    except FrontMatterUnreadable:
        if rendered:
            raise
        front = None
    if not rendered:
        raise FullTextFault(f"an HTML page that is no paper rendering: {_html_title(body)!r}")
    return front


def full_text_read(*, kind: str, url: str, body: bytes) -> FullTextRead:
    """Read one full-text file ("html" or "pdf") as fetched from `url` (or recorded there).

    Raises FrontMatterUnavailable for arXiv's "No HTML" page (read the PDF instead) and
    FullTextFault for a reply that is not the paper. A paper whose text cannot be read (a
    garbled text layer, no author block) is no error: `front` is None and `unreadable` says why.
    """
    sha256 = hashlib.sha256(body).hexdigest()
    try:
        front = _checked_parse(kind, body)
    except FrontMatterUnreadable as exc:
        return FullTextRead(kind, url, sha256, None, unreadable=str(exc) or "unreadable")
    return FullTextRead(kind, url, sha256, front)


def full_text_url(*, kind: str, arxiv_id: str, version: int) -> str:
    """arXiv's URL of one version's HTML rendering or PDF (ARXIV_HTML_URL, ARXIV_PDF_URL)."""
    base = settings.ARXIV_HTML_URL if kind == HTML else settings.ARXIV_PDF_URL
    return f"{base}{arxiv_id}v{version}"


def _download(session: ArxivSession, kind: str, url: str) -> FullTextRead | None:
    """One file read, None when arXiv has none (404); too large is read as unreadable."""
    try:
        body = session.fetch(url, max_bytes=settings.ARXIV_FULLTEXT_MAX_BYTES)
    except ArxivReplyTooLarge as exc:
        return FullTextRead(kind, url, "", None, unreadable=str(exc))
    except ArxivHTTPError as exc:
        if exc.status == 404:
            return None
        raise
    return full_text_read(kind=kind, url=url, body=body)


def full_text_download(*, session: ArxivSession, arxiv_id: str, version: int) -> FullTextRead:
    """Fetch and read one paper version: its HTML rendering, else (404 or "No HTML") its PDF.

    One request when the HTML is there, two when it is not (retries aside), all through
    `session`'s shared pace. Raises ArxivHTTPError (429/5xx after the retries, another
    status, a cut-off reply) or FullTextFault (an error page, a cut-off PDF, neither file).
    """
    html_url = full_text_url(kind=HTML, arxiv_id=arxiv_id, version=version)
    try:
        read = _download(session, HTML, html_url)
    except FrontMatterUnavailable:
        read = None
    if read is not None:
        return read
    pdf_url = full_text_url(kind=PDF, arxiv_id=arxiv_id, version=version)
    read = _download(session, PDF, pdf_url)
    if read is None:
        raise FullTextFault(f"no HTML and no PDF: HTTP 404 from {html_url} and from {pdf_url}")
    return read
