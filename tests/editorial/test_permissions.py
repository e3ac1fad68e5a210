"""The services check permissions themselves: whoever calls them without the right permission
gets PermissionDenied and nothing changes, whatever the admin shows or hides."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from editorial import edits, services
from papers.models import DailyPage, DailyPageEntry, Institution, Paper, TopicHit
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
from topics.models import Topic

DAY = dt.date(2026, 4, 27)
pytestmark = pytest.mark.django_db


@pytest.fixture
def intern(db):
    """Staff without an editorial role: no permission at all."""
    return StaffFactory(username="intern")


@pytest.fixture
def hit(db):
    """A suggested hit on a paper listed on DAY, with machine and editor Chinese titles."""
    paper = PaperFactory(title_zh_machine="机器标题", title_zh_human="编辑标题")
    AnnouncementFactory(paper=paper, announce_date=DAY)
    return TopicHitFactory(paper=paper, confidence=0.99)


def _everything() -> tuple:
    """What any editorial service could have written."""
    return (
        list(TopicHit.objects.order_by("pk").values()),
        list(Paper.objects.order_by("pk").values()),
        list(DailyPage.objects.order_by("pk").values()),
        list(DailyPageEntry.objects.values()),
    )


REVIEW_CALLS = {
    "accept": lambda hit, user: services.topic_hit_accept(hits=[hit], user=user),
    "reject": lambda hit, user: services.topic_hit_reject(hits=[hit], user=user),
    "accept above threshold": lambda hit, user: services.topic_hits_accept_above_threshold(
        hits=TopicHit.objects.all(), user=user
    ),
    "edit a hit": lambda hit, user: services.topic_hit_editor_save(hit=hit, user=user),
    "add a hit": lambda hit, user: services.topic_hit_editor_save(
        hit=TopicHit(paper=hit.paper, topic=TopicFactory(), confidence=1.0), user=user
    ),
    "mark reviewed": lambda hit, user: services.paper_review_mark(paper=hit.paper, user=user),
    "revert to machine": lambda hit, user: services.paper_zh_revert(
        paper=hit.paper, field="title", user=user
    ),
}


@pytest.mark.parametrize("call", REVIEW_CALLS.values(), ids=REVIEW_CALLS.keys())
def test_review_services_need_the_change_permission(call, hit, intern):
    before = _everything()

    with pytest.raises(PermissionDenied):
        call(hit, intern)

    assert _everything() == before


@pytest.mark.parametrize("call", REVIEW_CALLS.values(), ids=REVIEW_CALLS.keys())
def test_an_editor_may_review(call, hit, editor):
    before = _everything()

    call(hit, editor)

    assert _everything() != before


def test_page_services_need_the_chief_editors_permissions(hit, editor):
    services.topic_hit_accept(hits=[hit], user=editor)
    page = DailyPage.objects.get()
    before = _everything()

    with pytest.raises(PermissionDenied):
        services.daily_page_publish(page=page, user=editor)
    with pytest.raises(PermissionDenied):
        services.daily_pages_publish_for_date(announce_date=DAY, user=editor)
    with pytest.raises(PermissionDenied):
        services.daily_page_order_fill(page=page, user=editor)

    assert _everything() == before
    assert not Paper.objects.published().exists()


def test_publishing_a_date_creates_no_page_without_the_permission(hit, editor):
    TopicHit.objects.update(review_state=TopicHit.ReviewState.ACCEPTED)

    with pytest.raises(PermissionDenied):
        services.daily_pages_publish_for_date(announce_date=DAY, user=editor)

    assert not DailyPage.objects.exists()


def test_unpublishing_needs_the_publish_permission(hit, editor, chief_editor):
    services.topic_hit_accept(hits=[hit], user=editor)
    page = services.daily_page_publish(page=DailyPage.objects.get(), user=chief_editor)

    with pytest.raises(PermissionDenied):
        services.daily_page_unpublish(page=page, user=editor)

    assert DailyPage.objects.get().status == DailyPage.Status.PUBLISHED
    assert list(Paper.objects.published()) == [hit.paper]


def test_the_system_publishes_without_a_user(hit, editor):
    services.topic_hit_accept(hits=[hit], user=editor)

    page = services.daily_page_publish(page=DailyPage.objects.get(), user=None)

    assert (page.status, page.published_by) == (DailyPage.Status.PUBLISHED, None)


def test_plain_edits_need_the_models_permission(editor):
    """Editors keep institutions but not the taxonomy, and may not delete institutions."""
    topic = TopicFactory(name_zh="原名")
    institution = InstitutionFactory()

    topic.name_zh = "新名"
    with pytest.raises(PermissionDenied):
        edits.row_save(row=topic, user=editor)
    with pytest.raises(PermissionDenied):
        edits.row_delete(row=institution, user=editor)
    with pytest.raises(PermissionDenied):
        edits.rows_delete(rows=Institution.objects.all(), user=editor)

    assert Topic.objects.get(pk=topic.pk).name_zh == "原名"
    assert Institution.objects.filter(pk=institution.pk).exists()
    institution.name_zh = "某大学"
    edits.row_save(row=institution, user=editor)
    assert Institution.objects.get(pk=institution.pk).name_zh == "某大学"


def test_a_forged_publish_button_in_the_admin_is_refused_with_the_save(client, hit):
    """Someone who may edit pages but not publish sees no button; posting it anyway is a 403,
    and the note saved in the same request is rolled back."""
    page = DailyPageFactory(topic=hit.topic, announce_date=DAY)
    page_editor = StaffFactory(username="page-editor")
    page_editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_dailypage", "change_dailypage"])
    )
    url = reverse("admin:papers_dailypage_change", args=[page.pk])
    client.force_login(page_editor)
    form = client.get(url)
    assert "_publish" not in form.content.decode()

    response = client.post(url, {**admin_form_data(form), "note": "按语", "_publish": "1"})

    assert response.status_code == 403
    page.refresh_from_db()
    assert (page.status, page.note) == (DailyPage.Status.DRAFT, "")


def test_a_users_own_and_group_permissions_are_read_in_one_query(editor, django_assert_num_queries):
    editor.user_permissions.add(Permission.objects.get(codename="publish_dailypage"))
    fresh = type(editor).objects.get(pk=editor.pk)
    with django_assert_num_queries(1):
        assert fresh.has_perm(services.PUBLISH)  # the user's own
        assert fresh.has_perm("papers.change_topichit")  # the Editor group's
        assert not fresh.has_perm("topics.change_topic")
