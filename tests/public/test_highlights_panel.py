"""Issue 21, part 4: the reader's highlights panel is on every page of cards or briefs, the
same for every reader (the page cache serves it), and hidden until static/js/highlights.js
runs; tests/browser/test_highlights.py drives it in Chromium."""

import pytest

from tests.factories import PaperInstitutionFactory, RegistryInstitutionFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

PANEL = '<details class="highlights" data-highlights hidden'


@pytest.fixture
def paper():
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic, title="Distilling LLMs for phones")
    PaperInstitutionFactory(paper=paper, institution=RegistryInstitutionFactory(name="Tencent"))
    page_publish(topic)
    return paper


def test_pages_of_cards_and_briefs_have_the_panel(client, paper):
    institution = paper.institutions.get(name="Tencent")
    for url in (
        f"/topics/llm/{DAY}/",
        f"/{DAY}/",
        "/search/?q=distilling",
        f"/institutions/{institution.pk}/",
    ):
        body = client.get(url).content.decode()
        assert body.count(PANEL) == 1, url
        assert '<script defer src="/static/js/highlights.js"></script>' in body


def test_pages_without_cards_have_no_panel(client, paper):
    TopicFactory(slug="empty")
    for url in (f"/papers/{paper.arxiv_id}/", "/topics/empty/", "/search/?q=nothing+like+it"):
        assert PANEL not in client.get(url).content.decode(), url


def test_panel_holds_every_word_the_script_shows(client, paper):
    body = client.get(f"/topics/llm/{DAY}/", headers={"accept-language": "en"}).content.decode()

    for attribute in (
        'data-text-keyword="keyword"',
        'data-text-author="author"',
        'data-text-remove="Remove"',
        'data-text-matched="Highlighted:"',
    ):
        assert attribute in body
