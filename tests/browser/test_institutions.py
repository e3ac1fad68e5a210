"""Institutions in real Chromium: a card and an institution page at 1280 and 390 px, long
names included, with nothing wider than the window and every name visible."""

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, screenshot
from tests.factories import (
    InstitutionFactory,
    PaperInstitutionFactory,
    RegistryInstitutionFactory,
    TopicFactory,
)
from tests.site_data import listed_paper, page_publish

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
LONG_NAME = "Shenzhen Institute of Advanced Technology, Chinese Academy of Sciences"


@pytest.fixture
def institutions_day():
    topic = TopicFactory(slug="llm", name_zh="语言大模型 / LLM")
    paper = listed_paper(topic, title="Reinforcement-aware distillation", arxiv_id="2604.00700")
    matched = [
        RegistryInstitutionFactory(
            name="Tsinghua University", name_zh="清华大学", ror_id="03cve4549", country="CN"
        ),
        RegistryInstitutionFactory(
            name=LONG_NAME, name_zh="中国科学院深圳先进技术研究院", name_zh_source="editor"
        ),
        RegistryInstitutionFactory(name="Tencent", name_zh="腾讯"),
    ]
    for position, institution in enumerate(matched, start=10):
        PaperInstitutionFactory(paper=paper, institution=institution, position=position)
    PaperInstitutionFactory(
        paper=paper, institution=InstitutionFactory(name="Dept. of Magic"), position=20
    )
    page_publish(topic)
    return matched[0]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_card_and_institution_page_fit_the_window(
    live_server, browser_page, institutions_day, width
):
    page = browser_page
    page.set_viewport_size(VIEWPORTS[width])

    page.goto(f"{live_server.url}/topics/llm/2026-04-27/")
    card = page.locator("article.paper-card", has_text="Reinforcement-aware distillation")
    names = card.locator(".institutions li")
    # listed_paper links an unmatched "University N" first; then the three matched, and ours.
    assert names.count() == 5
    for index in range(5):
        assert names.nth(index).is_visible()
    assert card.locator(".institutions a").all_inner_texts() == [
        "清华大学 Tsinghua University",
        f"中国科学院深圳先进技术研究院 {LONG_NAME}",
        "腾讯 Tencent",
    ]
    assert card.locator(".as-written", has_text="Dept. of Magic").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, f"institution-day-{width}")
    card.screenshot(path=str(ARTIFACTS / f"institution-card-{width}.png"))

    card.get_by_role("link", name="清华大学 Tsinghua University").click()
    page.wait_for_url(f"**/institutions/{institutions_day.pk}/")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "清华大学 Tsinghua University"
    assert heading.is_visible()
    assert page.locator("article.paper-card").count() == 1
    assert page.get_by_role("link", name="ROR 03cve4549").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, f"institution-page-{width}")
    assert page.console_errors == []
