"""Nothing an editor has not released reaches readers: sentinel words hidden in drafts, withdrawn
pages, rejected and suggested hits and unreviewed Chinese text are looked for in every public
page, feed, API endpoint and search. Each (response, sentinel) found is one leak."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from papers.models import DailyPage, TopicHit
from tests.factories import DailyPageFactory, TopicFactory
from tests.factories import TopicHitFactory as HitFactory
from tests.reliability.data import paper_with_text_everywhere
from tests.site_data import DAY, listed_paper, page_draft, page_publish

pytestmark = pytest.mark.django_db

AREA = "Draft leaks"
DRAFT_DAY, WITHDRAWN_DAY = DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)
SENTINELS = {
    "draft day": "Zqdraftday",
    "draft note": "Zqdraftnote",
    "draft of a topic never published": "Zqdrafttopic",
    "withdrawn page": "Zqwithdrawn",
    "rejected hit": "Zqrejected",
    "suggested hit": "Zqsuggested",
    "reason of a rejected hit": "Zqrejreason",
    "reason of a suggested hit": "Zqsugreason",
    "unreviewed Chinese": "未审Zqzh",
}
S = SENTINELS


def _hidden_paper(topic, word: str, **kwargs):
    return paper_with_text_everywhere(topic, word, label=f"{word} title", **kwargs)


def _world():
    llm = TopicFactory(slug="llm", name_zh="语言大模型", name_en="LLM")
    vision = TopicFactory(slug="vision", name_zh="视觉", name_en="Vision")
    agents = TopicFactory(slug="agents", name_zh="智能体", name_en="Agents")
    secret = TopicFactory(slug="secret", name_zh="未发布专题", name_en="Unpublished topic")
    public = listed_paper(llm, title="A public paper on language models")
    HitFactory(
        paper=public, topic=vision, review_state="rejected", reason=S["reason of a rejected hit"]
    )
    HitFactory(paper=public, topic=agents, reason=S["reason of a suggested hit"])
    listed_paper(vision, title="A public vision paper")
    listed_paper(agents, title="A public agents paper")
    _hidden_paper(llm, S["rejected hit"], state=TopicHit.ReviewState.REJECTED)
    _hidden_paper(llm, S["suggested hit"], state=TopicHit.ReviewState.SUGGESTED)
    unreviewed = listed_paper(
        llm,
        title="A public paper with unreviewed Chinese",
        reviewed=False,
        title_zh_machine=f"{S['unreviewed Chinese']}标题",
        summary_zh_machine=f"{S['unreviewed Chinese']}总结",
        abstract_zh_machine=f"{S['unreviewed Chinese']}摘要",
    )
    for topic in (llm, vision, agents):
        page_publish(topic)
    _hidden_paper(llm, S["draft day"], day=DRAFT_DAY)
    DailyPageFactory(topic=llm, announce_date=DRAFT_DAY, note=S["draft note"])
    _hidden_paper(secret, S["draft of a topic never published"])
    page_draft(secret)
    _hidden_paper(llm, S["withdrawn page"], day=WITHDRAWN_DAY)
    DailyPage.objects.create(
        topic=llm, announce_date=WITHDRAWN_DAY, status="draft", published_at=timezone.now()
    )
    return [llm, vision, agents, secret], unreviewed


def _urls(topics) -> list[str]:
    from papers.models import Paper

    days = [DAY, DRAFT_DAY, WITHDRAWN_DAY]
    urls = ["/", "/feeds/all.xml", "/feeds/topics.opml", "/search/", "/search/?q=language"]
    urls += ["/search/rss.xml?q=language", "/search/atom.xml?q=language"]
    urls += [f"/{day}/" for day in days] + [f"/{day}/bibtex" for day in days]
    for topic in topics:
        urls += [f"/topics/{topic.slug}/", f"/topics/{topic.slug}/rss.xml"]
        urls += [f"/topics/{topic.slug}/atom.xml"]
        urls += [f"/topics/{topic.slug}/{day}/" for day in days]
        urls += [f"/topics/{topic.slug}/{day}/?preview=1" for day in days]
        urls += [f"/topics/{topic.slug}/{day}/bibtex" for day in days]
        urls += [f"/api/v1/topics/{topic.slug}/days"]
        urls += [f"/api/v1/topics/{topic.slug}/days/{day}" for day in days]
        urls += [f"/search/?topic={topic.slug}", f"/api/v1/papers?topic={topic.slug}"]
        urls += [f"/search/rss.xml?topic={topic.slug}", f"/search/atom.xml?topic={topic.slug}"]
    urls += ["/api/v1/topics", "/api/v1/days", "/api/v1/days/latest", "/api/v1/papers"]
    urls += [f"/api/v1/days/{day}" for day in days]
    for arxiv_id in Paper.objects.values_list("arxiv_id", flat=True):
        urls += [f"/papers/{arxiv_id}/", f"/api/v1/papers/{arxiv_id}"]
        urls += [f"/papers/{arxiv_id}/bibtex"]
    for word in SENTINELS.values():
        urls += [f"/search/?q={word}", f"/api/v1/papers?q={word}"]
        urls += [f"/search/rss.xml?q={word}", f"/search/atom.xml?q={word}"]
        urls += [f"/search/?institution={word}", f"/api/v1/papers?institution={word}"]
    return urls


def _results(url: str, body: str) -> int:
    """Search hits for a sentinel query: each one found a hidden text."""
    if "q=Zq" not in url and "q=未审" not in url and "institution=" not in url:
        return 0
    if url.startswith("/api/"):
        return len(json.loads(body).get("items", []))
    if url.startswith("/search/rss.xml"):
        return body.count("<item>")
    if url.startswith("/search/atom.xml"):
        return body.count("<entry>")
    return body.count('class="paper-card')


def test_no_draft_reaches_a_public_page_feed_api_or_search(client, figure):
    topics, unreviewed = _world()
    urls = _urls(topics)
    leaks, responses = [], 0
    for language in ("zh-hans", "en"):
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code in (200, 302, 404), url
            body = response.content.decode()
            responses += 1
            # A search page echoes its own query: that word is judged by the results instead.
            leaks += [
                f"{url}: {name}"
                for name, word in SENTINELS.items()
                if word in body and f"={word}" not in url
            ]
            if _results(url, body):
                leaks.append(f"{url}: search result for a hidden text")

    figure(
        area=AREA,
        measure=f"hidden texts found in {responses} public responses",
        measured=len(leaks),
    )
    assert leaks == []
    # The crawl did see public content: the public papers are there.
    assert (
        "A public paper with unreviewed Chinese"
        in client.get(f"/topics/llm/{DAY}/").content.decode()
    )
    assert client.get(f"/api/v1/papers/{unreviewed.arxiv_id}").json()["title_zh"]["text"] is None
