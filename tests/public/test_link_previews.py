"""Link previews: Open Graph and Twitter card tags on paper, date and topic-day pages, in the
page's language, with absolute addresses on SITE_URL and only published text."""

import lxml.html
import pytest

from papers.models import Paper
from public.previews import LINK_PREVIEW_CHARS
from tests.factories import TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

SITE = "https://arxdaily.example"
HOSTILE = 'Evil "quoted" title\'s <script>alert(1)</script> & </title><meta name="x">'


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def topic():
    return TopicFactory(name_zh="语言大模型", name_en="Large language models")


def _preview(client, url: str, language: str) -> tuple[dict[str, str], str]:
    """The page's og:* and twitter:* tags by name, and its raw HTML."""
    response = client.get(url, headers={"accept-language": language})
    tree = lxml.html.fromstring(response.content)
    tags = {}
    for meta in tree.xpath("//head/meta"):
        name = meta.get("property") or meta.get("name") or ""
        if name.startswith(("og:", "twitter:")):
            tags[name] = meta.get("content")
    return tags, response.content.decode()


def test_paper_preview_is_chinese_on_a_chinese_page(client, topic):
    paper = listed_paper(topic, summary_en="We distil large language models.")
    page_publish(topic)
    tags, body = _preview(client, f"/papers/{paper.arxiv_id}/", "zh-hans")
    assert tags["og:type"] == "article"
    assert tags["og:title"] == tags["twitter:title"] == "大语言模型研究"
    assert tags["og:description"] == tags["twitter:description"] == "本文研究大语言模型的蒸馏。"
    assert tags["og:locale"] == "zh_CN"
    assert tags["og:url"] == f"{SITE}/papers/{paper.arxiv_id}/"
    assert tags["og:site_name"] == "arxdaily" and tags["twitter:card"] == "summary"
    assert lxml.html.fromstring(body).findtext(".//title").startswith("大语言模型研究")


def test_paper_preview_is_english_on_an_english_page(client, topic):
    paper = listed_paper(topic, summary_en="We distil large language models.")
    page_publish(topic)
    tags, _ = _preview(client, f"/papers/{paper.arxiv_id}/", "en")
    assert tags["og:title"] == paper.title
    assert tags["og:description"] == "We distil large language models."
    assert tags["og:locale"] == "en_US"


def test_unreviewed_chinese_never_reaches_a_preview(client, topic):
    paper = listed_paper(topic, reviewed=False)
    page_publish(topic)
    tags, body = _preview(client, f"/papers/{paper.arxiv_id}/", "zh-hans")
    assert tags["og:title"] == paper.title
    assert "大语言模型研究" not in body and "本文研究" not in body


def test_without_a_summary_the_preview_is_the_abstracts_first_sentence_bounded(client, topic):
    first = "We study " + "very " * 60 + "long sentences."
    paper = listed_paper(topic, reviewed=False, abstract=f"{first}\nThen we stop. More.")
    short = listed_paper(topic, reviewed=False, abstract="Short one. Then\n another.")
    page_publish(topic)
    tags, _ = _preview(client, f"/papers/{paper.arxiv_id}/", "en")
    assert tags["og:description"].startswith("We study very very")
    assert tags["og:description"].endswith("…")
    assert len(tags["og:description"]) <= LINK_PREVIEW_CHARS
    tags, _ = _preview(client, f"/papers/{short.arxiv_id}/", "en")
    assert tags["og:description"] == "Short one."


def test_a_hostile_title_stays_inside_its_attribute(client, topic):
    paper = listed_paper(topic, reviewed=False, title=HOSTILE)
    page_publish(topic)
    tags, body = _preview(client, f"/papers/{paper.arxiv_id}/", "en")
    assert tags["og:title"] == tags["twitter:title"] == HOSTILE
    assert "<script>alert" not in body and '"quoted"' not in body
    tree = lxml.html.fromstring(body.encode())
    assert not tree.xpath('//meta[@name="x"]')
    citation_title = tree.xpath('//meta[@name="citation_title"]/@content')
    assert citation_title == [HOSTILE]


def test_date_page_preview_counts_the_days_papers_in_the_pages_language(client, topic):
    listed_paper(topic)
    listed_paper(topic)
    page_publish(topic)
    tags, _ = _preview(client, f"/{DAY}/", "en")
    assert tags["og:type"] == "website"
    assert tags["og:title"] == f"arxdaily · {DAY}"
    assert tags["og:description"] == "2 papers selected across all topics."
    assert tags["og:url"] == f"{SITE}/{DAY}/"
    zh_tags, _ = _preview(client, f"/{DAY}/", "zh-hans")
    assert zh_tags["og:locale"] == "zh_CN" and zh_tags["og:description"] != tags["og:description"]


def test_topic_day_preview_names_the_topic_in_the_pages_language(client, topic):
    listed_paper(topic)
    page_publish(topic)
    url = f"/topics/{topic.slug}/{DAY}/"
    en, _ = _preview(client, url, "en")
    zh, _ = _preview(client, url, "zh-hans")
    assert en["og:title"] == f"arxdaily · {DAY} · Large language models"
    assert zh["og:title"] == f"arxdaily · {DAY} · 语言大模型"
    assert en["og:description"].startswith(f"{DAY}: 1 paper")
    assert en["og:url"] == zh["og:url"] == f"{SITE}{url}"


def test_pages_without_published_content_have_no_preview(client, topic):
    listed_paper(topic)
    tags, _ = _preview(client, f"/{DAY}/", "en")
    assert tags == {}
    tags, _ = _preview(client, f"/topics/{topic.slug}/{DAY}/", "en")
    assert tags == {}
    assert not Paper.objects.published().exists()
