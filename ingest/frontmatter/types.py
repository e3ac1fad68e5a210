"""What front-matter extraction returns, and the two ways it can fail."""

from dataclasses import dataclass
from typing import Literal

TEXT_LIMIT = 8000


class FrontMatterUnavailable(Exception):
    """The file has no front matter to read, but another source may (arXiv's "No HTML for …"
    page: fall back to the PDF). The message is the reason shown to editors."""


class FrontMatterUnreadable(Exception):
    """The file cannot be read as a paper (truncated or not a PDF, an HTML error page, a
    garbled text layer). The message is the reason shown to editors."""


@dataclass(frozen=True)
class AuthorAffiliations:
    """One author and the affiliation lines printed for them, as written."""

    name: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrontMatter:
    """A paper's front matter.

    `kind`: "html" or "pdf"; `authors`: per author, the lines printed for them (PDF: empty when
    the page does not tie lines to authors); `lines`: every affiliation line as written,
    deduplicated, in order; `text`: the front matter as an editor reads it (title, authors,
    affiliations, page-1 footnotes), at most TEXT_LIMIT characters."""

    kind: Literal["html", "pdf"]
    authors: tuple[AuthorAffiliations, ...]
    lines: tuple[str, ...]
    text: str


def unique(items) -> tuple[str, ...]:
    """Non-empty strings, first occurrence kept, in order."""
    return tuple(dict.fromkeys(i for i in items if i))
