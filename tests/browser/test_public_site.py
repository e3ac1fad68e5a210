"""The reader site in real Chromium: desktop and phone, math typeset, no console errors."""

import pytest

from tests.browser.conftest import VIEWPORTS, screenshot
from tests.factories import (
    InstitutionFactory,
    PaperInstitutionFactory,
    SubtopicFactory,
    TopicFactory,
)
from tests.site_data import listed_paper, page_publish

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_day():
    topic = TopicFactory(slug="llm", name_zh="语言大模型 / LLM", name_en="Large language models")
    subtopic = SubtopicFactory(topic=topic, name_zh="后训练")
    paper = listed_paper(
        topic,
        subtopic=subtopic,
        title="On-policy distillation when $\\mathbb{R}^n$ meets $x<y$",
        title_zh_human="在线策略蒸馏综述",
        abstract="We bound the error by $O(n^2)$ and show $$\\sum_i x_i \\le 1.$$ <b>not bold</b>",
        comments="Ongoing work, 12 pages",
        arxiv_id="2604.00626",
    )
    PaperInstitutionFactory(
        paper=paper, institution=InstitutionFactory(name="Tencent", name_zh="腾讯")
    )
    for n in range(3):
        listed_paper(topic, title=f"A language model paper {n}", reviewed=n != 0)
    page_publish(topic)
    return paper


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_reader_pages_render_cleanly(live_server, browser_page, published_day, width):
    page = browser_page
    page.set_viewport_size(VIEWPORTS[width])

    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("2026-04-27")
    screenshot(page, f"home-{width}")

    page.get_by_role("link", name="语言大模型 / LLM").first.click()
    page.wait_for_url("**/topics/llm/2026-04-27/")
    card = page.locator("article.paper-card", has_text="在线策略蒸馏综述")
    assert card.locator(".paper-title .katex").count() == 2
    assert "<b>" not in card.locator(".abstract").last.inner_html()
    card.locator("summary").click()
    assert card.locator(".abstract .katex-display").is_visible()
    assert page.locator(".katex-error").count() == 0
    screenshot(page, f"topic-day-{width}")

    card.locator(".paper-title a").click()
    page.wait_for_url("**/papers/2604.00626/")
    assert page.get_by_role("heading", level=1).locator(".katex").count() == 2
    screenshot(page, f"paper-{width}")

    page.goto(f"{live_server.url}/search/")
    page.get_by_label("关键词").fill("策略蒸馏")
    page.get_by_role("button", name="搜索").click()
    assert page.locator("article.paper-card").count() == 1
    screenshot(page, f"search-{width}")

    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow)
    assert page.console_errors == []


def test_language_switch_to_english_and_back(live_server, browser_page, published_day):
    page = browser_page
    page.goto(f"{live_server.url}/topics/llm/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Institutions").first.is_visible()
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.get_by_text("发表机构").first.is_visible()
    assert page.console_errors == []


def test_keyboard_reaches_main_content_first(live_server, browser_page, published_day):
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_only_real_formulas_are_typeset(live_server, browser_page, published_day):
    """Issue 19: prose dollars, `\\$` and unbalanced delimiters stay text in Chromium."""
    topic = published_day.topic_hits.first().topic
    listed_paper(
        topic,
        title="Pricing $x$ with \\(y\\)",
        title_zh_human="定价",
        summary_zh_human="成本从 $5 到 $10；US\\$3 一次；$x 未闭合。",
        arxiv_id="2604.00627",
    )
    page = browser_page

    page.goto(f"{live_server.url}/papers/2604.00627/")

    heading = page.get_by_role("heading", level=1)
    assert heading.locator(".katex").count() == 2
    summary = page.locator(".summary")
    assert summary.locator(".katex").count() == 0
    assert summary.inner_text() == "成本从 $5 到 $10；US$3 一次；$x 未闭合。"
    assert page.console_errors == []
