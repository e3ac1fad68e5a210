"""The editors' admin: who may do what, the review loop, no lost updates, the audit trail."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from editorial.admin.forms import CONFLICT_MESSAGE
from papers.models import (
    DailyPage,
    EnrichmentRun,
    IngestRun,
    Paper,
    PaperInstitution,
    TopicHit,
    ZhState,
)
from public.selectors import topic_day_get
from tests.admin_forms import admin_form_data
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    InstitutionFactory,
    PaperFactory,
    StaffFactory,
    TopicFactory,
    TopicHitFactory,
)

DAY = dt.date(2026, 4, 27)
pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:papers_reviewqueuepaper_changelist")
PAGES = reverse("admin:papers_dailypage_changelist")


def _paper_url(paper):
    return reverse("admin:papers_paper_change", args=[paper.pk])


def _page_url(page):
    return reverse("admin:papers_dailypage_change", args=[page.pk])


def _preview_url(page):
    return reverse("admin:papers_dailypage_preview", args=[page.pk])


def _previewed(client, page) -> list:
    """The papers the admin preview shows, in the order it renders them."""
    html = client.get(_preview_url(page)).content.decode()
    shown = [(html.find(f'data-arxiv-id="{p.arxiv_id}"'), p) for p in Paper.objects.all()]
    return [paper for at, paper in sorted(shown, key=lambda pair: pair[0]) if at >= 0]


def _listed_hit(topic, **hit):
    paper = PaperFactory()
    AnnouncementFactory(paper=paper, announce_date=DAY)
    return TopicHitFactory(paper=paper, topic=topic, **hit)


def _hit_prefix(data, hit) -> str:
    [key] = [
        k
        for k, v in data.items()
        if k.startswith("topic_hits-") and k.endswith("-id") and str(v) == str(hit.pk)
    ]
    return key[: -len("-id")]


# ---- permission matrix ----


@pytest.mark.parametrize(
    "url",
    [
        QUEUE,
        reverse("admin:papers_paper_changelist"),
        PAGES,
        reverse("admin:papers_topichit_changelist"),
    ],
)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_a_role_sees_nothing_editorial(client):
    client.force_login(StaffFactory(username="intern"))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert index.context["app_list"] == []
    assert client.get(QUEUE).status_code == 403
    assert client.get(PAGES).status_code == 403
    assert client.get(_paper_url(PaperFactory())).status_code == 403


def test_editor_reviews_and_previews_but_cannot_publish(client, editor):
    topic = TopicFactory()
    hit = _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED)
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    client.force_login(editor)

    assert client.get(QUEUE).status_code == 200
    assert client.get(_paper_url(hit.paper)).status_code == 200
    change_page = client.get(_page_url(page))
    assert change_page.status_code == 200
    assert "_publish" not in change_page.content.decode()
    assert f"/topics/{topic.slug}/2026-04-27/?preview=1" in change_page.content.decode()
    assert client.get(PAGES).context["action_form"] is None  # no publish actions offered
    assert _previewed(client, page) == [hit.paper]

    forged = client.post(PAGES, {"action": "publish", ACTION_CHECKBOX_NAME: [page.pk]})
    assert forged.status_code in (200, 302)
    assert client.post(_page_url(page), {"_publish": "1", "note": "x"}).status_code == 403
    page.refresh_from_db()
    assert page.status == DailyPage.Status.DRAFT
    assert topic_day_get(topic=topic, announce_date=DAY).papers == []


def test_chief_editor_publishes_from_the_page_and_the_list(client, chief_editor):
    topic = TopicFactory()
    hit = _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED)
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    client.force_login(chief_editor)

    form = client.get(_page_url(page))
    assert "_publish" in form.content.decode()
    assert f"{hit.paper.arxiv_id}</a> {hit.paper.title} (0.80)" in form.content.decode()
    data = {**admin_form_data(form), "note": "今日推荐", "_publish": "1"}
    response = client.post(_page_url(page), data)
    assert response.status_code == 302, response.context and response.context["errors"]

    page.refresh_from_db()
    assert (page.status, page.note, page.published_by) == ("published", "今日推荐", chief_editor)
    assert topic_day_get(topic=topic, announce_date=DAY).papers == [hit.paper]

    client.post(PAGES, {"action": "unpublish", ACTION_CHECKBOX_NAME: [page.pk]})
    assert DailyPage.objects.get(pk=page.pk).status == DailyPage.Status.DRAFT


def test_publish_all_topics_for_a_date(client, chief_editor):
    first, second, other_day = TopicFactory(), TopicFactory(), TopicFactory()
    _listed_hit(first, review_state=TopicHit.ReviewState.ACCEPTED)
    _listed_hit(second, review_state=TopicHit.ReviewState.ACCEPTED)
    selected = DailyPageFactory(topic=first, announce_date=DAY)
    DailyPageFactory(topic=other_day, announce_date=DAY + dt.timedelta(days=1))
    client.force_login(chief_editor)

    client.post(PAGES, {"action": "publish_dates", ACTION_CHECKBOX_NAME: [selected.pk]})

    published = DailyPage.objects.published()
    assert {page.topic for page in published} == {first, second}


def test_chief_editor_writes_the_order_and_edits_it_inline(client, chief_editor):
    topic = TopicFactory()
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    low = _listed_hit(topic, confidence=0.6, review_state=TopicHit.ReviewState.ACCEPTED).paper
    high = _listed_hit(topic, confidence=0.9, review_state=TopicHit.ReviewState.ACCEPTED).paper
    client.force_login(chief_editor)

    client.post(PAGES, {"action": "order_fill", ACTION_CHECKBOX_NAME: [page.pk]})
    data = admin_form_data(client.get(_page_url(page)))
    [low_row] = [k for k, v in data.items() if k.endswith("-paper") and str(v) == str(low.pk)]
    data[low_row.replace("-paper", "-position")] = "1"
    assert client.post(_page_url(page), data).status_code == 302

    assert _previewed(client, page) == [low, high]


# ---- review loop in the paper page ----


def test_accepting_a_hit_in_the_inline_changes_the_preview(client, editor):
    topic = TopicFactory()
    hit = _listed_hit(topic)
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    client.force_login(editor)
    assert _previewed(client, page) == []

    data = admin_form_data(client.get(_paper_url(hit.paper)))
    data[f"{_hit_prefix(data, hit)}-review_state"] = TopicHit.ReviewState.ACCEPTED
    assert client.post(_paper_url(hit.paper), data).status_code == 302

    hit.refresh_from_db()
    assert (hit.review_state, hit.reviewed_by) == (TopicHit.ReviewState.ACCEPTED, editor)
    assert _previewed(client, page) == [hit.paper]

    data = admin_form_data(client.get(_paper_url(hit.paper)))
    data[f"{_hit_prefix(data, hit)}-review_state"] = TopicHit.ReviewState.REJECTED
    client.post(_paper_url(hit.paper), data)
    assert _previewed(client, page) == []


def test_editor_adds_a_hit_and_an_institution(client, editor):
    paper = PaperFactory()
    topic = TopicFactory()
    institution = InstitutionFactory()
    client.force_login(editor)
    data = admin_form_data(client.get(_paper_url(paper)))
    data.update(
        {
            "topic_hits-TOTAL_FORMS": "1",
            "topic_hits-0-topic": topic.pk,
            "topic_hits-0-confidence": "1.0",
            "topic_hits-0-reason": "编辑判断",
            "topic_hits-0-review_state": TopicHit.ReviewState.SUGGESTED,
            "paper_institutions-TOTAL_FORMS": "1",
            "paper_institutions-0-institution": institution.pk,
            "paper_institutions-0-position": "0",
        }
    )
    response = client.post(_paper_url(paper), data)
    assert response.status_code == 302, response.context and response.context["errors"]

    hit = TopicHit.objects.get(paper=paper)
    assert (hit.origin, hit.review_state) == (TopicHit.Origin.EDITOR, "accepted")
    link = PaperInstitution.objects.get(paper=paper)
    assert (link.institution, link.origin) == (institution, PaperInstitution.Origin.EDITOR)


def test_editing_chinese_then_revert_and_mark_reviewed(client, editor):
    paper = PaperFactory(summary_zh_machine="机器总结", title_zh_machine="机器标题")
    client.force_login(editor)
    page = client.get(_paper_url(paper)).content.decode()
    assert "机器总结" in page
    assert 'name="summary_zh_human"' in page
    assert 'name="summary_zh_machine"' not in page  # machine text is read-only
    assert "未审校 / not reviewed" in page
    assert 'name="_zh_revert"' not in page  # nothing to revert yet

    data = {**admin_form_data(client.get(_paper_url(paper))), "summary_zh_human": "编辑总结"}
    client.post(_paper_url(paper), data)
    paper.refresh_from_db()
    assert paper.zh("summary").value == "编辑总结"
    assert paper.zh("summary").state == ZhState.EDITED

    edited = client.get(_paper_url(paper))
    assert 'name="_zh_revert" value="summary"' in edited.content.decode()
    data = {**admin_form_data(edited), "_zh_revert": "summary"}
    assert client.post(_paper_url(paper), data).url == _paper_url(paper)
    paper.refresh_from_db()
    assert (paper.summary_zh_human, paper.zh("summary").state) == ("", ZhState.MACHINE)

    data = {**admin_form_data(client.get(_paper_url(paper))), "_mark_reviewed": "1"}
    client.post(_paper_url(paper), data)
    paper.refresh_from_db()
    assert paper.zh("title").state == ZhState.REVIEWED
    assert paper.zh_reviewed_by == editor
    assert "已审校 / reviewed" in client.get(_paper_url(paper)).content.decode()


def test_paper_page_warns_when_the_source_changed_under_an_edit(client, editor):
    paper = PaperFactory(
        version=2,
        abstract_zh_machine="机器摘要",
        abstract_zh_human="编辑摘要",
        abstract_zh_source_changed=True,
    )
    TopicHitFactory(paper=paper, review_state=TopicHit.ReviewState.ACCEPTED)
    client.force_login(editor)
    assert "the English source changed" in client.get(_paper_url(paper)).content.decode()
    queue = client.get(QUEUE, {"updated": "source"}).context["cl"].result_list
    assert list(queue) == [paper]


def test_second_save_of_the_same_paper_is_refused_with_a_clear_message(client, editor):
    paper = PaperFactory(title_zh_machine="机器标题")
    other = StaffFactory(username="other-editor", groups=["Editor"])
    client.force_login(editor)
    first = admin_form_data(client.get(_paper_url(paper)))
    client.force_login(other)
    second = admin_form_data(client.get(_paper_url(paper)))

    client.force_login(editor)
    assert client.post(_paper_url(paper), {**first, "title_zh_human": "第一位"}).status_code == 302
    client.force_login(other)
    response = client.post(_paper_url(paper), {**second, "title_zh_human": "第二位"})

    assert response.status_code == 200
    assert CONFLICT_MESSAGE in response.content.decode()
    paper.refresh_from_db()
    assert paper.title_zh_human == "第一位"
    # Reopening the page gives a fresh version and the save goes through.
    fresh = admin_form_data(client.get(_paper_url(paper)))
    assert client.post(_paper_url(paper), {**fresh, "title_zh_human": "第二位"}).status_code == 302


def test_daily_page_edits_are_locked_too(client, chief_editor):
    page = DailyPageFactory()
    client.force_login(chief_editor)
    stale = admin_form_data(client.get(_page_url(page)))
    client.post(_page_url(page), {**admin_form_data(client.get(_page_url(page))), "note": "先到"})

    response = client.post(_page_url(page), {**stale, "note": "后到"})

    assert CONFLICT_MESSAGE in response.content.decode()
    assert DailyPage.objects.get(pk=page.pk).note == "先到"


def test_admin_edits_leave_audit_rows_visible_on_the_object(client, editor):
    paper = PaperFactory()
    client.force_login(editor)
    data = {**admin_form_data(client.get(_paper_url(paper))), "abstract_zh_human": "编辑摘要"}
    client.post(_paper_url(paper), data)

    record = paper.history.latest()
    assert record.history_user == editor
    assert record.abstract_zh_human == "编辑摘要"
    change = record.diff_against(record.prev_record).changes
    assert [(c.field, c.old, c.new) for c in change if c.field == "abstract_zh_human"] == [
        ("abstract_zh_human", "", "编辑摘要")
    ]
    history = client.get(reverse("admin:papers_paper_history", args=[paper.pk]))
    assert history.status_code == 200
    assert editor.username in history.content.decode()


def test_editors_text_survives_new_machine_text(client, editor):
    paper = PaperFactory(title_zh_machine="旧机器标题")
    client.force_login(editor)
    data = {**admin_form_data(client.get(_paper_url(paper))), "title_zh_human": "编辑标题"}
    client.post(_paper_url(paper), data)
    # What a machine re-run writes: its own field only (the enrich helper's contract).
    Paper.objects.filter(pk=paper.pk).update(title_zh_machine="新机器标题", zh_reviewed_at=None)

    paper.refresh_from_db()
    assert paper.zh("title").value == "编辑标题"
    assert paper.zh("title").state == ZhState.EDITED
    page = client.get(_paper_url(paper)).content.decode()
    assert "新机器标题" in page
    assert "编辑标题" in page


def test_machine_rewrite_keeps_the_editors_text_and_hits(editor):
    """Whatever the machine writes later, the editor's Chinese and reviewed hits stay."""
    paper = PaperFactory(title_zh_machine="旧机器标题", title_zh_human="编辑标题")
    hit = TopicHitFactory(paper=paper, review_state=TopicHit.ReviewState.ACCEPTED)

    enrich = pytest.importorskip("enrichment.services")
    enrich.paper_enrich(paper=Paper.objects.get(pk=paper.pk))

    paper.refresh_from_db()
    assert paper.title_zh_human == "编辑标题"
    assert paper.zh("title").value == "编辑标题"
    assert TopicHit.objects.get(pk=hit.pk).review_state == TopicHit.ReviewState.ACCEPTED


# ---- queue and bulk actions ----


def test_queue_filters_search_and_confidence_sort(client, editor):
    topic = TopicFactory()
    strong = _listed_hit(topic, confidence=0.95).paper
    weak = _listed_hit(topic, confidence=0.3).paper
    reviewed = PaperFactory(zh_reviewed_at="2026-04-27T10:00Z")
    TopicHitFactory(paper=reviewed, review_state=TopicHit.ReviewState.ACCEPTED)
    unwanted = PaperFactory()  # no topic suggested it: nothing to review
    strong.paper_institutions.create(institution=InstitutionFactory(name="Tsinghua University"))
    client.force_login(editor)

    def listed(**params):
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        return list(response.context["cl"].result_list)

    assert listed() == [strong, weak]
    assert reviewed not in listed()
    assert unwanted not in listed()
    assert listed(confidence="high") == [strong]
    assert listed(confidence="low") == [weak]
    assert listed(topic=topic.slug, announce_date=DAY.isoformat()) == [strong, weak]
    assert listed(announce_date="2020-01-01") == []
    assert listed(q="Tsinghua") == [strong]
    assert listed(q=weak.arxiv_id) == [weak]
    assert listed(o="5") == [weak, strong]  # column 5 is the confidence
    for params in ({"updated": "yes"}, {"updated": "source"}, {"enrichment_state": "failed"}):
        assert listed(**params) == []


def test_bulk_accept_confident_hits_and_mark_reviewed(client, editor):
    topic = TopicFactory(confidence_threshold=0.7)
    sure = _listed_hit(topic, confidence=0.9)
    unsure = _listed_hit(topic, confidence=0.5)
    papers = [sure.paper.pk, unsure.paper.pk]
    client.force_login(editor)

    client.post(QUEUE, {"action": "accept_confident_hits", ACTION_CHECKBOX_NAME: papers})
    client.post(QUEUE, {"action": "mark_reviewed", ACTION_CHECKBOX_NAME: [sure.paper.pk]})

    assert TopicHit.objects.get(pk=sure.pk).review_state == TopicHit.ReviewState.ACCEPTED
    assert TopicHit.objects.get(pk=unsure.pk).review_state == TopicHit.ReviewState.SUGGESTED
    assert Paper.objects.get(pk=sure.paper.pk).zh_reviewed_by == editor


def test_reject_selected_hits(client, editor):
    hits = [_listed_hit(TopicFactory()) for _ in range(2)]
    client.force_login(editor)
    client.post(
        reverse("admin:papers_topichit_changelist"),
        {"action": "reject", ACTION_CHECKBOX_NAME: [hits[0].pk]},
    )
    states = dict(TopicHit.objects.values_list("pk", "review_state"))
    assert states == {hits[0].pk: "rejected", hits[1].pk: "suggested"}


def test_enrich_again_and_run_retry_queue_the_work(client, editor, monkeypatch):
    from enrichment import tasks as enrichment_tasks
    from ingest import tasks as ingest_tasks

    queued = []
    for task in (
        enrichment_tasks.enrich_papers,
        enrichment_tasks.enrich_sweep,
        ingest_tasks.ingest_announcement,
    ):
        monkeypatch.setattr(
            task, "delay_on_commit", lambda *a, _name=task.name, **kw: queued.append(_name)
        )
    paper = PaperFactory()
    ingest_run = IngestRun.objects.create(announce_date=DAY, categories=["cs.CL"])
    enrich_run = EnrichmentRun.objects.create(backend="offline")
    client.force_login(editor)

    responses = [
        client.post(
            reverse("admin:papers_paper_changelist"),
            {"action": "enrich_again", ACTION_CHECKBOX_NAME: [paper.pk]},
            follow=True,
        ),
        client.post(
            reverse("admin:papers_ingestrun_changelist"),
            {"action": "retry", ACTION_CHECKBOX_NAME: [ingest_run.pk]},
            follow=True,
        ),
        client.post(
            reverse("admin:papers_enrichmentrun_changelist"),
            {"action": "retry", ACTION_CHECKBOX_NAME: [enrich_run.pk]},
            follow=True,
        ),
    ]
    texts = [[str(m) for m in r.context["messages"]] for r in responses]
    assert all(len(t) == 1 and "queued" in t[0] for t in texts)
    assert queued == ["papers.enrich_papers", "papers.ingest_announcement", "papers.enrich_sweep"]


def test_runs_are_read_only(editor, rf):
    request = rf.get("/")
    request.user = editor
    for model in (IngestRun, EnrichmentRun):
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_add_permission(request)


def test_admin_passes_django_system_checks():
    from django.core.management import call_command

    call_command("check", fail_level="WARNING")


def test_publish_all_topics_for_a_date_from_its_own_page(client, chief_editor, editor):
    topic = TopicFactory()
    _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED)
    url = reverse("admin:papers_dailypage_publish_date")
    client.force_login(editor)
    assert client.get(url).status_code == 403
    assert url not in client.get(PAGES).content.decode()

    client.force_login(chief_editor)
    assert url in client.get(PAGES).content.decode()
    form = client.get(url)
    assert form.context["form"]["announce_date"].value() == DAY
    response = client.post(url, {"announce_date": DAY.isoformat()})

    assert response.status_code == 302
    assert DailyPage.objects.published().get().topic == topic


def test_read_only_fields_added_elsewhere_still_show_on_the_paper_page(client, editor):
    """Other blocks append to PaperAdmin.readonly_fields (enrichment usage); they must show."""
    paper_admin = admin.site._registry[Paper]
    paper = PaperFactory()
    client.force_login(editor)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paper_admin, "readonly_fields", [*paper_admin.readonly_fields, "created_at"])
        page = client.get(_paper_url(paper)).content.decode()
    assert "field-created_at" in page


def test_enter_in_a_field_saves_rather_than_publishing_or_reviewing(client, chief_editor):
    """Browsers submit with the form's first submit button when Enter is pressed."""
    hit = _listed_hit(TopicFactory())
    client.force_login(chief_editor)
    pages = {"paper": _paper_url(hit.paper), "dailypage": _page_url(DailyPageFactory())}
    for model_name, url in pages.items():
        html = client.get(url).content.decode()
        form = html[html.index(f'id="{model_name}_form"') :]
        first_submit = form[: form.index('type="submit"') + 40]
        assert 'name="_save"' in first_submit, url
        assert "_publish" in form or "_mark_reviewed" in form


def test_taxonomy_and_order_edits_are_audited_too(client, chief_editor):
    topic = TopicFactory()
    page = DailyPageFactory(topic=topic, announce_date=DAY)
    paper = _listed_hit(topic, review_state=TopicHit.ReviewState.ACCEPTED).paper
    client.force_login(chief_editor)
    topic_url = reverse("admin:topics_topic_change", args=[topic.pk])
    data = {**admin_form_data(client.get(topic_url)), "confidence_threshold": "0.75"}
    assert client.post(topic_url, data).status_code == 302
    data = admin_form_data(client.get(_page_url(page)))
    data.update(
        {"entries-TOTAL_FORMS": "1", "entries-0-paper": paper.pk, "entries-0-position": "3"}
    )
    assert client.post(_page_url(page), data).status_code == 302

    change = topic.history.latest()
    assert (change.history_user, change.confidence_threshold) == (chief_editor, 0.75)
    assert change.prev_record.confidence_threshold == 0.6
    entry = page.entries.get()
    assert (entry.history.get().history_user, entry.history.get().position) == (chief_editor, 3)


def test_failed_enrichment_shows_its_error_in_the_paper_list(client, chief_editor):
    PaperFactory(
        enrichment_state=Paper.EnrichmentState.FAILED,
        enrichment_error="LLM reply is not valid JSON (after one repair)\nraw: {oops",
    )
    client.force_login(chief_editor)

    body = client.get(reverse("admin:papers_paper_changelist")).content.decode()

    assert "LLM reply is not valid JSON (after one repair)" in body
    assert "raw: {oops" not in body  # only the first line
