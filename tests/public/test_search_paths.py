"""The search's cheaper paths give exactly the plain search's results: the window of newest
papers (public.ranking, for common words) and one institution's papers listed by id
(public.matching.institution_papers_q), each compared with the path it replaces."""

import datetime as dt

import pytest
from django.db import connection

from public import matching, ranking
from public.selectors import PaperQuery, paper_search_results
from tests.factories import InstitutionFactory, PaperInstitutionFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)


@pytest.fixture
def papers():
    """15 papers submitted an hour apart; two in three about reinforcement learning policies,
    every third one (and one other) at one institution."""
    topic = TopicFactory(slug="llm")
    institution = InstitutionFactory(name="Example Institute of Learning")
    made = []
    for n in range(15):
        title = f"Reinforcement learning policy study {n}" if n % 3 else f"Image work {n}"
        paper = listed_paper(topic, title=title, abstract=f"Abstract {n}.")
        paper.submitted_at = START + dt.timedelta(hours=n)
        paper.save(update_fields=["submitted_at"])
        if n % 3 == 0 or n == 4:
            PaperInstitutionFactory(paper=paper, institution=institution, position=1)
        made.append(paper)
    page_publish(topic)
    return made


def _ids(query: PaperQuery, limit: int) -> list[int]:
    return paper_search_results(query=query).ids(limit)


@pytest.mark.parametrize("window", [2, 4, 100])
@pytest.mark.parametrize("limit", [1, 3, 8, 20])
@pytest.mark.parametrize("date_to", [None, DAY])
def test_the_window_of_newest_papers_gives_the_plain_results(
    papers, monkeypatch, window, limit, date_to
):
    query = PaperQuery(q="reinforcement policy", date_to=date_to)
    monkeypatch.setattr(ranking, "_words_common", lambda text, db: False)
    plain = _ids(query, limit)
    monkeypatch.setattr(ranking, "_words_common", lambda text, db: True)
    monkeypatch.setattr(ranking, "RECENT_PAPERS", window)

    assert paper_search_results(query=query).first is not None
    assert _ids(query, limit) == plain
    assert plain and len(plain) == min(limit, 10)


@pytest.mark.parametrize("text", ["reinforcement policy", "study", "图像", ""])
def test_an_institutions_papers_listed_by_id_give_the_plain_results(papers, monkeypatch, text):
    query = PaperQuery(q=text, institution="Example Institute")
    monkeypatch.setattr(matching, "INSTITUTION_PAPERS_LISTED", 0)  # the EXISTS
    plain = _ids(query, 50)
    monkeypatch.setattr(matching, "INSTITUTION_PAPERS_LISTED", 1_000)  # ids, text unindexed

    assert _ids(query, 50) == plain
    if text in ("reinforcement policy", "study"):
        assert [p.pk for p in papers if p.pk in plain] == [papers[4].pk]


def test_common_words_are_read_from_the_columns_statistics(papers, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_paper")
    monkeypatch.setattr(ranking, "_common_words", (-ranking.COMMON_WORDS_SECONDS, frozenset()))

    assert ranking._words_common("reinforcement learning", db="default")
    assert not ranking._words_common("reinforcement zebra", db="default")
    assert not ranking._words_common("the of", db="default")  # stop words only: no lexeme
