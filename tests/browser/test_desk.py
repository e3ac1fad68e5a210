"""The triage desk in real Chromium, driven by its keys: decide 20 candidates, edit a Chinese
title, accept the rest above the threshold, publish; readers then see exactly the accepted."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from papers.models import Paper, TopicHit
from tests.browser.conftest import VIEWPORTS, log_in, screenshot
from tests.factories import TopicFactory
from tests.site_data import listed_paper

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 4, 27)
TITLE = "编辑改写的中文标题"


def candidates(topic, count: int) -> list[TopicHit]:
    """`count` undecided candidates, confidence 0.99, 0.98, … (the desk's order)."""
    papers = [
        listed_paper(
            topic,
            day=DAY,
            state=TopicHit.ReviewState.SUGGESTED,
            confidence=round(0.99 - n / 100, 2),
            reviewed=False,
            title=f"Candidate paper number {n} on language models",
            title_zh_machine=f"候选论文 {n}",
        )
        for n in range(count)
    ]
    return [paper.topic_hits.get() for paper in papers]


def width_fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_editor_triages_a_day_by_keyboard_and_publishes(live_server, browser_page, chief_editor):
    topic = TopicFactory(slug="llm", name_zh="大语言模型", confidence_threshold=0.75)
    hits = candidates(topic, 30)  # 0.99 … 0.70: after the 20 decided, 5 at or above 0.75
    page = browser_page
    log_in(page, live_server, chief_editor)
    page.goto(f"{live_server.url}/admin/")
    page.click("a[href='/admin/desk/']")
    page.wait_for_url(f"{live_server.url}/admin/desk/{topic.slug}/{DAY}/")
    assert page.locator(".desk-card").count() == 30
    assert width_fits(page)
    screenshot(page, "desk-desktop")

    page.keyboard.press("?")
    assert page.locator("#desk-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#desk-help").is_visible()

    decisions = ["r" if n % 4 == 3 else "a" for n in range(20)]
    for key in decisions:
        page.keyboard.press(key)
    # 20 decisions are 20 requests in a row: on a loaded machine (two suites on two cores)
    # they take longer than Playwright's default 5 s.
    expect(page.locator("[data-desk-decided]")).to_have_text("20", timeout=30_000)
    page.wait_for_selector(".desk-card[aria-busy]", state="detached")

    edited = hits[22]  # the desk has moved on to the 21st; two down
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.keyboard.type(TITLE)  # replaces the selected machine title
    page.keyboard.press("Enter")
    title = page.locator(f"#card-{edited.pk} .desk-title-zh")
    title.filter(has_text=TITLE).wait_for()

    page.focus("#desk-accept-confident")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messagelist .success")
    page.focus("#desk-publish")
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-published")
    assert width_fits(page)
    screenshot(page, "desk-desktop-published")
    page.set_viewport_size(VIEWPORTS["phone"])
    screenshot(page, "desk-phone")
    assert page.console_errors == []

    accepted = [hit for hit in hits[:20] if decisions[hits.index(hit)] == "a"] + hits[20:25]
    expected = {hit.paper_id for hit in accepted}
    states = dict(TopicHit.objects.values_list("paper_id", "review_state"))
    assert {paper for paper, state in states.items() if state == "accepted"} == expected
    # One history row per decision, each naming the editor.
    decided = TopicHit.history.filter(history_type="~", history_user=chief_editor)
    assert sorted(decided.values_list("id", flat=True)) == sorted(h.pk for h in hits[:25])
    edits = Paper.history.filter(id=edited.paper_id, title_zh_human=TITLE, history_type="~")
    assert edits.earliest("history_date").history_user == chief_editor

    # What readers now see: exactly the accepted papers.
    page.context.clear_cookies()
    for name, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/topics/{topic.slug}/{DAY}/")
        shown = page.eval_on_selector_all("article.paper-card", "cards => cards.map(c => c.id)")
        assert sorted(shown) == sorted(f"paper-{paper_id}" for paper_id in expected)
        screenshot(page, f"desk-topic-day-{name}")
    assert page.console_errors == []
