"""The site's search form: django-filter builds and validates it; public.selectors filters.

The form's fields only map onto PaperQuery (the URL parameter names stay the site's own);
what a filter means is decided once, by papers_query_apply, for the site and the API alike:
the search view reads public.selectors.paper_search_results(query=filterset.paper_query()).
"""

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from papers.models import Paper
from public.caching import public_cache_version_get
from public.selectors import PaperQuery
from topics.models import Subtopic, Topic

# (public cache version, language) -> the form's (topic choices, subtopic choices).
_choices_memo: dict[tuple[int, str], tuple[list, list]] = {}


def search_choices_get() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The active topics as (slug, name) and their subtopics as (slug, "topic › subtopic"),
    in taxonomy order, named in the reader's language.

    Read once per process and language until the next change readers can see (a taxonomy
    edit bumps the public cache version, public.caching): two queries a search saved.
    """
    key = (public_cache_version_get(), get_language() or settings.LANGUAGE_CODE)
    choices = _choices_memo.get(key)
    if choices is None:
        subtopics = Subtopic.objects.filter(topic__in=Topic.objects.active())
        choices = (
            [(topic.slug, topic.name) for topic in Topic.objects.active()],
            [(sub.slug, str(sub)) for sub in subtopics.select_related("topic")],
        )
        _choices_memo.clear()  # older versions are unreachable
        _choices_memo[key] = choices
    return choices


class SwitchInput(forms.CheckboxInput):
    """A checkbox whose hand-written values read as people mean them: "off", "0", "false",
    "no" and "" are unticked (Django's CheckboxInput takes all but "false" for ticked)."""

    OFF = frozenset({"", "0", "false", "off", "no"})

    def value_from_datadict(self, data, files, name) -> bool:
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in self.OFF:
            return False
        return super().value_from_datadict(data, files, name)


class PaperSearchForm(forms.Form):
    """The search form's checks across fields (django-filter adds the fields)."""

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", gettext("The end date is before the start date: no day is in between.")
            )
        return data


class PaperSearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"), widget=forms.TextInput(attrs={"type": "search"})
    )
    date_from = django_filters.DateFilter(
        label=_("Listed from"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("Listed until"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    category = django_filters.CharFilter(label=_("arXiv category"), max_length=40)
    topic = django_filters.ChoiceFilter(label=_("Topic"), empty_label=_("All topics"))
    subtopic = django_filters.ChoiceFilter(label=_("Subtopic"), empty_label=_("All subtopics"))
    min_confidence = django_filters.NumberFilter(
        label=_("Minimum confidence"), min_value=0, max_value=1
    )
    institution = django_filters.CharFilter(label=_("Institution"))
    version_update = django_filters.BooleanFilter(
        label=_("Version updates only"), widget=SwitchInput
    )

    class Meta:
        model = Paper  # the form alone: results come from paper_search_results, not `qs`
        fields = []
        form = PaperSearchForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        topics, subtopics = search_choices_get()
        self.filters["topic"].extra["choices"] = topics
        self.filters["subtopic"].extra["choices"] = subtopics

    @property
    def has_criteria(self) -> bool:
        return any(value not in (None, "", False) for value in self.form.cleaned_data.values())

    def query_string(self) -> str:
        """The search's URL parameters without the page number, URL-encoded: what the result
        pages and the search's feeds share."""
        query = self.data.copy()
        query.pop("page", None)
        return query.urlencode()

    def query_title(self) -> str:
        """The valid search in words, in the active language, for its feeds' titles, e.g.
        "search: diffusion · topic Large language models · cs.CL · 2026-06-01–2026-06-16 ·
        version updates". Plain text: the words are the reader's own (escape for each format)."""
        data = self.form.cleaned_data
        words = (data.get("q") or "").strip()
        parts = [gettext("search: %(words)s") % {"words": words} if words else gettext("search")]
        if data.get("topic"):
            name = dict(self.filters["topic"].extra["choices"])[data["topic"]]
            parts.append(gettext("topic %(name)s") % {"name": name})
        if data.get("subtopic"):
            name = dict(self.filters["subtopic"].extra["choices"])[data["subtopic"]]
            parts.append(gettext("subtopic %(name)s") % {"name": name})
        if data.get("category"):
            parts.append(data["category"])
        if data.get("institution"):
            parts.append(gettext("institution %(name)s") % {"name": data["institution"]})
        parts += self._dates_title()
        if data.get("min_confidence") is not None:
            value = f"{float(data['min_confidence']):g}"
            parts.append(gettext("confidence ≥ %(value)s") % {"value": value})
        if data.get("version_update"):
            parts.append(gettext("version updates"))
        return " · ".join(parts)

    def _dates_title(self) -> list[str]:
        start, end = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if start and end:
            return [f"{start.isoformat()}–{end.isoformat()}"]
        if start:
            return [gettext("listed from %(date)s") % {"date": start.isoformat()}]
        if end:
            return [gettext("listed until %(date)s") % {"date": end.isoformat()}]
        return []

    def paper_query(self) -> PaperQuery:
        """The valid form as the one query public.selectors understands."""
        data = self.form.cleaned_data
        confidence = data.get("min_confidence")
        return PaperQuery(
            q=data.get("q"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            category=data.get("category"),
            topic=data.get("topic") or None,
            subtopic=data.get("subtopic"),
            institution=data.get("institution"),
            # An unticked box means "all papers", not "first versions only".
            updated=True if data.get("version_update") else None,
            min_confidence=None if confidence is None else float(confidence),
        )
