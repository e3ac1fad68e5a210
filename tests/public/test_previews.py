"""Issue 19, kind 1: fields without a size limit (thousands of authors, long comments) are
bounded previews on cards, in feed items and in API lists, whole on the paper page and in the
API's paper detail."""

import re

import feedparser
import pytest

from papers.models import PaperAuthor
from public.previews import AUTHORS_MATCHED, AUTHORS_SHOWN, COMMENTS_CHARS, text_preview
from tests.factories import TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

AUTHORS = 3000
COMMENTS = "Accepted at a workshop. " + "Appendix with every ablation we ran. " * 500


@pytest.fixture
def collaboration():
    """A published paper with 3,000 authors and a comment of 18,000 characters."""
    topic = TopicFactory(slug="llm")
    names = [f"Physicist {n:04d}" for n in range(AUTHORS)]
    paper = listed_paper(topic, authors_text=", ".join(names), comments=COMMENTS)
    PaperAuthor.objects.filter(paper=paper).delete()
    PaperAuthor.objects.bulk_create(
        PaperAuthor(paper=paper, position=n, name=name) for n, name in enumerate(names)
    )
    page_publish(topic)
    return paper, names


def test_card_shows_ten_authors_and_a_link_to_the_rest(client, collaboration):
    paper, names = collaboration

    body = client.get(f"/topics/llm/{DAY}/").content.decode()

    shown = re.search(r'<p class="authors">(.*?)</p>', body).group(1)
    assert ", ".join(names[:AUTHORS_SHOWN]) in shown
    assert names[AUTHORS_SHOWN] not in shown
    assert f'<a class="more" href="/papers/{paper.arxiv_id}/">+{AUTHORS - AUTHORS_SHOWN} ' in body
    assert text_preview(COMMENTS, COMMENTS_CHARS) in body
    assert COMMENTS not in body


def test_card_gives_author_highlights_a_bounded_list_of_names(client, collaboration):
    _paper, names = collaboration

    body = client.get(f"/topics/llm/{DAY}/").content.decode()

    matched = "\n".join(names[:AUTHORS_MATCHED])
    assert f'data-authors="{matched}"' in body
    assert names[AUTHORS_MATCHED] not in body


def test_paper_page_shows_every_author_and_the_whole_comment(client, collaboration):
    paper, names = collaboration

    body = client.get(f"/papers/{paper.arxiv_id}/").content.decode()

    assert ", ".join(names) in body
    assert COMMENTS.strip() in body


@pytest.mark.parametrize("url", ["/topics/llm/rss.xml", "/topics/llm/atom.xml", "/feeds/all.xml"])
def test_feed_item_names_ten_authors_and_how_many_there_are(client, collaboration, url):
    _paper, names = collaboration

    entry = feedparser.parse(client.get(url, headers={"accept-language": "en"}).content).entries[0]
    chinese = feedparser.parse(client.get(url, headers={"accept-language": "zh-hans"}).content)

    line = f"{', '.join(names[:AUTHORS_SHOWN])} et al. ({AUTHORS} authors)"
    assert entry.author == line
    assert line in entry.summary
    assert (
        chinese.entries[0].author == f"{', '.join(names[:AUTHORS_SHOWN])} 等（共 {AUTHORS} 位作者）"
    )


def test_api_lists_give_ten_authors_and_the_count_and_the_detail_gives_all(client, collaboration):
    paper, names = collaboration

    listed = client.get("/api/v1/papers").json()["items"][0]
    on_day = client.get(f"/api/v1/topics/llm/days/{DAY}").json()["papers"][0]
    detail = client.get(f"/api/v1/papers/{paper.arxiv_id}").json()

    for item in (listed, on_day):
        assert item["authors"] == names[:AUTHORS_SHOWN]
        assert item["author_count"] == AUTHORS
        assert len(item["authors_text"]) <= 400
    assert detail["authors"] == names
    assert detail["author_count"] == AUTHORS
    assert detail["authors_text"] == ", ".join(names)
    assert detail["comments"] == COMMENTS


@pytest.mark.parametrize(
    ("text", "limit", "preview"),
    [
        ("short", 10, "short"),
        ("one two three four", 10, "one two…"),
        ("x" * 20, 10, "x" * 9 + "…"),
    ],
)
def test_text_preview_cuts_at_a_word_within_the_limit(text, limit, preview):
    assert text_preview(text, limit) == preview
    assert len(preview) <= limit
