"""Issue 19, kind 1: text from arXiv, the LLM and editors never breaks an output format.

Feeds drop what XML 1.0 cannot carry, the admin refuses it with a field error, pages and the
API carry any text, and fields without a size limit are previews with the whole one click away.
"""

import json

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from editorial.admin.base import printable_validate
from papers.models import Paper, PaperAuthor, TopicHit
from public.caching import public_cache_version_bump
from tests.admin_forms import admin_form_data
from tests.factories import PaperInstitutionFactory, RegistryInstitutionFactory, TopicFactory
from tests.site_data import DAY, listed_paper, page_publish

pytestmark = pytest.mark.django_db

PDF_SUMMARY = "本文研究从PDF复制文本的问题。\x0c作者分析了…"
FEEDS = ["/topics/llm/rss.xml", "/topics/llm/atom.xml", "/feeds/all.xml"]


@pytest.fixture
def topic():
    return TopicFactory(slug="llm")


def _xml(client, url: str) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200, url
    return etree.fromstring(response.content)  # strict: raises unless well-formed XML 1.0


# --- The example: a form feed pasted from a PDF ----------------------------------------------


def test_feeds_with_a_form_feed_in_a_summary_answer_well_formed_xml(client, topic):
    listed_paper(topic, summary_zh_human=PDF_SUMMARY)
    page_publish(topic)

    for url in FEEDS:
        text = "".join(_xml(client, url).itertext())
        assert "本文研究从PDF复制文本的问题。作者分析了…" in text, url


def test_admin_refuses_a_form_feed_with_a_field_error(client, chief_editor, topic):
    paper = listed_paper(topic)
    page_publish(topic)
    client.force_login(chief_editor)
    url = f"/admin/papers/paper/{paper.pk}/change/"
    data = admin_form_data(client.get(url))

    response = client.post(url, {**data, "summary_zh_human": PDF_SUMMARY})

    assert response.status_code == 200  # the form again, not a redirect
    errors = response.context["adminform"].form.errors["summary_zh_human"]
    assert errors == [
        "不能包含控制字符：第 17 个字符是 U+000C（常见于从 PDF 复制的文本），请删除后再保存。 / "
        "Control characters are not allowed: character 17 is U+000C (often pasted from a PDF); "
        "remove it and save again."
    ]
    paper.refresh_from_db()
    assert paper.summary_zh_human == ""


# --- Beyond the example: any text, every output ----------------------------------------------

# What arXiv, an LLM or a paste can bring: controls, non-characters, markup, math delimiters,
# CDATA ends, and ordinary text. (NUL and lone surrogates never reach the database.)
HOSTILE = ["\x0c", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\ufdd0"]
HOSTILE += ["\U0010ffff", "\r", "\t", "\n", "$", "\\$", "$$", "<", "&", "]]>", "\u202e"]
texts = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8),
    ),
    min_size=1,
    max_size=12,
).map("".join)


@pytest.fixture
def everywhere(topic):
    """A published paper whose every shown field the test rewrites, with an institution."""
    paper = listed_paper(topic)
    institution = RegistryInstitutionFactory(name="Institute", ror_id="03cve4549")
    PaperInstitutionFactory(paper=paper, institution=institution, position=1)
    page_publish(topic)
    return paper, institution


def _urls(paper: Paper, institution) -> tuple[list[str], list[str], list[str]]:
    feeds = [*FEEDS, f"/institutions/{institution.pk}/rss.xml"]
    feeds += [f"/institutions/{institution.pk}/atom.xml", "/search/rss.xml?topic=llm"]
    feeds.append("/search/atom.xml?topic=llm")
    pages = ["/", f"/{DAY}/", "/topics/llm/", f"/topics/llm/{DAY}/", f"/papers/{paper.arxiv_id}/"]
    pages += [f"/institutions/{institution.pk}/", "/search/?q=Lovelace"]
    api = [f"/api/v1/papers/{paper.arxiv_id}", "/api/v1/papers", f"/api/v1/topics/llm/days/{DAY}"]
    return feeds, pages, api


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=texts)
def test_any_text_in_any_field_keeps_every_feed_page_and_api_answer_whole(client, everywhere, text):
    paper, institution = everywhere
    fields = {name: f"{name} {text}" for name in ("title", "abstract", "comments", "journal_ref")}
    fields |= {f"{name}_zh_human": f"中文 {text}" for name in ("title", "summary", "abstract")}
    Paper.objects.filter(pk=paper.pk).update(
        **fields, summary_en=text, authors_text=f"Ada Lovelace, {text}"
    )
    PaperAuthor.objects.filter(paper=paper, position=1).update(name=text, affiliation=text)
    TopicHit.objects.filter(paper=paper).update(reason=text)
    public_cache_version_bump()
    feeds, pages, api = _urls(paper, institution)

    for url in feeds:
        items = _xml(client, url).iter("item", "{http://www.w3.org/2005/Atom}entry")
        assert len(list(items)) == 1, url
    for url in pages:
        assert client.get(url).status_code == 200, url
    for url in api:
        response = client.get(url)
        assert response.status_code == 200, url
        json.loads(response.content)
    # JSON carries any text exactly as stored: clients decide what their output can carry.
    assert client.get(api[0]).json()["title"] == fields["title"]


def _admin_text_fields(request):
    """(admin, field name, form field) of every model text field editors can type into, in
    the editorial admins and their inlines."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"papers", "topics"}:
            continue
        if not model_admin.has_change_permission(request):
            continue  # the run logs: written by the machine only
        forms_of = [(model_admin, model, model_admin.get_form(request))]
        forms_of += [
            (inline, inline.model, inline.get_formset(request).form)
            for inline in model_admin.get_inline_instances(request)
        ]
        for each, form_model, form in forms_of:
            model_fields = {field.name for field in form_model._meta.get_fields()}
            for name, field in form.base_fields.items():
                if name in model_fields and isinstance(field, forms.CharField):
                    yield type(each).__name__, name, field


def test_every_admin_text_field_refuses_control_characters(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    fields = list(_admin_text_fields(request))

    assert {("PaperAdmin", "summary_zh_human"), ("TopicHitInline", "reason")} <= {
        (admin_name, name) for admin_name, name, _field in fields
    }
    assert [(a, n) for a, n, field in fields if printable_validate not in field.validators] == []
