"""What empties the page cache: a write readers can see, announced by the service that made it.

Readers are served from the real Redis cache; each test first caches the page, changes
something through a service or the admin (as editors and the machine do), then reads again.
Writes to drafts must leave the cache alone: ingest and enrichment rewrite them all day.
"""

import pytest
from django.urls import reverse

from editorial import edits, services
from enrichment.services import Outcome, paper_enrich
from ingest.sources.records import AnnouncementRecord, PaperRecord
from ingest.upsert import papers_upsert
from papers.models import Announcement, DailyPage, InstitutionAlias, Paper
from public.caching import public_cache_version_get
from tests.admin_forms import admin_form_data
from tests.factories import PaperFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db

ALIAS = "Zurich Poly"
ALIAS_SEARCH = "/search/?institution=Zurich+Poly"


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the block left for after the commit (the test itself never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def published(db):
    """A paper on the published page of topic "llm" on DAY, with one institution."""
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic)
    page_publish(topic)
    return paper


def _api_ids(client, **params) -> list[str]:
    return [item["arxiv_id"] for item in client.get("/api/v1/papers", params).json()["items"]]


# ---- institutions and aliases ----


def test_an_alias_added_by_the_service_shows_in_a_cached_search_at_once(
    client, editor, published, on_commit
):
    assert published.title not in html(client.get(ALIAS_SEARCH))  # cached: no match yet

    with on_commit():
        edits.row_save(
            row=InstitutionAlias(institution=published.institutions.get(), name=ALIAS),
            user=editor,
        )

    assert published.title in html(client.get(ALIAS_SEARCH))


def test_an_alias_added_in_the_admin_shows_in_a_cached_search_at_once(
    client, editor, published, on_commit
):
    institution = published.institutions.get()
    url = reverse("admin:papers_institution_change", args=[institution.pk])
    assert published.title not in html(client.get(ALIAS_SEARCH))
    client.force_login(editor)

    data = {**admin_form_data(client.get(url)), "aliases-0-name": ALIAS}
    with on_commit():
        response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert institution.aliases.get().name == ALIAS
    assert published.title in html(client.get(ALIAS_SEARCH))


def test_renaming_an_institution_changes_the_cached_search_and_the_api_at_once(
    client, editor, published, on_commit
):
    institution = published.institutions.get()
    assert published.title not in html(client.get("/search/?institution=Polytechnic"))
    assert _api_ids(client, institution="Polytechnic") == []

    institution.name = "Zurich Polytechnic"
    with on_commit():
        edits.row_save(row=institution, user=editor)

    assert published.title in html(client.get("/search/?institution=Polytechnic"))
    assert _api_ids(client, institution="Polytechnic") == [published.arxiv_id]


# ---- a published paper and its page ----


def test_editing_a_published_papers_chinese_text_shows_on_its_cached_page_at_once(
    client, editor, published, on_commit
):
    url = f"/papers/{published.arxiv_id}/"
    assert "大语言模型研究" in html(client.get(url))
    admin_url = reverse("admin:papers_paper_change", args=[published.pk])
    client.force_login(editor)

    data = {**admin_form_data(client.get(admin_url)), "title_zh_human": "编辑改写的标题"}
    with on_commit():
        assert client.post(admin_url, data).status_code == 302

    client.logout()
    body = html(client.get(url))
    assert "编辑改写的标题" in body and "大语言模型研究" not in body


def test_editing_a_published_hit_shows_at_once(client, editor, published, on_commit):
    assert "标题提到大语言模型" in html(client.get("/topics/llm/"))
    hit = published.topic_hits.get()

    hit.reason = "编辑改写的理由"
    with on_commit():
        services.topic_hit_editor_save(hit=hit, user=editor)

    assert "编辑改写的理由" in html(client.get("/topics/llm/"))


def test_publishing_shows_the_page_at_once(client, chief_editor, on_commit):
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic)
    page = page_draft(topic)
    assert client.get("/topics/llm/2026-04-27/").status_code == 404

    with on_commit():
        services.daily_page_publish(page=page, user=chief_editor)

    assert paper.title in html(client.get("/topics/llm/2026-04-27/"))


def test_unpublishing_turns_the_cached_topic_day_into_404_at_once(
    client, chief_editor, published, on_commit
):
    url = "/topics/llm/2026-04-27/"
    assert published.title in html(client.get(url))

    with on_commit():
        services.daily_page_unpublish(page=DailyPage.objects.get(), user=chief_editor)

    assert client.get(url).status_code == 404


def test_renaming_a_topic_in_the_admin_shows_at_once(client, chief_editor, published, on_commit):
    topic = published.topic_hits.get().topic
    url = reverse("admin:topics_topic_change", args=[topic.pk])
    assert "改名后的专题" not in html(client.get("/topics/llm/"))
    client.force_login(chief_editor)

    data = {**admin_form_data(client.get(url)), "name_zh": "改名后的专题"}
    with on_commit():
        assert client.post(url, data).status_code == 302

    client.logout()
    assert "改名后的专题" in html(client.get("/topics/llm/"))


# ---- the machine: only published papers count ----


def _record(paper: Paper, **changes) -> PaperRecord:
    fields = {
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": [],
        "categories": paper.categories,
        "primary_category": paper.primary_category,
    }
    return PaperRecord(**{**fields, **changes})


def test_ingest_replacing_a_published_paper_empties_the_cache(published, on_commit):
    version = public_cache_version_get()

    with on_commit():
        papers_upsert(records=[_record(published, version=2, title="A revised title")])

    assert public_cache_version_get() != version


def test_ingest_of_unpublished_papers_keeps_the_cache(published, on_commit):
    draft = PaperFactory()
    revised = _record(draft, version=2, title="A revised title")
    listed = AnnouncementRecord(draft.arxiv_id, DAY, "cs.AI", Announcement.Type.REPLACE, 2)
    version = public_cache_version_get()

    with on_commit():
        papers_upsert(records=[revised])
        papers_upsert(records=[revised], announcements=[listed])
        papers_upsert(records=[_record(PaperFactory.build(arxiv_id="2605.00001"))])

    draft.refresh_from_db()
    assert (draft.version, draft.announcements.get().announce_type) == (2, "replace")
    assert Paper.objects.filter(arxiv_id="2605.00001").exists()
    assert public_cache_version_get() == version


def test_enriching_a_published_paper_empties_the_cache(published, on_commit):
    version = public_cache_version_get()

    with on_commit():
        paper_enrich(paper=published)

    assert public_cache_version_get() != version


# ---- drafts keep the cache ----


def test_saving_drafts_keeps_the_cache(client, editor, chief_editor, published, on_commit):
    """An unpublished paper's edits, a draft page's note and enriching an unpublished paper."""
    draft_paper = PaperFactory(title_zh_machine="机器标题")
    draft_page = page_draft(TopicFactory())
    version = public_cache_version_get()

    paper_url = reverse("admin:papers_paper_change", args=[draft_paper.pk])
    page_url = reverse("admin:papers_dailypage_change", args=[draft_page.pk])
    with on_commit():
        client.force_login(editor)
        paper_form = admin_form_data(client.get(paper_url))
        assert (
            client.post(paper_url, {**paper_form, "title_zh_human": "编辑标题"}).status_code == 302
        )
        client.force_login(chief_editor)
        page_form = admin_form_data(client.get(page_url))
        assert client.post(page_url, {**page_form, "note": "草稿按语"}).status_code == 302
        outcome = paper_enrich(paper=draft_paper)

    draft_paper.refresh_from_db()
    draft_page.refresh_from_db()
    assert (draft_paper.title_zh_human, draft_page.note) == ("编辑标题", "草稿按语")
    assert outcome.outcome == Outcome.DONE and draft_paper.topic_hits.exists()
    assert public_cache_version_get() == version
