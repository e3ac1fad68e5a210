"""Public pages: thin views over public.selectors, served through the page cache."""

import datetime as dt
from collections import Counter

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control

from ingest.schedule import is_listing_date
from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse
from public.bibtex import bibtex_document
from public.caching import public_page
from public.cards import institution_card, paper_cards_attach
from public.citations import citation_build, citation_meta_tags
from public.dates import (
    day_digest_get,
    latest_announce_date_get,
    published_dates_around_get,
    topic_latest_date_get,
)
from public.opml import topics_opml_build
from public.previews import paper_link_preview
from public.ranking import SearchResults
from public.search import PaperSearchFilter
from public.selectors import (
    PaperQuery,
    institution_public_get,
    paper_detail_get,
    paper_search_results,
    public_cards_attach,
    topic_active_get,
    topic_day_get,
)
from topics.models import Topic
from topics.selectors import area_tree_list

SEARCH_PAGE_SIZE = 20
DIGEST_PAPERS_PER_TOPIC = 5  # on the home and date pages; the topic day lists them all


class CappedPaginator(Paginator):
    """Pages over the ids of the first `cap + 1` matches, read in one query in the results'
    order; a page then reads its own papers by id. Counting every paper a common word matches
    among a million costs more than the search itself, and a page read as a slice of the
    search would run the search a second time. Past the cap the page says "more than 100"."""

    cap = 100

    def __init__(self, results: SearchResults, per_page: int):
        self.results = results
        super().__init__(results.ids(self.cap + 1), per_page)

    def page(self, number):
        """The page `number`, its object_list the page's papers in the results' order."""
        found = super().page(number)
        found.object_list = self.results.read(found.object_list)
        return found

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap


def no_day_context(*, announce_date: dt.date, before, after) -> tuple[dict, int]:
    """What a date without published content says: arXiv's day off (200) or not here (404)."""
    nearest = min(
        (d for d in (before, after) if d is not None),
        key=lambda d: (abs((d - announce_date).days), d > announce_date),
        default=None,
    )
    announces = is_listing_date(announce_date)
    return {"arxiv_announces": announces, "nearest_date": nearest}, 404 if announces else 200


def _day_render(request, announce_date: dt.date, *, is_home: bool = False):
    digest = day_digest_get(announce_date=announce_date, per_topic=DIGEST_PAPERS_PER_TOPIC)
    before, after = published_dates_around_get(announce_date=announce_date)
    context = {
        "announce_date": announce_date,
        "digest": digest,
        "previous_date": before,
        "next_date": after,
        "is_home": is_home,
    }
    status = 200
    if not digest.is_published:
        extra, status = no_day_context(announce_date=announce_date, before=before, after=after)
        context.update(extra)
    return render(request, "papers/day.html", context, status=status)


@public_page
def home(request):
    """The latest published announce date."""
    latest = latest_announce_date_get()
    if latest is None:
        return render(request, "papers/day.html", {"digest": None, "is_home": True})
    return _day_render(request, latest, is_home=True)


@public_page
def day(request, announce_date: dt.date):
    return _day_render(request, announce_date)


def _paper_published_get(arxiv_id: str, url_name: str):
    """(the published paper, None), or (None, a redirect to `url_name` for the id as arXiv
    prefers it) for `…v2` and other spellings; Http404 for anything else."""
    try:
        parsed = arxiv_id_parse(arxiv_id)
    except InvalidArxivId as error:
        raise Http404("not an arXiv id") from error
    if parsed.version is not None or parsed.id != arxiv_id:
        return None, redirect(url_name, arxiv_id=parsed.id, permanent=True)
    found = paper_detail_get(arxiv_id=parsed.id)
    if found is None:
        raise Http404("no published paper with this id")
    return found, None


@public_page
def paper(request, arxiv_id: str):
    """One published paper with all its versions; `…v2` and other spellings redirect."""
    found, moved = _paper_published_get(arxiv_id, "papers:paper")
    if moved:
        return moved
    context = {
        "paper": found,
        "citation_tags": citation_meta_tags(found),
        "link_preview": paper_link_preview(found.card),
    }
    return render(request, "papers/paper.html", context)


def _bibtex_response(papers, filename: str) -> HttpResponse:
    """`papers` (with cards) as a .bib file, shown in the browser (or saved as `filename`)."""
    response = HttpResponse(
        bibtex_document([citation_build(paper) for paper in papers]),
        content_type="application/x-bibtex; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public_page
def paper_bibtex(request, arxiv_id: str):
    """The paper's BibTeX entry, as arXiv's export writes it (public.bibtex)."""
    found, moved = _paper_published_get(arxiv_id, "papers:bibtex")
    if moved:
        return moved
    return _bibtex_response([found], f"{found.arxiv_id.replace('/', '-')}.bib")


@public_page
def day_bibtex(request, announce_date: dt.date):
    """Every paper the date's published pages show, every topic, each once, in page order."""
    digest = day_digest_get(announce_date=announce_date)
    if not digest.is_published:
        raise Http404("nothing published on this date")
    return _bibtex_response(digest.papers, f"arxdaily-{announce_date.isoformat()}.bib")


@public_page
def search(request):
    """Full-text and filtered search over published papers, paginated."""
    filterset = PaperSearchFilter(request.GET or None)
    context = {"filterset": filterset, "page_obj": None, "papers": []}
    if filterset.is_bound and filterset.is_valid() and filterset.has_criteria:
        results = paper_search_results(query=filterset.paper_query())
        paginator = CappedPaginator(results, SEARCH_PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(page_obj=page_obj, papers=paper_cards_attach(page_obj.object_list))
        context.update(query_string=filterset.query_string(), query_title=filterset.query_title())
    return render(request, "papers/search.html", context)


@public_page
def institution(request, pk: int):
    """A matched institution and its published papers, newest first, 20 a page."""
    found = institution_public_get(pk=pk)
    papers = paper_search_results(query=PaperQuery(institution_id=found.pk)).papers
    page_obj = Paginator(papers, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "institution": found,
        "card": institution_card(found),
        "page_obj": page_obj,
        "papers": public_cards_attach(page_obj.object_list),
    }
    return render(request, "institutions/detail.html", context)


@public_page
def topics_opml(request):
    """Every active topic's RSS feed as an OPML 2.0 outline, for feed readers' import."""
    body = topics_opml_build(areas=area_tree_list(), absolute_url=request.build_absolute_uri)
    return HttpResponse(body, content_type="text/x-opml; charset=utf-8")


PREVIEW_PERMISSION = "papers.view_dailypage"


def _subtopic_counts(papers) -> list[tuple[object, int]]:
    """How the day's papers spread over the topic's subtopics (None: no subtopic), largest first."""
    counts = Counter(paper.hit.subtopic for paper in papers)
    return sorted(counts.items(), key=lambda item: (item[0] is None, -item[1]))


def _topic_day_render(request, topic: Topic, announce_date: dt.date, *, preview: bool = False):
    day = topic_day_get(topic=topic, announce_date=announce_date, include_drafts=preview)
    before, after = published_dates_around_get(announce_date=announce_date, topic=topic)
    context = {
        "topic": topic,
        "day": day,
        "announce_date": announce_date,
        "previous_date": before,
        "next_date": after,
        "preview": preview,
        "subtopic_counts": _subtopic_counts(day.papers),
    }
    status = 200
    if not (day.is_published or preview):
        extra, status = no_day_context(announce_date=announce_date, before=before, after=after)
        context.update(extra)
    response = render(request, "topics/day.html", context, status=status)
    if preview:
        # A draft must never sit in a shared cache or the browser's history cache.
        patch_cache_control(response, private=True, no_store=True)
    return response


@public_page
def topic_detail(request, slug: str):
    """The topic's latest published day."""
    topic = topic_active_get(slug=slug)
    latest = topic_latest_date_get(topic=topic)
    if latest is None:
        return render(request, "topics/day.html", {"topic": topic, "day": None})
    return _topic_day_render(request, topic, latest)


@public_page
def topic_day(request, slug: str, announce_date: dt.date):
    """One topic on one date; `?preview=1` shows the draft to editors who may view pages."""
    topic = topic_active_get(slug=slug)
    preview = "preview" in request.GET
    if preview and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if preview and not request.user.has_perm(PREVIEW_PERMISSION):
        raise PermissionDenied
    return _topic_day_render(request, topic, announce_date, preview=preview)


@public_page
def topic_day_bibtex(request, slug: str, announce_date: dt.date):
    """The papers of one topic's published page of the date."""
    topic = topic_active_get(slug=slug)
    day = topic_day_get(topic=topic, announce_date=announce_date)
    if not day.is_published:
        raise Http404("this topic has no published page on this date")
    return _bibtex_response(day.papers, f"arxdaily-{announce_date.isoformat()}-{topic.slug}.bib")


def healthz(request):
    """Liveness for the container healthcheck: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return redirect(static("favicon.svg"), permanent=True)
