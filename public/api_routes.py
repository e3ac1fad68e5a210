"""Public JSON endpoints: thin calls into the same selectors the pages use."""

from typing import Annotated

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse
from public.dates import (
    day_digest_get,
    day_pages_list,
    latest_announce_date_get,
    published_announce_dates_list,
    topic_pages_list,
)
from public.filters import SLUG_PATTERN, IsoDate, PaperFilter
from public.schemas import (
    ERROR_RESPONSES,
    AreaOut,
    DayOut,
    DaySummaryPageOut,
    LatestDayOut,
    PaperDetailOut,
    PaperPageOut,
    TopicDayOut,
    TopicPagePageOut,
)
from public.selectors import (
    paper_detail_get,
    published_papers_queryset,
    topic_active_get,
    topic_day_get,
)
from topics.selectors import area_tree_list

SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=50)]
DatePath = Annotated[IsoDate, Path(description="arXiv announce date, YYYY-MM-DD.")]


ArxivIdPath = Annotated[
    str,
    Path(
        description="Any written form: 2604.00626, 2604.00626v2, arXiv:2604.00626, "
        "https://arxiv.org/abs/2604.00626v2, hep-th/9901001, math.GT/0309136 (a version "
        "is ignored)."
    ),
]

# Deep offsets cost the database a scan each; nobody pages this far by hand.
MAX_PAGE = 10_000


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(
        settings.API_PAGE_SIZE,
        ge=1,
        le=settings.API_MAX_PAGE_SIZE,
        description=f"Items per page, at most {settings.API_MAX_PAGE_SIZE}.",
    )


def page_get(*, queryset: QuerySet, params: PageParams) -> dict:
    """One page of an already totally ordered queryset; past the end it is empty, not an error."""
    start = (params.page - 1) * params.page_size
    return {
        "count": queryset.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": list(queryset[start : start + params.page_size]),
    }


def _responses(schema) -> dict:
    return {200: schema, **ERROR_RESPONSES}


topics_router = Router(tags=["topics"])
days_router = Router(tags=["days"])
papers_router = Router(tags=["papers"])


@topics_router.get("", response=_responses(list[AreaOut]), summary="Topic tree")
def topic_tree(request):
    """Areas → active topics → subtopics, in editorial order."""
    return area_tree_list()


@topics_router.get(
    "/{slug}/days", response=_responses(TopicPagePageOut), summary="One topic's published pages"
)
def topic_days(request, slug: SlugPath, paging: Query[PageParams]):
    """The topic's archive: its published pages, newest first, with how many papers each lists."""
    return page_get(queryset=topic_pages_list(topic=topic_active_get(slug=slug)), params=paging)


@topics_router.get(
    "/{slug}/days/{announce_date}",
    response=_responses(TopicDayOut),
    summary="One topic's published daily page",
)
def topic_day(request, slug: SlugPath, announce_date: DatePath):
    """The papers of one topic's page for one announce date, in the page's order."""
    topic = topic_active_get(slug=slug)
    day = topic_day_get(topic=topic, announce_date=announce_date)
    if not day.is_published:
        raise Http404(f"topic {slug!r} has no published page for {announce_date.isoformat()}")
    return {
        "topic": topic,
        "announce_date": announce_date,
        "note": day.page.note,
        "published_at": day.page.published_at,
        "papers": day.papers,
    }


@days_router.get("", response=_responses(DaySummaryPageOut), summary="Published days")
def day_list(request, paging: Query[PageParams]):
    """Announce dates with at least one published page, newest first."""
    return page_get(queryset=published_announce_dates_list(), params=paging)


@days_router.get("/latest", response=_responses(LatestDayOut), summary="Latest published day")
def day_latest(request):
    """The newest date with a published page: every published topic with all its papers, in
    the pages' order, and how many distinct papers the date shows."""
    announce_date = latest_announce_date_get()
    if announce_date is None:
        raise Http404("nothing has been published yet")
    return day_digest_get(announce_date=announce_date)


@days_router.get(
    "/{announce_date}", response=_responses(DayOut), summary="All topics of one published day"
)
def day_detail(request, announce_date: DatePath):
    """Every topic with a published page on that date and how many papers it lists."""
    pages = list(day_pages_list(announce_date=announce_date))
    if not pages:
        raise Http404(f"no published page for {announce_date.isoformat()}")
    return {"announce_date": announce_date, "topics": pages}


@papers_router.get("", response=_responses(PaperPageOut), summary="Published papers")
def paper_list(request, filters: Query[PaperFilter], paging: Query[PageParams]):
    """Published papers, newest listing first; every filter narrows the result."""
    papers = published_papers_queryset(query=filters.paper_query())
    return page_get(queryset=papers, params=paging)


@papers_router.get(
    "/{path:arxiv_id}", response=_responses(PaperDetailOut), summary="One published paper"
)
def paper_detail(request, arxiv_id: ArxivIdPath):
    """A paper readers can see, by arXiv id in any written form (legacy ids keep their slash).
    Text that is no arXiv id names no paper: a 404, as on the paper page."""
    try:
        parsed = arxiv_id_parse(arxiv_id)
    except InvalidArxivId as error:
        raise Http404(str(error)) from None
    paper = paper_detail_get(arxiv_id=parsed.id)
    if paper is None:
        raise Http404(f"no published paper {parsed.id}")
    return paper
