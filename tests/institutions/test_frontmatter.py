"""Front matter from arXiv HTML and PDF files: faults come out as clear reasons."""

from pathlib import Path

import pytest
from django.conf import settings

from ingest.frontmatter import (
    FrontMatterUnavailable,
    FrontMatterUnreadable,
    front_matter_from_html,
    front_matter_from_pdf,
)

FULLTEXT = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "fulltext"
needs_fixtures = pytest.mark.skipif(not FULLTEXT.is_dir(), reason=f"{FULLTEXT} not present")

AUTHORS = b"""<html><body><article class="ltx_document">
<h1 class="ltx_title ltx_title_document">T</h1>
<div class="ltx_authors"><span class="ltx_creator ltx_role_author">
<span class="ltx_personname">Ada Lovelace<sup>1</sup></span><span class="ltx_author_notes">
<span class="ltx_contact ltx_role_affiliation"><span class="ltx_text ltx_affiliation_institution">
University of Leeds</span><span class="ltx_text ltx_affiliation_city">Leeds</span>
<span class="ltx_text ltx_affiliation_country">UK</span></span>
<span class="ltx_contact ltx_role_address">Dept. of Maths<br class="ltx_break"/>
Peking University</span>
</span></span></div><div class="ltx_abstract">Guo et al. [12] Harvard University</div>
</article></body></html>"""


def test_structured_spans_and_br_lines_become_readable_lines():
    front = front_matter_from_html(AUTHORS)
    assert front.lines == ("University of Leeds, Leeds, UK", "Dept. of Maths, Peking University")
    assert front.authors[0].name == "Ada Lovelace"


def test_the_body_is_never_read():
    assert "Harvard" not in " ".join(front_matter_from_html(AUTHORS).lines)


def test_an_html_error_page_is_unreadable():
    with pytest.raises(FrontMatterUnreadable, match="not a LaTeXML paper"):
        front_matter_from_html(b"<html><head><title>503 Service Unavailable</title></head></html>")


@pytest.mark.parametrize("content", [b"", b"<html>not a pdf</html>", b"%PDF-1.5\n1 0 obj <<"])
def test_a_truncated_or_non_pdf_file_is_unreadable(content):
    with pytest.raises(FrontMatterUnreadable):
        front_matter_from_pdf(content)


@needs_fixtures
def test_a_truncated_real_pdf_is_unreadable():
    content = (FULLTEXT / "1706.03762.pdf").read_bytes()
    with pytest.raises(FrontMatterUnreadable):
        front_matter_from_pdf(content[: len(content) // 3])


@needs_fixtures
def test_arxivs_no_html_page_says_unavailable():
    with pytest.raises(FrontMatterUnavailable, match="no HTML"):
        front_matter_from_html((FULLTEXT / "2601.17668.html").read_bytes())


@needs_fixtures
def test_a_garbled_text_layer_is_reported_unreadable():
    with pytest.raises(FrontMatterUnreadable, match="garbled"):
        front_matter_from_pdf((FULLTEXT / "2402.00159.pdf").read_bytes())


@needs_fixtures
def test_page_one_footnotes_give_affiliations_but_not_the_body():
    front = front_matter_from_pdf((FULLTEXT / "1504.06236.pdf").read_bytes())
    assert any("University of Isfahan" in line for line in front.lines)
    assert not any("et al" in line for line in front.lines)
