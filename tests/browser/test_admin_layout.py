"""No editorial page is wider than a 1,280 px window: every admin's list, change and history
page, the review queue, the triage desk, the preview and the publishing and merging forms,
measured in Chromium with long real-world values (titles, author lists, affiliations, reasons)."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from papers.models import DailyPage, DailyPageEntry, EnrichmentRun, FrontMatter, IngestRun, TopicHit
from tests.browser.conftest import log_in, screenshot
from tests.factories import (
    AnnouncementFactory,
    DailyPageFactory,
    InstitutionAliasFactory,
    InstitutionFactory,
    PaperAuthorFactory,
    PaperFactory,
    PaperInstitutionFactory,
    PaperVersionFactory,
    SubtopicFactory,
    TopicFactory,
    TopicHitFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 4, 30)
TITLE = (
    "Towards Scalable, Verifiable and Interpretable Reasoning in Large Language Models: "
    "A Unified Framework for Test-Time Compute Allocation, Self-Consistency and Tool Use"
)
AFFILIATION = (
    "Department of Computer Science and Technology, Institute for Artificial Intelligence, "
    "Beijing National Research Center for Information Science and Technology, Tsinghua "
    "University, Haidian District, Beijing 100084, People's Republic of China"
)
REASON = "论文提出在测试时分配计算量的统一框架，直接涉及大语言模型的推理、自洽性与工具调用。" * 2
EDITORIAL_APPS = {"papers", "topics"}
# How many pixels the page is wider than the window, or a list's table wider than its box
# (the admin scrolls a wide list sideways, hiding its last columns).
CLIPPED = """Math.max(
    document.documentElement.scrollWidth - window.innerWidth,
    ...[...document.querySelectorAll('#changelist .results')].map(
        (box) => box.scrollWidth - box.clientWidth),
)"""


def _day_with_everything(editor):
    """One of each editorial row, with the longest values real papers have."""
    topic = TopicFactory(
        slug="llm",
        name_zh="语言大模型",
        name_en="Large language models",
        description_zh="大语言模型的训练、对齐、推理、评测与应用。",
        description_en="Training, alignment, reasoning, evaluation and use of LLMs.",
    )
    subtopic = SubtopicFactory(topic=topic, slug="reasoning", name_zh="推理", name_en="Reasoning")
    tsinghua = InstitutionFactory(name="Tsinghua University", name_zh="清华大学", country="CN")
    InstitutionAliasFactory(institution=tsinghua, name="Tsinghua Univ.")
    InstitutionFactory(name="Dept. of CS, Tsinghua", country="CN")
    paper = PaperFactory(
        title=TITLE,
        version=2,
        title_zh_machine="面向大语言模型的可扩展、可验证与可解释推理：" * 3,
        summary_zh_machine="本文提出统一框架。" * 20,
        authors_text=", ".join(f"Author Number{i} Longname" for i in range(40)),
        categories=["cs.CL", "cs.AI", "cs.LG", "stat.ML", "cs.IR", "cs.HC"],
        enrichment_flags={"title": ["英文术语 test-time compute 未译" * 3]},
    )
    for position in range(12):
        PaperAuthorFactory(
            paper=paper,
            position=position,
            name=f"Author Number{position} Longname-Doublebarrel",
            affiliation=AFFILIATION,
            institution=tsinghua if position % 2 else None,
        )
    PaperInstitutionFactory(paper=paper, institution=tsinghua, source_line=AFFILIATION)
    PaperVersionFactory(paper=paper, version=2, title=TITLE)
    AnnouncementFactory(paper=paper, announce_date=DAY, category="cs.CL")
    TopicHitFactory(paper=paper, topic=topic, subtopic=subtopic, confidence=0.87, reason=REASON)
    TopicHitFactory(
        paper=paper,
        topic=TopicFactory(name_zh="检索增强生成与问答系统", name_en="Retrieval and RAG"),
        confidence=0.41,
        reason=REASON,
        review_state=TopicHit.ReviewState.REJECTED,
    )
    FrontMatter.objects.create(paper=paper, version=2, error="HTTP 404 " * 30, url="https://x.org")
    daily_page = DailyPageFactory(
        topic=topic,
        announce_date=DAY,
        status="published",
        published_at=timezone.now(),
        published_by=editor,
        note="今日重点：" * 40,
    )
    DailyPageEntry.objects.create(page=daily_page, paper=paper, position=10)
    IngestRun.objects.create(announce_date=DAY, categories=["cs.CL", "cs.AI", "cs.LG"] * 5)
    EnrichmentRun.objects.create(backend="offline")
    return paper


def _editorial_urls():
    """Every editorial admin's list, and the change and history pages of its first row."""
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in EDITORIAL_APPS:
            continue
        name = f"admin:{opts.app_label}_{opts.model_name}"
        yield reverse(f"{name}_changelist")
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            yield reverse(f"{name}_change", args=[row.pk])
            yield reverse(f"{name}_history", args=[row.pk])


def _width(page, name: str) -> int:
    """How much the page or its list is too wide (0 or less: it fits), every collapsed section
    opened; screenshots it."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    screenshot(page, f"admin-1280-{name}")
    return page.evaluate(CLIPPED)


def test_no_editorial_page_is_wider_than_the_window(live_server, browser_page, chief_editor):
    paper = _day_with_everything(chief_editor)
    page = browser_page
    log_in(page, live_server, chief_editor)

    daily_page = DailyPage.objects.get()
    urls = [
        *_editorial_urls(),
        reverse("admin:papers_dailypage_publish_date"),
        reverse("admin:papers_dailypage_preview", args=[daily_page.pk]),
        reverse("admin:papers_reviewqueuepaper_change", args=[paper.pk]),
        reverse("desk:start"),
        reverse("desk:day", args=["llm", DAY.isoformat()]),
    ]
    too_wide = {}
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        assert page.locator("#content").count() == 1, url
        too_wide[url] = _width(page, url.strip("/").replace("/", "-"))

    page.goto(f"{live_server.url}{reverse('admin:papers_institution_changelist')}")
    for checkbox in page.locator("input.action-select").all()[:2]:
        checkbox.check()
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    page.wait_for_selector("[name=_merge]")
    too_wide["institution merge"] = _width(page, "institution-merge")

    assert {url: extra for url, extra in too_wide.items() if extra > 0} == {}
    assert page.console_errors == []
