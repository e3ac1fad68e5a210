"""Institutions as readers see them: cards, the institution page, its cache."""

import pytest

from editorial import institutions as services
from papers.models import Institution
from tests.factories import (
    InstitutionFactory,
    PaperInstitutionFactory,
    RegistryInstitutionFactory,
    TopicFactory,
)
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db

TSINGHUA_ZH_FIRST = (
    '<span lang="zh-Hans">清华大学</span> <span lang="en">Tsinghua University</span>'
)
TSINGHUA_EN_FIRST = (
    '<span lang="en">Tsinghua University</span> <span lang="zh-Hans">清华大学</span>'
)


@pytest.fixture
def tsinghua():
    return RegistryInstitutionFactory(
        name="Tsinghua University", name_zh="清华大学", ror_id="03cve4549", country="CN"
    )


@pytest.fixture
def topic():
    return TopicFactory(slug="llm")


def _published(topic, institution, **paper):
    found = listed_paper(topic, **paper)
    PaperInstitutionFactory(paper=found, institution=institution)
    return found


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_card_names_the_institution_in_the_readers_language_first(client, topic, tsinghua):
    _published(topic, tsinghua)
    page_publish(topic)
    url = f"/topics/llm/{DAY}/"

    chinese = html(client.get(url))
    english = html(client.get(url, headers={"accept-language": "en"}))

    link = f'<a href="/institutions/{tsinghua.pk}/">'
    assert f"{link}{TSINGHUA_ZH_FIRST}</a>" in chinese
    assert f"{link}{TSINGHUA_EN_FIRST}</a>" in english


def test_card_shows_an_unmatched_name_as_written_without_link_or_chinese(client, topic):
    guess = InstitutionFactory(name="Dept. of Magic", name_zh="魔法系", name_zh_source="machine")
    _published(topic, guess)
    page_publish(topic)

    body = html(client.get(f"/topics/llm/{DAY}/"))

    assert '<li class="as-written" title="论文原文，未与机构注册表匹配">Dept. of Magic</li>' in body
    assert "魔法系" not in body
    assert client.get(f"/institutions/{guess.pk}/").status_code == 404


def test_a_machine_chinese_name_waits_for_an_editor(
    client, topic, tsinghua, editor, django_capture_on_commit_callbacks
):
    tsinghua.name_zh_source = Institution.NameZhSource.MACHINE
    tsinghua.save()
    _published(topic, tsinghua)
    page_publish(topic)
    assert "清华大学" not in html(client.get(f"/institutions/{tsinghua.pk}/"))

    with django_capture_on_commit_callbacks(execute=True):
        services.institution_name_zh_set(institution=tsinghua, name_zh="清华大学", user=editor)

    assert TSINGHUA_ZH_FIRST in html(client.get(f"/institutions/{tsinghua.pk}/"))


def test_institution_page_lists_published_papers_only_paginated(client, topic, tsinghua):
    for n in range(21):
        _published(topic, tsinghua, title=f"Published paper {n:02d}")
    page_publish(topic)
    draft_topic = TopicFactory()
    _published(draft_topic, tsinghua, title="Draft paper", day=DAY.replace(day=28))
    page_draft(draft_topic, DAY.replace(day=28))
    url = f"/institutions/{tsinghua.pk}/"

    first, second = client.get(url), client.get(url, {"page": 2})

    assert len(first.context["papers"]) == 20 and len(second.context["papers"]) == 1
    assert "21 篇已发布论文" in html(first)
    assert "Draft paper" not in html(first) + html(second)
    assert f'href="/institutions/{tsinghua.pk}/rss.xml"' in html(first)
    assert "https://ror.org/03cve4549" in html(first)


def test_unknown_institution_is_404(client, db):
    assert client.get("/institutions/999999/").status_code == 404
    assert client.get("/institutions/999999/atom.xml").status_code == 404


def test_linking_a_ror_id_shows_on_the_cached_page_at_once(
    client, topic, editor, django_capture_on_commit_callbacks
):
    unmatched = InstitutionFactory(name="Tsinghua Univ.")
    paper = _published(topic, unmatched)
    page_publish(topic)
    assert "Tsinghua Univ." in html(client.get(f"/papers/{paper.arxiv_id}/"))  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.institution_ror_link(institution=unmatched, ror_id="03cve4549", user=editor)

    assert TSINGHUA_ZH_FIRST in html(client.get(f"/papers/{paper.arxiv_id}/"))
