"""A paper's front matter (authors, affiliation lines) from arXiv's HTML or the PDF's first
page, and its institutions through the registry of `papers.institutions`. Model-free: bytes in,
plain values out, no database and no network."""

from ingest.frontmatter.html import front_matter_from_html
from ingest.frontmatter.institutions import front_matter_institutions
from ingest.frontmatter.pdf import front_matter_from_pdf
from ingest.frontmatter.types import (
    AuthorAffiliations,
    FrontMatter,
    FrontMatterUnavailable,
    FrontMatterUnreadable,
)

__all__ = [
    "AuthorAffiliations",
    "FrontMatter",
    "FrontMatterUnavailable",
    "FrontMatterUnreadable",
    "front_matter_from_html",
    "front_matter_from_pdf",
    "front_matter_institutions",
]
