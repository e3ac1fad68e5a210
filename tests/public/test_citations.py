"""Citing papers: the paper page's Highwire `citation_*` tags (what Zotero's connector and
Google Scholar read) and the BibTeX exports of a paper, a date and a topic's day, read back
as a reference manager would."""

import datetime as dt

import lxml.html
import pytest

from papers.models import Paper, PaperAuthor, TopicHit
from public.citations import citation_build
from tests.factories import TopicFactory, TopicHitFactory
from tests.public.bibtex_reading import bibtex_read
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db

TITLE = "Żółć & Ørsted {weird} 50% $x_1$ for <LLMs>"
AUTHORS = ["Jürgen Müller", "王小明", "Ada Lovelace"]
BIBTEX_TYPE = "application/x-bibtex; charset=utf-8"


def _authors_set(paper, names):
    PaperAuthor.objects.filter(paper=paper).delete()
    for position, name in enumerate(names):
        PaperAuthor.objects.create(paper=paper, position=position, name=name)


@pytest.fixture
def published():
    """A published topic day of two papers (the first also on a second topic's page), and a
    draft page of a third topic with a paper of its own."""
    topic, other, drafted = TopicFactory(), TopicFactory(), TopicFactory()
    cited = listed_paper(
        topic,
        title=TITLE,
        submitted_at=dt.datetime(2026, 4, 20, 23, 30, tzinfo=dt.UTC),
        updated_at=dt.datetime(2026, 4, 24, 9, 0, tzinfo=dt.UTC),
    )
    _authors_set(cited, AUTHORS)
    second = listed_paper(topic, confidence=0.7)
    TopicHitFactory(paper=cited, topic=other, review_state=TopicHit.ReviewState.ACCEPTED)
    page_publish(topic)
    page_publish(other)
    draft_paper = listed_paper(drafted)
    page_draft(drafted)
    return {"topic": topic, "cited": cited, "second": second, "draft": draft_paper}


def _meta(html: bytes, prefix: str) -> list[tuple[str, str]]:
    """Every <meta> whose name or property starts with `prefix`, as (name, content), in order."""
    tree = lxml.html.fromstring(html)
    found = []
    for meta in tree.xpath("//head/meta"):
        name = meta.get("name") or meta.get("property") or ""
        if name.startswith(prefix):
            found.append((name, meta.get("content")))
    return found


def test_zotero_reads_one_title_authors_and_id_from_tags_and_bibtex(client, published):
    paper = published["cited"]
    page = client.get(f"/papers/{paper.arxiv_id}/")
    tags = _meta(page.content, "citation_")
    bib = client.get(f"/papers/{paper.arxiv_id}/bibtex")
    [entry] = bibtex_read(bib.content.decode())

    title = [value for name, value in tags if name == "citation_title"]
    authors = [value for name, value in tags if name == "citation_author"]
    arxiv_id = [value for name, value in tags if name == "citation_arxiv_id"]
    assert title == [TITLE] == [entry["title_text"]]
    assert authors == AUTHORS == entry["authors"]
    assert arxiv_id == [paper.arxiv_id] == [entry["eprint"]]
    assert entry["type"] == "misc" and entry["archivePrefix"] == "arXiv"
    assert entry["year"] == "2026" and entry["primaryClass"] == "cs.CL"
    assert entry["url"] == f"https://arxiv.org/abs/{paper.arxiv_id}"


def test_citation_tags_give_dates_pdf_and_pages(client, published, settings):
    paper = published["cited"]
    tags = dict(_meta(client.get(f"/papers/{paper.arxiv_id}/").content, "citation_"))
    assert tags["citation_publication_date"] == tags["citation_date"] == "2026/04/20"
    assert tags["citation_online_date"] == "2026/04/24"
    assert tags["citation_pdf_url"] == f"https://arxiv.org/pdf/{paper.arxiv_id}v1"
    assert tags["citation_abstract"] == paper.abstract
    assert tags["citation_abstract_html_url"] == f"{settings.SITE_URL}/papers/{paper.arxiv_id}/"


def test_paper_bibtex_is_served_as_a_bib_file(client, published):
    paper = published["cited"]
    response = client.get(f"/papers/{paper.arxiv_id}/bibtex")
    assert response.status_code == 200
    assert response["Content-Type"] == BIBTEX_TYPE
    assert response["Content-Disposition"] == f'inline; filename="{paper.arxiv_id}.bib"'
    assert "public" in response["Cache-Control"] and response.has_header("ETag")


def test_bibtex_of_versioned_ids_redirects_and_of_drafts_is_not_found(client, published):
    paper = published["cited"]
    moved = client.get(f"/papers/{paper.arxiv_id}v1/bibtex")
    assert moved.status_code == 301 and moved["Location"] == f"/papers/{paper.arxiv_id}/bibtex"
    assert client.get(f"/papers/{published['draft'].arxiv_id}/bibtex").status_code == 404
    assert client.get("/papers/not-an-id/bibtex").status_code == 404


def test_day_bibtex_lists_each_published_paper_once_with_unique_keys(client, published):
    response = client.get(f"/{DAY}/bibtex")
    assert response["Content-Type"] == BIBTEX_TYPE
    assert response["Content-Disposition"] == f'inline; filename="arxdaily-{DAY}.bib"'
    entries = bibtex_read(response.content.decode())
    ids = [entry["eprint"] for entry in entries]
    assert sorted(ids) == sorted([published["cited"].arxiv_id, published["second"].arxiv_id])
    assert published["draft"].arxiv_id not in response.content.decode()
    keys = [entry["key"] for entry in entries]
    assert len(set(keys)) == len(keys)


def test_topic_day_bibtex_lists_the_topics_papers_in_page_order(client, published):
    topic = published["topic"]
    response = client.get(f"/topics/{topic.slug}/{DAY}/bibtex")
    entries = bibtex_read(response.content.decode())
    assert [entry["eprint"] for entry in entries] == [
        published["cited"].arxiv_id,
        published["second"].arxiv_id,
    ]
    assert response["Content-Disposition"] == (
        f'inline; filename="arxdaily-{DAY}-{topic.slug}.bib"'
    )


def test_unpublished_days_have_no_bibtex(client, published):
    other_day = DAY + dt.timedelta(days=1)
    assert client.get(f"/{other_day}/bibtex").status_code == 404
    drafted = published["draft"].topic_hits.get().topic
    assert client.get(f"/topics/{drafted.slug}/{DAY}/bibtex").status_code == 404


def test_cards_and_day_pages_link_their_bibtex(client, published):
    topic, paper = published["topic"], published["cited"]
    topic_page = client.get(f"/topics/{topic.slug}/{DAY}/").content.decode()
    assert f'href="/papers/{paper.arxiv_id}/bibtex"' in topic_page
    assert f'href="/topics/{topic.slug}/{DAY}/bibtex"' in topic_page
    assert f'href="/{DAY}/bibtex"' in client.get(f"/{DAY}/").content.decode()
    paper_page = client.get(f"/papers/{paper.arxiv_id}/").content.decode()
    assert f'href="/papers/{paper.arxiv_id}/bibtex"' in paper_page


@pytest.mark.parametrize(
    ("arxiv_id", "year"),
    [("2604.00001", 2026), ("0704.0001", 2007), ("hep-th/9901001", 1999), ("math/0309136", 2003)],
)
def test_without_arxivs_dates_the_year_comes_from_the_id(arxiv_id, year):
    paper = Paper(arxiv_id=arxiv_id, title="T", authors_text="Ada Lovelace, Alan Turing")
    paper.card = {"author_names": [], "versioned_id": f"{arxiv_id}v2"}
    citation = citation_build(paper)
    assert citation.year == year and citation.submitted is None
    assert citation.authors == ("Ada Lovelace", "Alan Turing")
    assert citation.pdf_url == f"https://arxiv.org/pdf/{arxiv_id}v2"
