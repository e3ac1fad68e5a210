"""A topic's daily pages, with the editors' preview of a draft day."""

import datetime as dt
from collections import Counter

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from papers.caching import public_page
from papers.selectors import published_dates_around_get, topic_day_get, topic_latest_date_get
from papers.views import no_day_context
from topics.models import Topic

PREVIEW_PERMISSION = "papers.view_dailypage"


def _topic_get(slug: str) -> Topic:
    return get_object_or_404(Topic.objects.active().select_related("area"), slug=slug)


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
def detail(request, slug: str):
    """The topic's latest published day."""
    topic = _topic_get(slug)
    latest = topic_latest_date_get(topic=topic)
    if latest is None:
        return render(request, "topics/day.html", {"topic": topic, "day": None})
    return _topic_day_render(request, topic, latest)


@public_page
def day(request, slug: str, announce_date: dt.date):
    """One topic on one date; `?preview=1` shows the draft to editors who may view pages."""
    topic = _topic_get(slug)
    preview = "preview" in request.GET
    if preview and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if preview and not request.user.has_perm(PREVIEW_PERMISSION):
        raise PermissionDenied
    return _topic_day_render(request, topic, announce_date, preview=preview)
