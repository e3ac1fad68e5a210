"""The whole editorial loop in real Chromium: queue → accept a hit → edit Chinese → publish →
the public page."""

import datetime as dt

import pytest

from papers.models import DailyPage, TopicHit
from tests.browser.conftest import screenshot
from tests.factories import AnnouncementFactory, PaperFactory, TopicFactory, TopicHitFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 4, 27)
SUMMARY = "编辑改写的中文总结：本文研究大语言模型。"


def test_editor_reviews_and_publishes_a_day(live_server, browser_page, chief_editor):
    topic = TopicFactory(name_zh="大语言模型")
    paper = PaperFactory(title="Scaling laws for tiny language models")
    AnnouncementFactory(paper=paper, announce_date=DAY)
    hit = TopicHitFactory(paper=paper, topic=topic, confidence=0.72)
    page = browser_page

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", chief_editor.username)
    page.fill("#id_password", "pw-for-tests")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/papers/reviewqueuepaper/")
    page.click(f"text={paper.arxiv_id}")
    page.select_option("select[name='topic_hits-0-review_state']", TopicHit.ReviewState.ACCEPTED)
    page.fill("textarea[name='summary_zh_human']", SUMMARY)
    screenshot(page, "editorial-paper-review")
    page.click("input[name='_continue']")
    page.wait_for_selector(".messagelist .success")
    hit.refresh_from_db()
    assert hit.review_state == TopicHit.ReviewState.ACCEPTED

    page.goto(f"{live_server.url}/admin/papers/dailypage/")
    page.click(f"th.field-topic a:has-text('{topic.name_zh}')")
    page.click("button[name='_publish']")
    page.wait_for_selector(".messagelist .success")
    assert DailyPage.objects.get(topic=topic, announce_date=DAY).status == "published"

    page.click("text=后台预览 / admin preview")
    entry = page.locator(f"[data-arxiv-id='{paper.arxiv_id}']")
    assert entry.locator(".preview-summary").inner_text() == SUMMARY
    assert page.locator(".preview-banner").inner_text().startswith("已发布")
    screenshot(page, "editorial-day-preview")
    assert page.console_errors == []

    # What readers now see: the public topic day carries the editor's summary.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/topics/{topic.slug}/{DAY}/")
    card = page.locator(f"#paper-{paper.pk}")
    assert card.locator(".summary").inner_text().strip() == SUMMARY
    screenshot(page, "editorial-day-public")
    assert page.console_errors == []
