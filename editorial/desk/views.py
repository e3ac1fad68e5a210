"""The triage desk: one topic's candidates on one date, decided card by card on one page.

Staff with the editorial roles only (admin_view, then the permission to review hits). Each
card is its own form: without JavaScript a press posts it and the desk comes back at that
card; static/papers/admin/desk.js posts the same form in the background (header
`X-Desk-Fragment`) and swaps in the card this view answers with.
"""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from editorial import services
from editorial.admin.forms import OptimisticLockForm
from editorial.desk.forms import (
    CandidateForm,
    DeskChooseForm,
    PaperZhForm,
    subtopic_choices,
)
from editorial.desk.selectors import (
    DeskDay,
    desk_cards_attach,
    desk_date_default,
    desk_day_get,
    desk_hit_get,
    desk_topic_default,
    desk_topics_list,
)
from editorial.desk.services import candidate_decide
from papers.models import DailyPage, TopicHit

REVIEW = "papers.change_topichit"
FRAGMENT_HEADER = "X-Desk-Fragment"


def _reviewer_require(request) -> None:
    if not request.user.has_perm(REVIEW):
        raise PermissionDenied


def _date_parse(day: str) -> dt.date:
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        raise Http404(f"no date {day!r}") from None


def _desk_args(slug: str, day: str):
    return get_object_or_404(desk_topics_list(), slug=slug), _date_parse(day)


def _desk_url(topic, announce_date: dt.date) -> str:
    return reverse("desk:day", args=[topic.slug, announce_date.isoformat()])


def _card_forms(hit, subtopics, data):
    """The two halves of a card's form, bound to what the editor sent; `hit` and its paper
    were read locked (desk_hit_get), so the version checks need no query of their own."""
    return (
        CandidateForm(data, instance=hit, subtopics=subtopics, instance_locked=True),
        PaperZhForm(data, instance=hit.paper, instance_locked=True),
    )


def _card_fields(hit, forms=None) -> dict[str, str]:
    """What a card's fields show, as templates/admin/desk/card.html draws them (no form
    machinery for 150 cards): the hit and its paper as stored, or (`forms`) the editor's
    input that was refused."""
    if forms:
        hit_form, paper_form = forms
        values = {
            "version": hit_form["loaded_version"].value(),
            "paper_version": paper_form["loaded_version"].value(),
            "subtopic": hit_form["subtopic"].value(),
            "reason": hit_form["reason"].value(),
            "title_zh": paper_form["title_zh_human"].value(),
            "summary_zh": paper_form["summary_zh_human"].value(),
        }
        return {name: str(value or "") for name, value in values.items()}
    paper = hit.paper
    return {
        "version": OptimisticLockForm.stamp(hit.updated_at),
        "paper_version": OptimisticLockForm.stamp(paper.modified_at),
        "subtopic": str(hit.subtopic_id or ""),
        "reason": "",
        "title_zh": paper.title_zh.value,
        "summary_zh": paper.summary_zh.value,
    }


@require_GET
def desk_start(request):
    """The chooser's answer, or the editor's first visit: on to a topic's day."""
    _reviewer_require(request)
    form = DeskChooseForm(request.GET)
    form.is_valid()  # either half may be missing: the defaults fill in
    topic = form.cleaned_data.get("topic") or desk_topic_default()
    if topic is None:
        raise Http404("no active topic")
    announce_date = form.cleaned_data.get("date") or desk_date_default(topic=topic)
    return redirect(_desk_url(topic, announce_date or dt.date.today()))


@require_GET
def desk_day(request, slug: str, day: str):
    _reviewer_require(request)
    topic, announce_date = _desk_args(slug, day)
    desk = desk_day_get(topic=topic, announce_date=announce_date)
    for hit in desk.hits:
        hit.fields = _card_fields(hit)
    context = {
        **admin.site.each_context(request),
        "title": _("Triage desk"),
        "desk": desk,
        "subtopic_choices": subtopic_choices(desk.subtopics),
        "topic_name": topic.name,
        "chooser": DeskChooseForm(initial={"topic": topic, "date": announce_date}),
        "can_publish": request.user.has_perm(services.PUBLISH),
    }
    return TemplateResponse(request, "admin/desk/desk.html", context)


def _card_response(request, hit, *, announce_date, subtopics, status=200, errors=(), forms=None):
    """One card as the desk draws it: after a decision, or with why it was refused (`forms`:
    the editor's input to show again; none: the card as `hit` now is)."""
    desk_cards_attach([hit], announce_date=announce_date)
    hit.fields = _card_fields(hit, forms)
    desk = DeskDay(topic=hit.topic, announce_date=announce_date, page=None, hits=[hit])
    context = {
        "desk": desk,
        "hit": hit,
        "errors": errors,
        "subtopic_choices": subtopic_choices(subtopics),
    }
    return TemplateResponse(request, "admin/desk/card.html", context, status=status)


def _errors(*forms) -> list[str]:
    """The forms' errors as lines: a conflict first, then each field's, labelled."""
    lines = [error for form in forms for error in form.non_field_errors()]
    for form in forms:
        for name, errors in form.errors.items():
            if name != NON_FIELD_ERRORS:
                lines += [f"{form.fields[name].label}: {error}" for error in errors]
    return lines


@require_POST
def candidate(request, slug: str, day: str, pk: int):
    """Accept, reject, or save the subtopic and the Chinese of one candidate."""
    _reviewer_require(request)
    announce_date = _date_parse(day)
    with transaction.atomic():  # the hit and its paper stay locked from the read to the write
        hit = desk_hit_get(topic_slug=slug, pk=pk, announce_date=announce_date, lock=True)
        if hit is None:
            raise Http404("no such candidate")
        subtopics = list(hit.topic.subtopics.all())
        hit_form, paper_form = _card_forms(hit, subtopics, request.POST)
        valid = all([hit_form.is_valid(), paper_form.is_valid()])
        if valid:
            candidate_decide(
                hit=hit_form.instance,
                paper=paper_form.instance if paper_form.has_changed() else None,
                decision=hit_form.cleaned_data["decision"],
                user=request.user,
                reason=hit_form.cleaned_data["reason"],
            )
    errors = [] if valid else _errors(hit_form, paper_form)
    if not request.headers.get(FRAGMENT_HEADER):
        for error in errors:
            messages.error(request, error)
        return HttpResponseRedirect(f"{_desk_url(hit.topic, announce_date)}#card-{hit.pk}")
    if valid:
        return _card_response(request, hit, announce_date=announce_date, subtopics=subtopics)
    if any(form.has_error(NON_FIELD_ERRORS, "conflict") for form in (hit_form, paper_form)):
        # What the other editor saved (the forms put the refused input into `hit`).
        stored = desk_hit_get(topic_slug=slug, pk=pk, announce_date=announce_date)
        return _card_response(
            request,
            stored,
            announce_date=announce_date,
            subtopics=subtopics,
            status=409,
            errors=errors,
        )
    return _card_response(
        request,
        hit,
        announce_date=announce_date,
        subtopics=subtopics,
        status=400,
        errors=errors,
        forms=(hit_form, paper_form),
    )


@require_POST
def accept_confident(request, slug: str, day: str):
    """Accept every undecided candidate at or above the topic's threshold."""
    _reviewer_require(request)
    topic, announce_date = _desk_args(slug, day)
    hits = TopicHit.objects.filter(topic=topic, pk__in=request.POST.getlist("hit"))
    accepted = services.topic_hits_accept_above_threshold(hits=hits, user=request.user)
    messages.success(request, _("%(count)d accepted.") % {"count": len(accepted)})
    return redirect(_desk_url(topic, announce_date))


@require_POST
def publish(request, slug: str, day: str):
    """Publish the topic's page of this date (the service checks the permission)."""
    _reviewer_require(request)
    topic, announce_date = _desk_args(slug, day)
    page, _created = DailyPage.objects.get_or_create(topic=topic, announce_date=announce_date)
    services.daily_page_publish(page=page, user=request.user)
    messages.success(request, _("Published: readers now see this day."))
    return redirect(_desk_url(topic, announce_date))
