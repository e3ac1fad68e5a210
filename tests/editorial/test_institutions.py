"""Editors' institution work: merge, Chinese names, ROR links, work lists, front matter."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from editorial import institutions as services
from papers.models import FrontMatter, Institution, InstitutionAlias, PaperInstitution
from public.caching import public_cache_version_get
from tests.factories import (
    InstitutionAliasFactory,
    InstitutionFactory,
    PaperAuthorFactory,
    PaperFactory,
    PaperInstitutionFactory,
    StaffFactory,
    TopicFactory,
)
from tests.site_data import listed_paper, page_publish

pytestmark = pytest.mark.django_db
# Links are made against the shipped registry (papers.institutions): Tsinghua is 03cve4549.

CHANGELIST = "admin:papers_institution_changelist"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _names(institution) -> set[str]:
    return set(institution.aliases.values_list("name", flat=True))


def test_merge_moves_aliases_names_papers_and_authors_without_duplicates(editor):
    target = InstitutionFactory(name="Tsinghua University", source=Institution.Source.ROR)
    other = InstitutionFactory(name="Tsinghua Univ.", name_zh="清华")
    InstitutionAliasFactory(institution=other, name="THU")
    both, only_other = PaperFactory(), PaperFactory()
    PaperInstitutionFactory(paper=both, institution=target)
    PaperInstitutionFactory(paper=both, institution=other, source_line="Tsinghua Univ., Beijing")
    PaperInstitutionFactory(paper=only_other, institution=other)
    author = PaperAuthorFactory(paper=only_other, institution=other)

    services.institutions_merge(target=target, others=[target, other], user=editor)

    assert not Institution.objects.filter(pk=other.pk).exists()
    assert _names(target) == {"THU", "Tsinghua Univ.", "清华"}
    assert set(target.papers.all()) == {both, only_other}
    assert PaperInstitution.objects.filter(paper=both).count() == 1
    author.refresh_from_db()
    assert author.institution == target
    target.refresh_from_db()
    assert (target.name_zh, target.source) == ("清华", Institution.Source.ROR)


def test_merge_keeps_history_of_who_merged_what_into_what(editor):
    target, other = InstitutionFactory(name="MIT"), InstitutionFactory(name="M.I.T.")
    other_pk = other.pk

    services.institutions_merge(target=target, others=[other], user=editor)

    deleted = Institution.history.filter(id=other_pk, history_type="-").get()
    assert deleted.history_user == editor
    assert deleted.history_change_reason == f"merged into #{target.pk} MIT"
    assert target.history.first().history_change_reason == f"merged #{other_pk} in"


def test_merge_empties_the_page_cache(editor, on_commit):
    before = public_cache_version_get()
    with on_commit():
        services.institutions_merge(
            target=InstitutionFactory(), others=[InstitutionFactory()], user=editor
        )
    assert public_cache_version_get() > before


def test_staff_without_a_role_may_not_merge_or_rename():
    nobody = StaffFactory()
    target, other = InstitutionFactory(), InstitutionFactory()
    with pytest.raises(PermissionDenied):
        services.institutions_merge(target=target, others=[other], user=nobody)
    with pytest.raises(PermissionDenied):
        services.institution_name_zh_set(institution=target, name_zh="某大学", user=nobody)
    assert Institution.objects.filter(pk=other.pk).exists()


def test_an_editors_chinese_name_wins_over_a_later_ror_link(editor):
    institution = InstitutionFactory(name="Tsinghua Univ.")
    services.institution_name_zh_set(institution=institution, name_zh=" 清华 大学 ", user=editor)
    assert (institution.name_zh, institution.name_zh_source) == ("清华 大学", "editor")

    services.institution_ror_link(institution=institution, ror_id="ror.org/03cve4549", user=editor)

    institution.refresh_from_db()
    assert (institution.name, institution.country, institution.ror_id) == (
        "Tsinghua University",
        "CN",
        "03cve4549",
    )
    assert (institution.source, institution.name_zh) == (Institution.Source.ROR, "清华 大学")
    assert _names(institution) == {"Tsinghua Univ."}


def test_ror_link_fills_the_chinese_name_unless_an_editor_wrote_one(editor):
    institution = InstitutionFactory(name="THU", name_zh="清华", name_zh_source="machine")
    services.institution_ror_link(institution=institution, ror_id="03cve4549", user=editor)
    assert (institution.name_zh, institution.name_zh_source) == ("清华大学", "ror")


@pytest.mark.parametrize(
    ("ror_id", "message"),
    [("tsinghua", "not a ROR id"), ("https://ror.org/0zzzzzz99", "holds no organisation")],
)
def test_ror_link_refuses_bad_and_unknown_ids(editor, ror_id, message):
    with pytest.raises(services.InstitutionLinkError, match=message):
        services.institution_ror_link(institution=InstitutionFactory(), ror_id=ror_id, user=editor)


def test_ror_link_refuses_an_id_another_institution_holds(editor):
    InstitutionFactory(ror_id="03cve4549", source=Institution.Source.ROR)
    with pytest.raises(services.InstitutionLinkError, match="merge the two"):
        services.institution_ror_link(
            institution=InstitutionFactory(), ror_id="03cve4549", user=editor
        )


# ---- the admin ----


def test_merge_action_asks_which_to_keep_then_merges(client, editor):
    client.force_login(editor)
    keep = InstitutionFactory(name="Peking University", source=Institution.Source.ROR)
    drop = InstitutionFactory(name="Peking Univ")
    PaperInstitutionFactory(institution=drop)
    PaperInstitutionFactory(institution=drop)
    selected = {"action": "merge", ACTION_CHECKBOX_NAME: [keep.pk, drop.pk]}

    confirm = client.post(reverse(CHANGELIST), selected)
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Peking Univ" in body and f'value="{keep.pk}" id="target-{keep.pk}" checked' in body
    assert Institution.objects.count() == 2

    done = client.post(reverse(CHANGELIST), {**selected, "target": keep.pk, "_merge": "1"})
    assert done.status_code == 302
    assert list(Institution.objects.all()) == [keep]
    assert keep.papers.count() == 2


def test_unmatched_work_list_shows_the_most_used_first(client, editor):
    client.force_login(editor)
    rare = InstitutionFactory(name="Rare Lab")
    common = InstitutionFactory(name="Common Institute")
    InstitutionFactory(name="Matched University", source=Institution.Source.ROR)
    PaperInstitutionFactory(institution=rare)
    for _ in range(3):
        PaperInstitutionFactory(institution=common)

    body = client.get(reverse(CHANGELIST), {"todo": "unmatched"}).content.decode()

    assert body.index("Common Institute") < body.index("Rare Lab")
    assert "Matched University" not in body


def test_chinese_region_list_holds_institutions_readers_see_no_chinese_name_of(client, editor):
    client.force_login(editor)
    InstitutionFactory(name="Zhejiang Lab", country="CN")
    InstitutionFactory(name="HKUST", country="HK", name_zh="港科", name_zh_source="machine")
    InstitutionFactory(
        name="Fudan University", country="CN", name_zh="复旦大学", name_zh_source="ror"
    )
    InstitutionFactory(name="Stanford University", country="US")

    body = client.get(reverse(CHANGELIST), {"todo": "zh_missing"}).content.decode()

    assert "Zhejiang Lab" in body and "HKUST" in body
    assert "Fudan University" not in body and "Stanford University" not in body


def test_confirming_machine_names_makes_them_the_editors(client, editor):
    client.force_login(editor)
    machine = InstitutionFactory(name_zh="浙江实验室", name_zh_source="machine")
    client.post(
        reverse(CHANGELIST), {"action": "confirm_zh_names", ACTION_CHECKBOX_NAME: [machine.pk]}
    )
    machine.refresh_from_db()
    assert (machine.name_zh_source, machine.name_zh_public) == ("editor", "浙江实验室")


def test_editing_the_chinese_name_in_the_form_makes_it_the_editors(client, editor):
    client.force_login(editor)
    institution = InstitutionFactory(name="Zhejiang Lab", country="CN")
    url = reverse("admin:papers_institution_change", args=[institution.pk])
    data = {
        "name": "Zhejiang Lab",
        "name_zh": "之江实验室",
        "country": "CN",
        "url": "",
        "link_ror_id": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }

    assert client.post(url, data).status_code == 302
    institution.refresh_from_db()
    assert (institution.name_zh, institution.name_zh_source) == ("之江实验室", "editor")

    refused = client.post(url, {**data, "link_ror_id": "not-an-id"})
    assert "not a ROR id" in refused.content.decode()


def test_paper_page_shows_raw_lines_beside_matched_institutions(client, editor):
    client.force_login(editor)
    paper = listed_paper(TopicFactory())
    FrontMatter.objects.create(
        paper=paper,
        version=1,
        state=FrontMatter.State.DONE,
        kind=FrontMatter.Kind.HTML,
        url="https://arxiv.org/html/2604.00001v1",
        authors=[{"name": "Ada Lovelace", "lines": ["Dept. of CS, Tsinghua Univ., Beijing"]}],
    )
    PaperInstitutionFactory(
        paper=paper,
        institution=InstitutionFactory(
            name="Tsinghua University", name_zh="清华大学", name_zh_source="ror", source="ror"
        ),
        source_line="Dept. of CS, Tsinghua Univ., Beijing",
    )

    body = client.get(reverse("admin:papers_paper_change", args=[paper.pk])).content.decode()

    assert "Dept. of CS, Tsinghua Univ., Beijing" in body
    assert "https://arxiv.org/html/2604.00001v1" in body
    assert 'badge-ror">ROR' in body and "清华大学" in body


def test_front_matter_retry_makes_failed_and_unreadable_rows_due(client, editor):
    client.force_login(editor)
    failed = FrontMatter.objects.create(
        paper=PaperFactory(), version=1, state="failed", error="HTTP 503"
    )
    unreadable = FrontMatter.objects.create(
        paper=PaperFactory(), version=1, state="unreadable", error="no text layer"
    )
    done = FrontMatter.objects.create(paper=PaperFactory(), version=1, state="done")
    changelist = reverse("admin:papers_frontmatter_changelist")

    listed = client.get(changelist, {"state__exact": "failed"}).content.decode()
    assert "HTTP 503" in listed and "no text layer" not in listed
    client.post(
        changelist,
        {"action": "retry", ACTION_CHECKBOX_NAME: [failed.pk, unreadable.pk, done.pk]},
    )

    states = dict(FrontMatter.objects.values_list("pk", "state"))
    assert states == {failed.pk: "failed", unreadable.pk: "failed", done.pk: "done"}
    assert FrontMatter.objects.filter(next_attempt_at__isnull=False).count() == 2


def test_merging_a_published_institution_changes_its_page(client, editor, on_commit):
    topic = TopicFactory()
    paper = listed_paper(topic)
    page_publish(topic)
    shown = paper.institutions.get()
    shown.source = Institution.Source.ROR
    shown.save()
    assert client.get(f"/institutions/{shown.pk}/").status_code == 200
    with on_commit():
        services.institutions_merge(target=InstitutionFactory(), others=[shown], user=editor)
    assert client.get(f"/institutions/{shown.pk}/").status_code == 404
    assert InstitutionAlias.objects.filter(name=shown.name).exists()
