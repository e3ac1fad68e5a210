"""Paper cards: the plain dict templates/includes/paper_card.html (and the API) read."""

from collections import defaultdict

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language

from papers.models import (
    Announcement,
    Institution,
    Paper,
    PaperAuthor,
    PaperInstitution,
    TopicHit,
)
from public.previews import (
    AUTHORS_MATCHED,
    COMMENTS_CHARS,
    author_names_split,
    authors_preview,
    text_preview,
)
from public.rows import attnames, row_instance


def _url_builder(name: str, placeholder: str = "x"):
    """`reverse(name, args=[value])` for many values at the price of one reverse.

    Only for URL arguments that need no quoting (arXiv ids, slugs, pks): the value is spliced
    in where `placeholder` (a value the URL pattern accepts) was.
    """
    head, _, tail = reverse(name, args=[placeholder]).rpartition(placeholder)
    return lambda value: f"{head}{value}{tail}"


def _institution_url_builder():
    return _url_builder("institutions:detail", placeholder="987654321")


# What institution_card reads, in the model's order.
_INSTITUTION_COLUMNS = attnames(
    Institution, {"id", "name", "name_zh", "name_zh_source", "country", "ror_id", "source"}
)
_INSTITUTION_ID_AT = _INSTITUTION_COLUMNS.index("id")


def institution_card(institution: Institution, *, url=None) -> dict:
    """What readers are shown of an institution (cards, its page, the API): only a matched
    one (ROR, curated, editor-confirmed) is named as an organisation, with its Chinese name
    once public (Institution.name_zh_public), country, ROR id and page `url`; an unmatched one
    is the paper's own words, with no Chinese name, country or link. `names` are the
    (lang, text) parts to show, the reader's (active) language first. `url`: a builder from
    the pk (see _url_builder), made once for many cards."""
    if not institution.is_matched:
        return {
            "name": institution.name,
            "name_zh": "",
            "names": [{"lang": "en", "text": institution.name}],
            "country": "",
            "ror_id": None,
            "matched": False,
            "url": "",
        }
    url = url or _institution_url_builder()
    names = [{"lang": "en", "text": institution.name}]
    if name_zh := institution.name_zh_public:
        zh_first = (get_language() or settings.LANGUAGE_CODE).startswith("zh")
        names.insert(0 if zh_first else 1, {"lang": "zh-Hans", "text": name_zh})
    return {
        "name": institution.name,
        "name_zh": name_zh,
        "names": names,
        "country": institution.country,
        "ror_id": institution.ror_id or None,
        "matched": True,
        "url": url(institution.pk),
    }


def _hit_names(hit, known: dict[tuple, dict], topic_url) -> dict[str, str]:
    """The card's link and names of the hit's topic and subtopic, built once per pair."""
    pair = (hit.topic.pk, hit.subtopic.pk if hit.subtopic else None)
    names = known.get(pair)
    if names is None:
        names = known[pair] = {
            "topic_url": topic_url(hit.topic.slug),
            "topic_name": hit.topic.name,
            "subtopic_name": hit.subtopic.name if hit.subtopic else "",
        }
    return names


def paper_cards_attach(
    papers: list[Paper], *, paper_ids: QuerySet | None = None, authors: bool = True
) -> list[Paper]:
    """Give each paper `card`: everything templates/includes/paper_card.html shows, as a dict.

    A topic day shows hundreds of cards. Plain values (authors and institutions fetched with
    values_list, URLs built once, dates and percentages formatted here) render several times
    faster than model lookups, prefetch managers and per-card {% url %}; two queries in all.
    Each paper must carry `hit` (TopicHit, or public.selectors.DayHit, with topic and
    subtopic; or None) and
    `announcement` (the listing shown, or None). Escaping stays with the template.
    `paper_ids`, a subquery selecting the same papers, spares the driver hundreds of literal
    ids to quote. Besides what the template shows, a card holds what the API's paper detail
    gives: `author_details` (name, affiliation) and `institutions` (see institution_card).
    Unbounded fields have a bounded preview (public.previews) for cards in lists: `authors`
    is every name (the paper page), `authors_preview` at most ten, `authors_hidden` how many
    it leaves out; `comments_preview` is cut (`comments_cut`), `comments` whole.
    `authors_match` is the first AUTHORS_MATCHED names, one a line, for readers' author
    highlights (static/js/highlights.js) on cards and briefs.
    `authors=False` (the triage desk, which shows none) spares the authors' query: the card's
    `authors` is then the paper's own authors_text, its author lists empty.
    """
    ids = [paper.pk for paper in papers] if paper_ids is None else paper_ids
    author_rows = defaultdict(list)
    for paper_id, name, affiliation in (
        PaperAuthor.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "position")
        .values_list("paper_id", "name", "affiliation")
        if authors
        else ()
    ):
        author_rows[paper_id].append({"name": name, "affiliation": affiliation})
    institutions = defaultdict(list)
    institution_url = _institution_url_builder()
    # Papers of a day share institutions: one card each, built from its row (positional
    # values, as Model.from_db takes them, cost a third of keyword construction).
    known: dict[int, dict] = {}
    rows = PaperInstitution.objects.filter(paper_id__in=ids).order_by("paper_id", "position")
    for paper_id, *row in rows.values_list(
        "paper_id", *(f"institution__{name}" for name in _INSTITUTION_COLUMNS)
    ):
        pk = row[_INSTITUTION_ID_AT]
        if pk not in known:
            institution = row_instance(Institution, rows.db, _INSTITUTION_COLUMNS, row)
            known[pk] = institution_card(institution, url=institution_url)
        institutions[paper_id].append(known[pk])
    paper_url = _url_builder("papers:paper")
    bibtex_url = _url_builder("papers:bibtex", placeholder="0.0")
    topic_url = _url_builder("topics:detail")
    # A day's hits share a topic and a few subtopics: their names (a language lookup each)
    # and links once per pair, not once per card.
    hit_names: dict[tuple, dict] = {}
    for paper in papers:
        listing, hit = paper.announcement, paper.hit
        version = (listing.version if listing else None) or paper.version
        names = [author["name"] for author in author_rows[paper.pk]]
        listed = names or author_names_split(paper.authors_text)
        authors_line, authors_hidden = authors_preview(listed)
        comments_preview = text_preview(paper.comments, COMMENTS_CHARS)
        paper.card = {
            "pk": str(paper.pk),  # strings: numbers go through localization in templates
            "arxiv_id": paper.arxiv_id,
            "versioned_id": f"{paper.arxiv_id}v{version}",
            "url": paper_url(paper.arxiv_id),
            "bibtex_url": bibtex_url(paper.arxiv_id),
            "date": listing.announce_date.isoformat() if listing else "",
            "is_update": bool(listing and listing.is_replacement),
            "is_cross": bool(listing and listing.announce_type == Announcement.Type.CROSS),
            "categories": paper.categories,
            "primary_category": paper.primary_category,
            "title": paper.title,
            "title_zh": paper.zh("title").public,
            "authors": ", ".join(names) or paper.authors_text,
            "authors_preview": authors_line,
            "authors_hidden": str(authors_hidden) if authors_hidden else "",
            "author_names": names,
            "authors_match": "\n".join(listed[:AUTHORS_MATCHED]),
            "author_details": author_rows[paper.pk],
            "institutions": institutions[paper.pk],
            "hit": hit
            and {
                # As {% widthratio confidence 1 100 %} rounds it.
                "percent": str(round(hit.confidence * 100)),
                **_hit_names(hit, hit_names, topic_url),
                "reason": hit.reason,
                "reason_by_machine": hit.origin == TopicHit.Origin.MACHINE,
            },
            "summary_zh": paper.zh("summary").public,
            "summary_en": paper.summary_en,
            "comments": paper.comments,
            "comments_preview": comments_preview,
            "comments_cut": comments_preview != paper.comments,
            "abstract_zh": paper.zh("abstract").public,
            "abstract": paper.abstract,
        }
    return papers
