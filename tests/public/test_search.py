"""Search: English full text, Chinese trigram matching, filters, published papers only."""

import datetime as dt

import pytest

from papers.models import Announcement, TopicHit
from tests.factories import InstitutionFactory, PaperInstitutionFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db


def _found(client, headers=None, **params) -> str:
    response = client.get("/search/", params, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def topic():
    topic = TopicFactory(slug="llm")
    page_publish(topic)
    return topic


def test_english_words_match_by_stem_across_title_abstract_and_authors(client, topic):
    paper = listed_paper(topic, title="Distilling reasoning into small students")
    listed_paper(topic, title="Unrelated vision work", abstract="Images only.")

    assert paper.title in _found(client, q="distillation")
    assert paper.title in _found(client, q="Lovelace")
    assert "Unrelated vision work" not in _found(client, q="distillation")


def test_chinese_text_matches_by_substring(client, topic):
    paper = listed_paper(topic, title="On-policy distillation", title_zh_human="在线策略蒸馏综述")
    listed_paper(topic, title="Other paper", title_zh_human="图像分割")

    body = _found(client, q="策略蒸馏")

    assert paper.title in body and "Other paper" not in body


def test_unreviewed_chinese_text_does_not_match(client, topic):
    listed_paper(topic, title="Unreviewed", title_zh_machine="未审校的标题", reviewed=False)
    assert "Unreviewed" not in _found(client, q="未审校")


def test_chinese_text_an_editor_wrote_matches_before_review(client, topic):
    listed_paper(topic, title="Edited", summary_zh_human="编辑写的总结", reviewed=False)
    assert "Edited" in _found(client, q="编辑写的")


def test_arxiv_id_finds_the_paper(client, topic):
    paper = listed_paper(topic, title="Found by id")
    assert "Found by id" in _found(client, q=paper.arxiv_id)


def test_unpublished_and_rejected_papers_are_never_found(client, topic):
    listed_paper(topic, title="Rejected language paper", state=TopicHit.ReviewState.REJECTED)
    draft_topic = TopicFactory()
    listed_paper(draft_topic, title="Draft language paper")
    page_draft(draft_topic)
    listed_paper(topic, title="Published language paper")

    body = _found(client, q="language")

    assert "Published language paper" in body
    assert "Rejected language paper" not in body and "Draft language paper" not in body
    assert "找到 1 篇论文" in body


def test_filters_by_category_topic_institution_dates_and_version_update(client, topic):
    other_topic = TopicFactory(slug="vision")
    page_publish(other_topic)
    cl = listed_paper(topic, title="Paper CL", primary_category="cs.CL", categories=["cs.CL"])
    cv = listed_paper(other_topic, title="Paper CV", primary_category="cs.CV", categories=["cs.CV"])
    PaperInstitutionFactory(
        paper=cv, institution=InstitutionFactory(name="Tsinghua", name_zh="清华大学")
    )
    later_day = DAY + dt.timedelta(days=3)
    update = listed_paper(
        topic, day=later_day, title="Paper v2", announce_type=Announcement.Type.REPLACE, version=2
    )
    page_publish(topic, later_day)

    assert _titles(client, category="cs.CV") == {cv.title}
    assert _titles(client, topic="vision") == {cv.title}
    assert _titles(client, institution="清华") == {cv.title}
    assert _titles(client, date_from="2026-04-28") == {update.title}
    assert _titles(client, date_to="2026-04-27") == {cl.title, cv.title}
    assert _titles(client, version_update="on") == {update.title}


@pytest.mark.parametrize("value", ["off", "0", "false", "False", "no", ""])
def test_version_update_off_in_any_spelling_is_unticked(client, topic, value):
    first = listed_paper(topic, title="Paper CL")
    later_day = DAY + dt.timedelta(days=3)
    update = listed_paper(
        topic, day=later_day, title="Paper v2", announce_type=Announcement.Type.REPLACE, version=2
    )
    page_publish(topic, later_day)

    assert _titles(client, topic="llm", version_update=value) == {first.title, update.title}
    assert _titles(client, topic="llm", version_update="on") == {update.title}


def _titles(client, **params) -> set[str]:
    body = _found(client, **params)
    return {title for title in ("Paper CL", "Paper CV", "Paper v2") if title in body}


def test_results_are_paginated(client, topic):
    for n in range(25):
        listed_paper(topic, title=f"Language paper number {n}")

    first = _found(client, q="language")
    second = _found(client, q="language", page=2)

    assert "找到 25 篇论文" in first and "第 1 页，共 2 页" in first
    assert first.count('class="paper-card') == 20 and second.count('class="paper-card') == 5


def test_empty_search_shows_only_the_form(client, topic):
    listed_paper(topic)
    body = _found(client)
    assert 'role="search"' in body and "paper-card" not in body


def test_xss_in_search_terms_is_escaped(client, topic):
    body = _found(client, q='"><script>alert(1)</script>')
    assert "<script>alert(1)" not in body


def test_invalid_filters_show_errors_instead_of_results(client, topic):
    listed_paper(topic)
    body = _found(client, date_from="yesterday", page="x")
    assert 'class="error"' in body and "paper-card" not in body


def test_an_end_date_before_the_start_date_is_an_error_of_the_end_date(client, topic):
    listed_paper(topic)
    later = DAY + dt.timedelta(days=1)

    body = _found(client, date_from=later, date_to=DAY, headers={"accept-language": "en"})

    assert "The end date is before the start date" in body and "paper-card" not in body
    assert "paper-card" in _found(client, date_from=DAY, date_to=DAY)


def test_counts_stop_at_the_cap(client, topic, monkeypatch):
    from public import views

    monkeypatch.setattr(views.CappedPaginator, "cap", 3)
    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 2)
    for n in range(5):
        listed_paper(topic, title=f"Language paper number {n}")

    body = _found(client, q="language")

    assert "找到超过 3 篇论文" in body
    assert body.count('class="paper-card') == 2


def test_newest_submissions_come_first(client, topic):
    older = listed_paper(topic, title="Older language paper")
    newer = listed_paper(topic, title="Newer language paper")
    older.submitted_at = dt.datetime(2026, 4, 20, tzinfo=dt.UTC)
    newer.submitted_at = dt.datetime(2026, 4, 24, tzinfo=dt.UTC)
    older.save()
    newer.save()

    body = _found(client, q="language")

    assert body.index("Newer language paper") < body.index("Older language paper")


def test_a_title_s_exact_words_put_that_paper_first(client, topic):
    titled = listed_paper(topic, title="Chain-of-Thought Distillation for Small Language Models")
    titled.submitted_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    titled.save()
    for n in range(25):  # newer papers with the same words, more than a page of them
        listed_paper(topic, title=f"Small language models: chain of thought distillation {n}")

    body = _found(client, q="chain of thought distillation for small language models")

    assert body.index(titled.title) < body.index("Small language models: chain")


def test_a_search_without_results_says_none_were_found(client, topic):
    listed_paper(topic, title="Something else")
    response = client.get("/search/", {"q": "nonexistentword"}, headers={"accept-language": "en"})
    assert "0 papers found" in response.content.decode()
