"""Public pages: only published content, weekends and holidays, previews, caching."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.models import Announcement, TopicHit
from tests.factories import (
    InstitutionFactory,
    PaperInstitutionFactory,
    PaperVersionFactory,
    RegistryInstitutionFactory,
    SubtopicFactory,
    TopicFactory,
    UserFactory,
)
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_home_shows_the_latest_day_with_each_published_topics_papers(client):
    llm, vision = TopicFactory(name_zh="语言大模型"), TopicFactory(name_zh="视觉")
    listed_paper(llm, title="Reviewed paper", title_zh_machine="已审中文标题", confidence=0.9)
    listed_paper(llm, title="Unreviewed paper", title_zh_machine="未审机器标题", reviewed=False)
    listed_paper(vision, title="Draft-only paper", day=DAY + dt.timedelta(days=1))
    page_publish(llm)
    page_draft(vision, DAY + dt.timedelta(days=1))

    body = html(client.get("/"))

    assert "2026-04-27" in body and "2 篇" in body and "cs.CL, cs.AI, cs.LG" in body
    assert body.index("已审中文标题") < body.index("Unreviewed paper")  # the page's order
    assert "Reviewed paper" not in body  # a Chinese reader gets the Chinese title
    assert "未审机器标题" not in body and "尚未翻译 / not yet translated" in body
    assert "本文研究大语言模型的蒸馏。" in body  # the reviewed one-line summary
    assert "视觉" not in body and "Draft-only paper" not in body and "2026-04-28" not in body


def test_home_in_english_shows_english_titles(client):
    topic = TopicFactory()
    listed_paper(topic, title="Reviewed paper", title_zh_machine="已审中文标题")
    page_publish(topic)

    body = html(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Reviewed paper" in body and "已审中文标题" not in body
    assert "1 paper<" in body and "not yet translated" not in body


def test_home_without_anything_published_says_so(client):
    listed_paper(TopicFactory())
    assert "尚未发布任何内容" in html(client.get("/"))


def test_date_page_links_previous_and_next_published_days_skipping_gaps(client):
    topic = TopicFactory()
    for day in (dt.date(2026, 4, 23), DAY, dt.date(2026, 4, 30)):
        listed_paper(topic, day=day)
        page_publish(topic, day)
    page_draft(topic, dt.date(2026, 4, 29))

    body = html(client.get("/2026-04-27/"))

    assert 'rel="prev" href="/2026-04-23/"' in body
    assert 'rel="next" href="/2026-04-30/"' in body


@pytest.mark.parametrize("date", ["2026-04-25", "2026-11-26"], ids=["saturday", "thanksgiving"])
def test_day_without_arxiv_listing_says_so_and_links_nearest_day(client, date):
    topic = TopicFactory()
    for day in (DAY, dt.date(2026, 11, 25)):
        listed_paper(topic, day=day)
        page_publish(topic, day)

    response = client.get(f"/{date}/")

    assert response.status_code == 200
    assert "arXiv 当天没有发布新论文" in html(response)
    nearest = "2026-04-27" if date == "2026-04-25" else "2026-11-25"
    assert f'href="/{nearest}/"' in html(response)


def test_weekday_without_published_page_is_not_found(client):
    topic = TopicFactory()
    listed_paper(topic)
    page_draft(topic)

    response = client.get("/2026-04-27/")

    assert response.status_code == 404
    assert "A study of large language models" not in html(response)


def test_impossible_date_is_not_found(client):
    assert client.get("/2026-02-30/").status_code == 404


def test_topic_day_shows_accepted_papers_with_full_cards(client):
    topic = TopicFactory(slug="llm")
    sub = SubtopicFactory(topic=topic, name_zh="后训练")
    paper = listed_paper(
        topic,
        subtopic=sub,
        comments="Ongoing work",
        title_zh_human="在线策略蒸馏综述",
        announce_type=Announcement.Type.REPLACE,
        version=2,
    )
    PaperInstitutionFactory(
        paper=paper,
        institution=RegistryInstitutionFactory(name="Tencent", name_zh="腾讯"),
    )
    rejected = listed_paper(topic, state=TopicHit.ReviewState.REJECTED, title="Rejected one")
    suggested = listed_paper(topic, state=TopicHit.ReviewState.SUGGESTED, title="Suggested one")
    page_publish(topic)

    body = html(client.get("/topics/llm/2026-04-27/"))

    assert f"arXiv:{paper.arxiv_id}v2" in body
    assert f"https://arxiv.org/pdf/{paper.arxiv_id}v2" in body
    assert "版本更新" in body
    assert "在线策略蒸馏综述" in body
    assert '<span lang="zh-Hans">腾讯</span> <span lang="en">Tencent</span>' in body
    assert "后训练" in body and "标题提到大语言模型" in body
    assert "本文研究大语言模型的蒸馏。" in body
    assert "Ongoing work" in body
    assert "<details" in body and "我们研究大语言模型中的" in body
    assert "80%" in body
    assert rejected.title not in body and suggested.title not in body


def test_topic_day_shows_how_papers_spread_over_subtopics(client):
    topic = TopicFactory(slug="llm")
    alignment = SubtopicFactory(topic=topic, name_zh="对齐")
    for _ in range(2):
        listed_paper(topic, subtopic=alignment)
    listed_paper(topic)
    page_publish(topic)

    assert "对齐 2 · 其他 1" in html(client.get("/topics/llm/"))


def test_topic_latest_page_is_its_newest_published_day(client):
    topic = TopicFactory(slug="llm")
    old = listed_paper(topic, day=dt.date(2026, 4, 24), title="Older paper")
    new = listed_paper(topic, title="Newer paper")
    page_publish(topic, dt.date(2026, 4, 24))
    page_publish(topic)
    listed_paper(topic, day=dt.date(2026, 4, 28), title="Draft day paper")
    page_draft(topic, dt.date(2026, 4, 28))

    body = html(client.get("/topics/llm/"))

    assert new.title in body
    assert old.title not in body and "Draft day paper" not in body
    assert 'type="application/rss+xml"' in body and "/topics/llm/rss.xml" in body


def test_unreviewed_chinese_text_is_not_shown(client):
    topic = TopicFactory(slug="llm")
    listed_paper(topic, reviewed=False)
    page_publish(topic)

    body = html(client.get("/topics/llm/2026-04-27/"))

    assert "大语言模型研究" not in body
    assert "本文研究大语言模型的蒸馏" not in body
    assert body.count("尚未翻译 / not yet translated") == 3
    assert 'We study <span class="math">x&lt;y</span> in large language models' in body


def test_draft_topic_day_is_hidden_from_readers(client):
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic)
    page_draft(topic)

    response = client.get("/topics/llm/2026-04-27/")

    assert response.status_code == 404
    assert paper.title not in html(response)


def test_topic_day_on_holiday_says_arxiv_did_not_announce(client):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    page_publish(topic)

    response = client.get("/topics/llm/2026-01-01/")

    assert response.status_code == 200
    assert "arXiv 当天没有发布新论文" in html(response)
    assert 'href="/topics/llm/2026-04-27/"' in html(response)


def _previewer(client):
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_dailypage"))
    client.force_login(editor)


def test_editor_previews_a_draft_privately(client):
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic)
    listed_paper(topic, state=TopicHit.ReviewState.SUGGESTED, title="Only suggested")
    page_draft(topic)
    _previewer(client)

    response = client.get("/topics/llm/2026-04-27/?preview=1")

    assert response.status_code == 200
    assert paper.title in html(response) and "Only suggested" not in html(response)
    assert 'class="preview-banner"' in html(response)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert client.get("/topics/llm/2026-04-27/").status_code == 404


def test_preview_needs_login_and_permission(client):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    page_draft(topic)

    assert client.get("/topics/llm/2026-04-27/?preview=1").status_code == 302
    client.force_login(UserFactory(username="reader"))
    assert client.get("/topics/llm/2026-04-27/?preview=1").status_code == 403


def test_paper_page_shows_published_paper_with_all_versions(client):
    topic = TopicFactory(slug="llm")
    paper = listed_paper(topic, version=2)
    PaperVersionFactory(paper=paper, version=1)
    PaperVersionFactory(paper=paper, version=2, abstract_changed=True)
    page_publish(topic)

    body = html(client.get(f"/papers/{paper.arxiv_id}/"))

    assert f"{paper.arxiv_id}v1" in body and f"{paper.arxiv_id}v2" in body
    assert "摘要有改动" in body
    assert 'href="/topics/llm/2026-04-27/"' in body


def test_paper_page_of_legacy_id_with_slash(client):
    topic = TopicFactory()
    paper = listed_paper(topic, arxiv_id="hep-th/9901001")
    page_publish(topic)

    response = client.get("/papers/hep-th/9901001/")

    assert response.status_code == 200
    assert paper.title in html(response)


def test_versioned_paper_url_redirects_to_the_paper(client):
    assert client.get("/papers/2604.00626v3/")["Location"] == "/papers/2604.00626/"


def test_unpublished_paper_is_not_found(client):
    draft_topic, published_topic = TopicFactory(), TopicFactory()
    paper = listed_paper(draft_topic)
    page_draft(draft_topic)
    rejected = listed_paper(published_topic, state=TopicHit.ReviewState.REJECTED)
    page_publish(published_topic)

    assert client.get(f"/papers/{paper.arxiv_id}/").status_code == 404
    assert client.get(f"/papers/{rejected.arxiv_id}/").status_code == 404


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_untrusted_text_is_escaped_everywhere_on_the_card(client):
    topic = TopicFactory(slug="llm")
    paper = listed_paper(
        topic,
        title=f"Title {XSS}",
        abstract=f"Abstract {XSS}",
        comments=f"Comment {XSS}",
        title_zh_human=f"标题 {XSS}",
        summary_zh_human=f"总结 {XSS}",
        abstract_zh_human=f"摘要 {XSS}",
    )
    author = paper.authors.first()
    author.name = f"Author {XSS}"
    author.save()
    PaperInstitutionFactory(paper=paper, institution=InstitutionFactory(name=f"Inst {XSS}"))
    TopicHit.objects.filter(paper=paper).update(reason=f"理由 {XSS}")
    page_publish(topic)

    for url in ("/topics/llm/2026-04-27/", f"/papers/{paper.arxiv_id}/"):
        body = html(client.get(url))
        assert "<script>alert" not in body and "<img src=x" not in body
        assert body.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 9


def _topic_day_with(count: int, topic=None) -> str:
    topic = topic or TopicFactory()
    subtopic = SubtopicFactory(topic=topic)
    for _ in range(count):
        listed_paper(topic, subtopic=subtopic)
    page_publish(topic)
    return f"/topics/{topic.slug}/2026-04-27/"


def _queries_per_page(client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        cache.delete_pattern("*")  # this run's keys only, not the shared Redis db
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_page_query_counts_are_the_same_for_10_and_200_papers(client):
    topic = TopicFactory()
    url = _topic_day_with(10, topic)
    first = topic.hits.order_by("paper__arxiv_id").first().paper
    pages = [
        url,
        "/2026-04-27/",
        "/",
        "/search/?q=language",
        f"/topics/{topic.slug}/",
        f"/papers/{first.arxiv_id}/",
        f"/topics/{topic.slug}/rss.xml",
        "/feeds/all.xml",
    ]
    with_10 = _queries_per_page(client, pages)

    _topic_day_with(190, topic)
    with_200 = _queries_per_page(client, pages)

    assert with_200 == with_10
    assert with_10[url] <= 7  # the topic day (target: at most 8)
    assert max(with_10.values()) <= 8


def test_cached_page_needs_no_queries_and_answers_conditional_requests(
    client, django_assert_num_queries
):
    url = _topic_day_with(3)
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert not first.cookies and not again.cookies  # nothing per reader: one page for all
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_english_interface_on_request(client):
    topic = TopicFactory(slug="llm")
    listed_paper(topic)
    page_publish(topic)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/topics/llm/"})
    body = html(client.get(response["Location"]))

    assert "Institutions" in body and "发表机构" not in body
    assert "简体中文" in body
