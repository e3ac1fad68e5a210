"""Paper cards: the plain dict templates/includes/paper_card.html (and the API) read."""

from collections import defaultdict

from django.db.models import QuerySet
from django.urls import reverse

from papers.models import Announcement, Paper, PaperAuthor, PaperInstitution


def _url_builder(name: str):
    """`reverse(name, args=[value])` for many values at the price of one reverse.

    Only for URL arguments that need no quoting (arXiv ids, slugs): the value is spliced in.
    """
    head, _, tail = reverse(name, args=["x"]).rpartition("x")
    return lambda value: f"{head}{value}{tail}"


def paper_cards_attach(papers: list[Paper], *, paper_ids: QuerySet | None = None) -> list[Paper]:
    """Give each paper `card`: everything templates/includes/paper_card.html shows, as a dict.

    A topic day shows hundreds of cards. Plain values (authors and institutions fetched with
    values_list, URLs built once, dates and percentages formatted here) render several times
    faster than model lookups, prefetch managers and per-card {% url %}; two queries in all.
    Each paper must carry `hit` (TopicHit with topic and subtopic, or None) and
    `announcement` (the listing shown, or None). Escaping stays with the template.
    `paper_ids`, a subquery selecting the same papers, spares the driver hundreds of literal
    ids to quote. Besides what the template shows, a card holds what the API's paper detail
    gives: `author_details` (name, affiliation) and each institution's country.
    """
    ids = [paper.pk for paper in papers] if paper_ids is None else paper_ids
    authors = defaultdict(list)
    for paper_id, name, affiliation in (
        PaperAuthor.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "position")
        .values_list("paper_id", "name", "affiliation")
    ):
        authors[paper_id].append({"name": name, "affiliation": affiliation})
    institutions = defaultdict(list)
    for paper_id, name, name_zh, country in (
        PaperInstitution.objects.filter(paper_id__in=ids)
        .order_by("paper_id", "position")
        .values_list(
            "paper_id", "institution__name", "institution__name_zh", "institution__country"
        )
    ):
        institutions[paper_id].append({"name": name, "name_zh": name_zh, "country": country})
    paper_url = _url_builder("papers:paper")
    topic_url = _url_builder("topics:detail")
    for paper in papers:
        listing, hit = paper.announcement, paper.hit
        version = (listing.version if listing else None) or paper.version
        names = [author["name"] for author in authors[paper.pk]]
        paper.card = {
            "pk": str(paper.pk),  # strings: numbers go through localization in templates
            "arxiv_id": paper.arxiv_id,
            "versioned_id": f"{paper.arxiv_id}v{version}",
            "url": paper_url(paper.arxiv_id),
            "date": listing.announce_date.isoformat() if listing else "",
            "is_update": bool(listing and listing.is_replacement),
            "is_cross": bool(listing and listing.announce_type == Announcement.Type.CROSS),
            "categories": paper.categories,
            "primary_category": paper.primary_category,
            "title": paper.title,
            "title_zh": paper.zh("title").public,
            "authors": ", ".join(names) or paper.authors_text,
            "author_names": names,
            "author_details": authors[paper.pk],
            "institutions": institutions[paper.pk],
            "hit": hit
            and {
                # As {% widthratio confidence 1 100 %} rounds it.
                "percent": str(round(hit.confidence * 100)),
                "topic_url": topic_url(hit.topic.slug),
                "topic_name": hit.topic.name_zh,
                "subtopic_name": hit.subtopic.name_zh if hit.subtopic else "",
                "reason": hit.reason,
            },
            "summary_zh": paper.zh("summary").public,
            "summary_en": paper.summary_en,
            "comments": paper.comments,
            "abstract_zh": paper.zh("abstract").public,
            "abstract": paper.abstract,
        }
    return papers
