"""How a published paper is cited: one record behind the paper page's Highwire/Google Scholar
`citation_*` meta tags (what Zotero's connector and Google Scholar read) and its BibTeX
(public.bibtex), so both always name the same title, authors and id.

Read from a paper that public.selectors has given its `card` (paper_detail_get,
topic_day_get, day_digest_get): only what readers may see, read once.
"""

import datetime as dt
import re
from dataclasses import dataclass

from papers.models import Paper
from public.links import site_link
from public.previews import author_names_split

# arXiv's ids carry the month of the first version: YYMM.NNNNN, or archive/YYMMNNN before 2007
# (the oldest from August 1991).
_ID_YEAR = re.compile(r"(?:^|/)(\d\d)\d\d")


@dataclass(frozen=True)
class Citation:
    """`authors`: every name, in the paper's order; `submitted`: the first version's UTC date
    (None when arXiv's metadata is not read yet); `year`: of the first version (from the id
    when `submitted` is None); `abs_url` arXiv's page of the paper, `pdf_url` the PDF of the
    version the page shows."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    submitted: dt.date | None
    year: int
    primary_category: str
    abs_url: str
    pdf_url: str


def _utc_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(dt.UTC).date() if moment else None


def _id_year(arxiv_id: str) -> int:
    match = _ID_YEAR.search(arxiv_id)
    two_digits = int(match[1]) if match else 0
    return (1900 if two_digits >= 91 else 2000) + two_digits


def citation_build(paper: Paper) -> Citation:
    """The citation of a paper carrying `card` (public.cards.paper_cards_attach): the names
    the page shows (arXiv's author list when no structured authors are stored)."""
    card = paper.card
    submitted = _utc_date(paper.submitted_at)
    return Citation(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        authors=tuple(card["author_names"] or author_names_split(paper.authors_text)),
        submitted=submitted,
        year=submitted.year if submitted else _id_year(paper.arxiv_id),
        primary_category=paper.primary_category,
        abs_url=f"https://arxiv.org/abs/{paper.arxiv_id}",
        pdf_url=f"https://arxiv.org/pdf/{card['versioned_id']}",
    )


def _highwire_date(day: dt.date) -> str:
    return day.strftime("%Y/%m/%d")


def citation_meta_tags(paper: Paper) -> list[tuple[str, str]]:
    """The paper page's `citation_*` meta tags as (name, content) pairs, in the order Google
    Scholar's inclusion guidelines list them: title, one `citation_author` per author in
    order, dates (YYYY/MM/DD: the first version's, and the latest version's as the online
    date), the PDF, the arXiv id, the abstract and the paper's page here (on SITE_URL).
    Contents are plain text: the template escapes them."""
    citation = citation_build(paper)
    first = _highwire_date(citation.submitted) if citation.submitted else str(citation.year)
    tags = [("citation_title", citation.title)]
    tags += [("citation_author", name) for name in citation.authors]
    tags += [("citation_publication_date", first), ("citation_date", first)]
    if latest := _utc_date(paper.updated_at):
        tags.append(("citation_online_date", _highwire_date(latest)))
    tags += [("citation_pdf_url", citation.pdf_url), ("citation_arxiv_id", citation.arxiv_id)]
    if paper.abstract:
        tags.append(("citation_abstract", paper.abstract))
    tags.append(("citation_abstract_html_url", site_link(paper.card["url"])))
    return tags
