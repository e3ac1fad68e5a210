"""Issue 19, kind 3: whatever form people write an arXiv id or a word in, it finds the paper,
on the paper URL, the API path, the site's search and the API's `q` alike."""

from urllib.parse import quote

import pytest
from django.db import connection

from papers.models import Paper
from public.matching import paper_text_q
from tests.factories import TopicFactory
from tests.site_data import listed_paper, page_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic():
    topic = TopicFactory(slug="llm")
    page_publish(topic)
    return topic


def _site_finds(client, q: str) -> set[str]:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return {paper.card["arxiv_id"] for paper in response.context["papers"]}


def _api_finds(client, q: str) -> set[str]:
    response = client.get("/api/v1/papers", {"q": q, "page_size": 100})
    assert response.status_code == 200, response.content
    return {item["arxiv_id"] for item in response.json()["items"]}


def _finds_both_ways(client, q: str) -> set[str]:
    site, api = _site_finds(client, q), _api_finds(client, q)
    assert site == api, q
    return site


# --- The example: hyphenated and spaced spellings find each other ---------------------------


def test_retrieval_augmented_finds_hyphenated_and_spaced_titles(client, topic):
    hyphen = listed_paper(topic, title="Retrieval-augmented generation for law")
    spaced = listed_paper(topic, title="Retrieval Augmented Generation at scale")
    listed_paper(topic, title="Augmented reality retrieval")  # the words, not the phrase

    assert _finds_both_ways(client, "retrieval-augmented") == {hyphen.arxiv_id, spaced.arxiv_id}
    assert _finds_both_ways(client, "Retrieval Augmented") >= {hyphen.arxiv_id, spaced.arxiv_id}


def test_chain_of_thought_finds_both_spellings(client, topic):
    hyphen = listed_paper(topic, title="Faithful chain-of-thought reasoning")
    spaced = listed_paper(topic, title="Chain of Thought prompting revisited")

    both = {hyphen.arxiv_id, spaced.arxiv_id}
    assert _finds_both_ways(client, "chain-of-thought") == both
    assert _finds_both_ways(client, '"chain of thought"') == both


# --- Beyond the example: every way of writing a word -----------------------------------------

# (query, whether it also wants the paper about vision, which says "results" nowhere)
SPELLINGS = [
    ("state-of-the-art", True),
    ('"state of the art"', True),  # unquoted, the words anywhere (websearch)
    ("State-Of-The-Art", True),
    ("state\u2010of\u2010the\u2010art", True),  # the Unicode hyphen PDFs carry
    ("state\u2011of\u2011the\u2011art", True),  # non-breaking hyphen
    ("ｓｔａｔｅ－ｏｆ－ｔｈｅ－ａｒｔ", True),  # full-width
    ('"state-of-the-art" results', False),
    ("state-of-the-art -vision", False),
]


@pytest.mark.parametrize(("q", "vision_too"), SPELLINGS)
def test_every_spelling_of_a_hyphenated_phrase_finds_every_spelling_in_papers(
    client, topic, q, vision_too
):
    papers = [
        listed_paper(topic, title="State-of-the-art results in translation"),
        listed_paper(topic, title="State of the art results, revisited"),
        listed_paper(
            topic, title="Results", abstract="We reach state\u2010of\u2010the\u2010art results."
        ),
    ]
    vision = listed_paper(topic, title="A vision state-of-the-art", abstract="Images.")
    listed_paper(topic, title="The art of stating results")  # the words, not the phrase

    expected = {paper.arxiv_id for paper in papers} | ({vision.arxiv_id} if vision_too else set())
    assert _finds_both_ways(client, q) == expected


CHINESE_QUERIES = [
    "语言模型 蒸馏",
    "语言模型\u3000蒸馏",  # the ideographic space of Chinese input methods
    "语言模型，蒸馏",  # full-width comma
    "语言模型、蒸馏。",
    "「蒸馏」《语言模型》",
    "ＬＬＭ 蒸馏",  # full-width Latin letters
    "llm　蒸馏",  # case
]


@pytest.mark.parametrize("q", CHINESE_QUERIES)
def test_chinese_queries_with_full_width_punctuation_and_spaces(client, topic, q):
    found = listed_paper(
        topic,
        title="Distillation",
        title_zh_human="LLM 的知识蒸馏",
        summary_zh_human="大语言模型。",
    )
    listed_paper(topic, title="Other", title_zh_human="图像分割", summary_zh_human="大语言模型。")

    assert _finds_both_ways(client, q) == {found.arxiv_id}


# --- Beyond the example: every written form of an arXiv id ----------------------------------

ID_FORMS = [
    ("2604.00626", "2604.00626"),
    ("2604.00626v2", "2604.00626"),
    ("2604.00626V2", "2604.00626"),
    ("arXiv:2604.00626", "2604.00626"),
    ("ARXIV:2604.00626v1", "2604.00626"),
    ("arXiv: 2604.00626", "2604.00626"),
    ("arXiv：２６０４．００６２６", "2604.00626"),
    ("arXiv:2604.00626 [cs.CL]", "2604.00626"),
    ("https://arxiv.org/abs/2604.00626v2", "2604.00626"),
    ("http://www.arxiv.org/abs/2604.00626", "2604.00626"),
    ("https://arxiv.org/pdf/2604.00626v2.pdf", "2604.00626"),
    ("https://arxiv.org/pdf/2604.00626", "2604.00626"),
    ("https://arxiv.org/html/2604.00626v2#S3", "2604.00626"),
    ("https://export.arxiv.org/abs/2604.00626?context=cs", "2604.00626"),
    ("arxiv.org/abs/2604.00626", "2604.00626"),
    ("https://doi.org/10.48550/arXiv.2604.00626", "2604.00626"),
    ("1401.2122", "1401.2122"),
    ("arXiv:1401.2122v3", "1401.2122"),
    ("hep-th/9901001", "hep-th/9901001"),
    ("hep-th/9901001v2", "hep-th/9901001"),
    ("arXiv:hep-th/9901001", "hep-th/9901001"),
    ("HEP-TH/9901001", "hep-th/9901001"),
    ("hep-th9901001", "hep-th/9901001"),
    ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
    ("math.GT/0309136", "math/0309136"),
    ("arXiv:math.GT/0309136v2", "math/0309136"),
    ("math/0309136", "math/0309136"),
    ("https://arxiv.org/pdf/math/0309136v1", "math/0309136"),
]


@pytest.fixture
def id_papers(topic):
    return {
        arxiv_id: listed_paper(topic, arxiv_id=arxiv_id, title=f"Paper {arxiv_id}")
        for arxiv_id in ("2604.00626", "1401.2122", "hep-th/9901001", "math/0309136")
    }


@pytest.mark.parametrize(("form", "arxiv_id"), ID_FORMS)
def test_every_written_id_form_resolves_on_url_api_path_and_search(
    client, id_papers, form, arxiv_id
):
    page = client.get(f"/papers/{quote(form, safe='/:')}/", follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1:] in ([], [(f"/papers/{arxiv_id}/", 301)])
    assert page.context["paper"].arxiv_id == arxiv_id

    api = client.get(f"/api/v1/papers/{quote(form, safe='/:')}")
    assert api.status_code == 200, api.content
    assert api.json()["arxiv_id"] == arxiv_id

    assert _finds_both_ways(client, form) == {arxiv_id}


# --- Still index-backed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "index"),
    [
        ("retrieval-augmented", "paper_search_vector_gin"),
        ('"chain of thought" -vision', "paper_search_vector_gin"),
        ("语言模型，蒸馏　LLM", "paper_search_zh_trgm"),
    ],
)
def test_normalised_queries_can_use_the_search_indexes(topic, q, index):
    """With sequential scans priced out, the plan reads the GIN index: the rewritten query is
    still a predicate the index answers (a million rows never get scanned one by one)."""
    listed_paper(topic)
    papers = Paper.objects.filter(paper_text_q(text=q, vendor=connection.vendor)).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # not the primary key's either
        plan = papers.explain()
    assert index in plan
