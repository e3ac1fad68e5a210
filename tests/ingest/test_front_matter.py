"""Front matter over real HTTP: a paper's first page fetched once per version, its faults kept
with their reason and retried, its institutions linked (tests/fakes/arxiv_server.py serves
the shared recorded full texts)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from ingest import services
from ingest.front_matter import front_matter_fetch, front_matters_fetch
from ingest.selectors import papers_front_matter_due
from ingest.sources.http import ArxivSession
from ingest.tasks import front_matter_sweep, ingest_announcement
from papers.models import FrontMatter, Institution, Paper, PaperInstitution
from papers.signals import public_content_changed
from tests.factories import (
    InstitutionFactory,
    PaperFactory,
    PaperInstitutionFactory,
    TopicFactory,
    TopicHitFactory,
)
from tests.fakes.arxiv_server import FEED_DATE, FEED_IDS, FULLTEXT
from tests.site_data import listed_paper, page_publish

pytestmark = pytest.mark.django_db

HTML_PAPER = "2511.11907"  # University of Leeds, for all three authors
PDF_PAPER = "1706.03762"  # PDF only here: Google Brain, Google Research, University of Toronto
GARBLED_PDF = "2402.00159"  # a text layer with every letter shifted by one code point
NO_HTML_NO_PDF = "2601.17668"  # arXiv's "No HTML" page, and no PDF recorded


@pytest.fixture(autouse=True)
def watched(db):
    return TopicFactory(categories=["cs.CL"])


def paper(arxiv_id: str, **fields) -> Paper:
    return PaperFactory(arxiv_id=arxiv_id, categories=["cs.CL"], **fields)


def fetch(paper: Paper) -> FrontMatter:
    return front_matter_fetch(paper=paper, session=ArxivSession())


def linked(paper: Paper) -> dict[str, PaperInstitution]:
    links = paper.paper_institutions.select_related("institution")
    return {link.institution.name: link for link in links}


def test_an_html_paper_is_read_from_its_rendering_and_its_institutions_linked(fake_arxiv):
    leeds = paper(HTML_PAPER, version=2)
    row = fetch(leeds)
    assert [r.path for r in fake_arxiv.requests] == [f"/html/{HTML_PAPER}v2"]
    assert fake_arxiv.requests[0].user_agent == settings.ARXIV_USER_AGENT
    assert (row.state, row.kind, row.version, row.attempts) == ("done", "html", 2, 1)
    assert row.url == f"{fake_arxiv.html_url}{HTML_PAPER}v2"
    assert len(row.content_sha256) == 64 and row.parser_version
    assert len(row.authors) == 3
    assert all(any("Leeds" in line for line in author["lines"]) for author in row.authors)
    link = linked(leeds)["University of Leeds"]
    assert link.origin == PaperInstitution.Origin.FRONT_MATTER
    assert "Leeds" in link.source_line
    assert (link.institution.source, link.institution.country) == ("ror", "GB")
    assert link.institution.ror_id and not link.institution.ror_id.startswith("http")


@pytest.mark.parametrize("no_html_status", [404, 200])
def test_a_paper_without_html_is_read_from_its_pdf(fake_arxiv, no_html_status):
    fake_arxiv.no_html_status = no_html_status
    fake_arxiv.full_text_faults[f"/html/{PDF_PAPER}v1"] = "no_html"
    attention = paper(PDF_PAPER)
    row = fetch(attention)
    paths = [r.path for r in fake_arxiv.requests]
    assert paths == [f"/html/{PDF_PAPER}v1", f"/pdf/{PDF_PAPER}v1"]
    assert (row.state, row.kind) == ("done", "pdf")
    assert "University of Toronto" in linked(attention)


FAULTS = {
    # name: (paper, full-text faults, request faults, words of the reason)
    "404: no HTML, no PDF": (NO_HTML_NO_PDF, {}, [], "no HTML and no PDF"),
    "HTML error page": (HTML_PAPER, {f"/html/{HTML_PAPER}v1": "error_page"}, [], "no paper"),
    "truncated PDF": (
        PDF_PAPER,
        {f"/html/{PDF_PAPER}v1": "404", f"/pdf/{PDF_PAPER}v1": "truncate"},
        [],
        "PDF cut off",
    ),
    "429 after the retries": (HTML_PAPER, {}, ["429", "429"], "HTTP 429"),
    "503 after the retries": (HTML_PAPER, {}, ["503", "503"], "HTTP 503"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fetch_fault_leaves_a_clear_reason_and_a_retry(fake_arxiv, settings, fault):
    arxiv_id, full_text_faults, request_faults, reason = FAULTS[fault]
    settings.ARXIV_HTTP_RETRIES = 1
    fake_arxiv.retry_after = "0"
    fake_arxiv.full_text_faults.update(full_text_faults)
    fake_arxiv.faults.extend(request_faults)
    faulty = paper(arxiv_id)
    before = timezone.now()
    row = fetch(faulty)
    assert row.state == FrontMatter.State.FAILED
    assert reason in row.error
    assert row.attempts == 1
    retry = dt.timedelta(minutes=settings.FRONT_MATTER_RETRY_MINUTES)
    assert before + retry <= row.next_attempt_at <= timezone.now() + retry
    assert not faulty.paper_institutions.exists()
    # Nothing else about the paper waits for it; the sweep takes it up once it is due.
    assert Paper.objects.get(pk=faulty.pk).metadata_state == Paper.MetadataState.COMPLETE
    assert list(papers_front_matter_due(now=timezone.now())) == []
    assert list(papers_front_matter_due(now=row.next_attempt_at)) == [faulty]


def test_a_garbled_text_layer_is_unreadable_with_its_reason_and_not_fetched_again(fake_arxiv):
    fake_arxiv.full_text_faults[f"/html/{GARBLED_PDF}v1"] = "404"
    garbled = paper(GARBLED_PDF)
    row = fetch(garbled)
    assert (row.state, row.kind) == ("unreadable", "pdf")
    assert row.error
    assert not garbled.paper_institutions.exists()
    requests = len(fake_arxiv.requests)
    assert fetch(garbled).updated_at == row.updated_at
    assert len(fake_arxiv.requests) == requests


def test_failed_fetches_wait_longer_each_time_and_stop_at_the_cap(fake_arxiv, settings):
    settings.FRONT_MATTER_MAX_ATTEMPTS = 3
    missing = paper(NO_HTML_NO_PDF)
    delays = []
    for _ in range(3):
        row = fetch(missing)
        if row.next_attempt_at:
            delays.append(round((row.next_attempt_at - row.updated_at).total_seconds() / 60))
    first = settings.FRONT_MATTER_RETRY_MINUTES
    assert delays == [first, 2 * first]
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    far_future = timezone.now() + dt.timedelta(days=365)
    assert list(papers_front_matter_due(now=far_future)) == []
    # A new version starts afresh.
    Paper.objects.filter(pk=missing.pk).update(version=2)
    assert list(papers_front_matter_due(now=timezone.now())) == [missing]


def test_a_rerun_makes_no_request_and_writes_no_row(fake_arxiv):
    leeds = paper(HTML_PAPER)
    first = front_matters_fetch(limit=10)
    assert first.states == {"done": 1} and first.requests == 1
    row = FrontMatter.objects.get(paper=leeds)
    counts = (Institution.objects.count(), PaperInstitution.objects.count())
    fields = ("pk", "origin", "position", "source_line", "institution__name_zh")
    links = list(PaperInstitution.objects.values_list(*fields))
    assert links
    requests = len(fake_arxiv.requests)

    again = front_matters_fetch(limit=10)
    assert fetch(Paper.objects.get(pk=leeds.pk)) == row
    assert again.states == {} and again.requests == 0
    assert len(fake_arxiv.requests) == requests
    assert FrontMatter.objects.get(paper=leeds).updated_at == row.updated_at
    assert (Institution.objects.count(), PaperInstitution.objects.count()) == counts
    assert list(PaperInstitution.objects.values_list(*fields)) == links


def test_a_new_version_is_fetched_again(fake_arxiv):
    leeds = paper(HTML_PAPER)
    fetch(leeds)
    Paper.objects.filter(pk=leeds.pk).update(version=2)
    row = fetch(Paper.objects.get(pk=leeds.pk))
    assert [r.path for r in fake_arxiv.requests][-1] == f"/html/{HTML_PAPER}v2"
    assert (row.version, row.state, row.attempts) == (2, "done", 1)


def test_papers_with_a_topic_hit_come_first_then_the_newest(watched):
    at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    old_hit = paper("2604.00001", submitted_at=at)
    TopicHitFactory(paper=old_hit, topic=watched)
    new = paper("2604.00003", submitted_at=at + dt.timedelta(days=2))
    older = paper("2604.00002", submitted_at=at + dt.timedelta(days=1))
    rejected = paper("2604.00004", submitted_at=at)
    TopicHitFactory(paper=rejected, topic=watched, review_state="rejected")
    PaperFactory(arxiv_id="2604.00005", categories=["astro-ph.CO"])  # no topic watches it
    paper("2604.00006", metadata_state=Paper.MetadataState.PENDING)  # metadata not in yet
    settled = paper("2604.00007")
    FrontMatter.objects.create(paper=settled, version=1, state=FrontMatter.State.UNREADABLE)
    due = [p.arxiv_id for p in papers_front_matter_due(now=timezone.now())]
    assert due == [old_hit.arxiv_id, new.arxiv_id, older.arxiv_id, rejected.arxiv_id]


def test_editors_links_stay_and_the_machines_old_ones_go(fake_arxiv):
    leeds = paper(HTML_PAPER)
    by_editor = PaperInstitutionFactory(paper=leeds, origin=PaperInstitution.Origin.EDITOR)
    stale = PaperInstitutionFactory(
        paper=leeds, institution=InstitutionFactory(name="Somewhere else"), origin="frontmatter"
    )
    fetch(leeds)
    names = linked(leeds)
    assert names[by_editor.institution.name].origin == PaperInstitution.Origin.EDITOR
    assert stale.institution.name not in names
    assert "University of Leeds" in names


def test_the_sweep_task_fetches_due_papers_and_is_on_the_beat(fake_arxiv):
    paper(HTML_PAPER)
    assert "1 done" in front_matter_sweep.delay().get()
    assert settings.CELERY_BEAT_SCHEDULE["papers.front_matter_sweep"]["task"] == (
        "papers.front_matter_sweep"
    )
    assert "nothing to do" in front_matter_sweep.delay().get()


def test_a_full_sweep_goes_on_at_once_until_nothing_is_due(fake_arxiv, settings):
    settings.FRONT_MATTER_SWEEP_BATCH = 1
    leeds, attention = paper(HTML_PAPER), paper(PDF_PAPER)
    assert "1 done" in front_matter_sweep.delay().get()
    rows = FrontMatter.objects.filter(paper__in=[leeds, attention])
    assert sorted(rows.values_list("state", flat=True)) == ["done", "done"]
    assert not papers_front_matter_due(now=timezone.now()).exists()


def test_recorded_full_texts_load_with_ingest_from_dir():
    leeds = paper(HTML_PAPER)
    attention = paper(PDF_PAPER)
    missing = paper(NO_HTML_NO_PDF)
    run = services.directory_ingest(path=FULLTEXT)
    rows = {row.paper_id: row for row in FrontMatter.objects.all()}
    assert (rows[leeds.pk].state, rows[leeds.pk].kind) == ("done", "html")
    assert rows[leeds.pk].url.startswith("file://")
    assert (rows[attention.pk].state, rows[attention.pk].kind) == ("done", "pdf")
    assert rows[missing.pk].state == "failed" and "No HTML" in rows[missing.pk].error
    assert "University of Toronto" in linked(attention)
    assert "front matter: 2 done, 1 failed" in run.error
    assert "no paper 1307.8133 in the database" in run.error
    assert run.requests_count == 0


def test_a_published_papers_new_institutions_empty_the_public_cache(
    fake_arxiv, watched, django_capture_on_commit_callbacks
):
    published = listed_paper(watched, arxiv_id=HTML_PAPER, categories=["cs.CL"])
    page_publish(watched)
    sent = []
    public_content_changed.connect(receiver := lambda sender, **kw: sent.append(sender))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            fetch(published)
        assert PaperInstitution in sent
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            fetch(published)  # settled: nothing written, nothing sent
        assert sent == []
    finally:
        public_content_changed.disconnect(receiver)


def test_an_announcement_ingest_queues_the_sweep(fake_arxiv, django_capture_on_commit_callbacks):
    TopicFactory(categories=["cs.AI"])
    fake_arxiv.feed_ids_serve()
    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly
        ingest_announcement.delay(categories=["cs.AI"], announce_date=FEED_DATE.isoformat())
    due_later = list(papers_front_matter_due(now=timezone.now() + dt.timedelta(days=1)))
    rows = FrontMatter.objects.filter(paper__arxiv_id__in=FEED_IDS)
    # The feed's papers in a watched category have no full text here: failed, to be retried.
    assert rows.count() == len(due_later) >= 1
    assert set(rows.values_list("state", flat=True)) == {"failed"}
    assert {r.path.split("/")[1] for r in fake_arxiv.requests} >= {"html", "pdf"}


def test_a_reply_over_the_size_limit_is_not_read(fake_arxiv, settings):
    settings.ARXIV_FULLTEXT_MAX_BYTES = 1_000
    row = fetch(paper(HTML_PAPER))
    assert row.state == FrontMatter.State.UNREADABLE
    assert "longer than 1000 bytes" in row.error
