"""The loopback arXiv serving a whole listing day (as bench.freshness uses it): the feeds and
API replies of a day written by scripts.sample_day, and papers shown with recorded full texts
of other papers."""

import datetime as dt
from pathlib import Path

import pytest

from ingest import services
from ingest.front_matter import front_matter_fetch
from ingest.sources.http import ArxivSession
from papers.models import Paper
from tests.factories import PaperFactory, TopicFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "papers" / "sample"
DAY = dt.date(2026, 6, 16)


def test_a_served_listing_day_is_ingested_whole(fake_arxiv):
    known = fake_arxiv.listing_serve(SAMPLE)
    run = services.announcement_ingest(categories=["cs.CL"], announce_date=DAY)
    listed = Paper.objects.filter(announcements__announce_date=DAY).distinct()
    assert known == 526 + 20  # papers/sample/SOURCES.md: the API replies of both days
    assert run.status == "ok" and run.pending_count == 0
    feed = (SAMPLE / "rss2026-06-16_cs.CL.xml").read_text(encoding="utf-8")
    assert listed.count() == feed.count("<item>") == 160
    assert not listed.exclude(metadata_state=Paper.MetadataState.COMPLETE).exists()
    assert {r.path for r in fake_arxiv.requests} == {"/rss/cs.CL", "/api/query"}


def test_a_paper_is_shown_with_the_recorded_full_text_it_is_given(fake_arxiv):
    TopicFactory(categories=["cs.CL"])
    paper = PaperFactory(arxiv_id="2606.14721", categories=["cs.CL"])
    fake_arxiv.full_text_files[paper.arxiv_id] = {
        "html": "2601.17668.html",  # arXiv's "No HTML" page
        "pdf": "1706.03762.pdf",
    }
    row = front_matter_fetch(paper=paper, session=ArxivSession())
    assert [r.path for r in fake_arxiv.requests] == ["/html/2606.14721v1", "/pdf/2606.14721v1"]
    assert (row.state, row.kind) == ("done", "pdf")
    assert "Google Brain" in " ".join(row.lines)
