"""Issue 21, part 4: the reader's highlights, kept in the browser, on cached pages in Chromium."""

import pytest

from papers.models import Paper, PaperAuthor
from tests.browser.conftest import screenshot
from tests.factories import TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Title and topic confidence: the topic day lists the unmarked papers first.
PAPERS = {
    "llm": ("Distilling LLMs for phones", 0.5),
    "protein": ("Diffusion models of folding", 0.6),
    "hallmark": ("A hallmark of sparse graphs", 0.9),
    "robot": ("Robot grasping from one demonstration", 0.8),
}
TITLES = {key: title for key, (title, _confidence) in PAPERS.items()}


@pytest.fixture
def topic_day(live_server):
    """A published topic day of four papers: one says "LLM" in its title, one "蛋白质" only in
    its Chinese summary, one holds "llm" inside a word, one has an author with accents."""
    topic = TopicFactory(slug="llm", name_en="Large language models")
    papers = {}
    for key, (title, confidence) in PAPERS.items():
        papers[key] = listed_paper(topic, title=title, confidence=confidence)
    Paper.objects.filter(pk=papers["protein"].pk).update(summary_zh_human="蛋白质折叠的扩散模型。")
    PaperAuthor.objects.filter(paper=papers["robot"], position=1).update(name="Émilie du Châtelet")
    page_publish(topic)
    return f"{live_server.url}/topics/llm/{DAY}/"


@pytest.fixture
def page(browser_page, live_server):
    """The reader's page in English (the panel's words are the msgids until the .po has them)."""
    browser_page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    return browser_page


def titles(page) -> list[str]:
    return page.locator("article.paper-card .paper-title").all_inner_texts()


def marked(page) -> list[str]:
    return page.locator("article.paper-card.is-highlighted .paper-title").all_inner_texts()


def panel_open(page) -> None:
    page.locator("details.highlights > summary").click()


def highlight_add(page, term: str, kind: str) -> None:
    page.get_by_label("Keyword or author name").fill(term)
    page.get_by_role("button", name=f"Add {kind}").click()


def test_two_keywords_mark_their_cards_on_the_cached_page(page, topic_day):
    page.goto(topic_day)
    first_order = titles(page)
    panel_open(page)
    highlight_add(page, "llm", "keyword")
    highlight_add(page, "蛋白质", "keyword")
    # Behind the page cache's back (no publish event): a page built anew would show this.
    Paper.objects.filter(title=TITLES["robot"]).update(title="Changed after caching")

    page.reload()

    assert TITLES["robot"] in titles(page)  # served from the page cache
    assert sorted(marked(page)) == sorted([TITLES["llm"], TITLES["protein"]])
    assert page.locator("[data-highlights-count]").inner_text() == "2"
    llm_card = page.locator("article.paper-card", has_text=TITLES["llm"])
    assert llm_card.locator(".highlight-mark").inner_text() == "★ Highlighted: llm"
    panel_open(page)
    screenshot(page, "highlights-topic-day")

    page.get_by_label("Show highlighted first").check()
    assert first_order == [TITLES[key] for key in ("hallmark", "robot", "protein", "llm")]
    assert titles(page) == [TITLES[key] for key in ("protein", "llm", "hallmark", "robot")]
    page.get_by_label("Show highlighted first").uncheck()
    assert titles(page) == first_order

    page.get_by_role("button", name="Remove keyword llm").click()
    assert marked(page) == [TITLES["protein"]]
    assert llm_card.locator(".highlight-mark").count() == 0
    assert page.console_errors == []


def test_show_first_is_remembered_across_pages(page, topic_day):
    page.goto(topic_day)
    panel_open(page)
    highlight_add(page, "grasping", "keyword")
    page.get_by_label("Show highlighted first").check()

    page.reload()

    assert titles(page)[0] == TITLES["robot"]
    panel_open(page)
    assert page.get_by_label("Show highlighted first").is_checked()


def test_an_author_highlight_marks_that_authors_card_only(page, topic_day):
    page.goto(topic_day)
    panel_open(page)

    highlight_add(page, "emilie du CHATELET", "author")

    assert marked(page) == [TITLES["robot"]]
    mark = page.locator("article.is-highlighted .highlight-mark")
    assert mark.inner_text() == "★ Highlighted: emilie du CHATELET"
    highlight_add(page, "Emilie", "author")  # part of a name is not the author
    assert marked(page) == [TITLES["robot"]]
    assert page.console_errors == []


def test_highlights_from_storage_mark_the_digest_too(page, topic_day, live_server):
    page.goto(topic_day)
    page.evaluate(
        """localStorage.setItem("arxdaily.highlights.v1",
           JSON.stringify({keywords: ["LLMs"], authors: [], first: false}))"""
    )

    page.goto(f"{live_server.url}/{DAY}/")

    brief = page.locator("li.paper-brief.is-highlighted")
    assert brief.count() == 1
    assert brief.locator(".brief-title").inner_text() == TITLES["llm"]


def test_malformed_storage_is_ignored(page, topic_day):
    page.goto(topic_day)
    page.evaluate("""localStorage.setItem("arxdaily.highlights.v1", '{"keywords": 7, "x"')""")

    page.reload()
    panel_open(page)
    highlight_add(page, "robot", "keyword")

    assert marked(page) == [TITLES["robot"]]
    assert page.console_errors == []


def test_without_storage_the_panel_says_so(page, topic_day):
    page.add_init_script(
        """Object.defineProperty(window, "localStorage", {
             get() { throw new DOMException("denied", "SecurityError"); }
           });"""
    )
    page.goto(topic_day)
    panel_open(page)

    assert page.get_by_text("This browser does not let the page keep highlights").is_visible()
    assert page.get_by_label("Keyword or author name").is_disabled()
    assert page.console_errors == []


JOINED = {
    "hyphen": "Retrieval-augmented grasping",
    "em dash": "Retrieval\u2014augmented folding",
    "slash": "Retrieval/augmented planning",
    "space": "Retrieval augmented search",
    "inside a word": "Preretrieval augmented caches",
}


@pytest.fixture
def joined_day(live_server):
    """A published topic day whose titles join two words in different ways."""
    topic = TopicFactory(slug="rag", name_en="Retrieval")
    for title in JOINED.values():
        listed_paper(topic, title=title)
    page_publish(topic)
    return f"{live_server.url}/topics/rag/{DAY}/"


@pytest.mark.parametrize(
    "keyword", ["retrieval augmented", "Retrieval-Augmented", "retrieval\u2013augmented"]
)
def test_punctuation_between_letters_counts_as_a_space(page, joined_day, keyword):
    page.goto(joined_day)
    panel_open(page)

    highlight_add(page, keyword, "keyword")

    expected = [JOINED[key] for key in ("hyphen", "em dash", "slash", "space")]
    assert sorted(marked(page)) == sorted(expected)
    assert page.console_errors == []
