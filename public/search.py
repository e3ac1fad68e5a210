"""Reader search: PostgreSQL full text (English) + pg_trgm substring (Chinese), with filters."""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from papers.arxiv_ids import InvalidArxivId, arxiv_id_parse
from papers.models import Announcement, PaperInstitution, TopicHit
from topics.models import Topic

# Han characters: such a query is matched against the Chinese text, anything else as English.
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def paper_text_q(*, text: str, vendor: str) -> Q:
    """The one text-matching rule of search and the API: an arXiv id finds that paper; Han
    characters match the reviewed Chinese text by substring (pg_trgm GIN); other words match
    title, abstract and authors through the stored English tsvector (GIN).

    Each query uses exactly one index, never an OR of them, so a million papers stay fast.
    SQLite (`make run`) has neither index and falls back to case-insensitive substrings.
    """
    text = text.strip()
    try:
        return Q(arxiv_id=arxiv_id_parse(text).id)
    except InvalidArxivId:
        pass
    if HAN.search(text):
        # Chinese text counts only once reviewed: unreviewed text is not shown, so it must
        # not match either.
        return Q(search_zh__contains=text, zh_reviewed_at__isnull=False)
    if vendor == "postgresql":
        return Q(search_vector=SearchQuery(text, config="english", search_type="websearch"))
    return Q(title__icontains=text) | Q(abstract__icontains=text) | Q(authors_text__icontains=text)


class PaperSearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text", label=_("Words"), widget=forms.TextInput(attrs={"type": "search"})
    )
    date_from = django_filters.DateFilter(
        method="filter_date_from",
        label=_("Listed from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to",
        label=_("Listed until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    category = django_filters.CharFilter(
        method="filter_category", label=_("arXiv category"), max_length=40
    )
    topic = django_filters.ModelChoiceFilter(
        queryset=Topic.objects.active(),
        to_field_name="slug",
        method="filter_topic",
        label=_("Topic"),
        empty_label=_("All topics"),
    )
    institution = django_filters.CharFilter(method="filter_institution", label=_("Institution"))
    version_update = django_filters.BooleanFilter(
        method="filter_version_update",
        label=_("Version updates only"),
        widget=forms.CheckboxInput,
    )

    @property
    def has_criteria(self) -> bool:
        return any(value not in (None, "", False) for value in self.form.cleaned_data.values())

    def filter_text(self, queryset, name, value):
        return queryset.filter(paper_text_q(text=value, vendor=connections[queryset.db].vendor))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(
            Exists(Announcement.objects.filter(paper=OuterRef("pk"), announce_date__gte=value))
        )

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(
            Exists(Announcement.objects.filter(paper=OuterRef("pk"), announce_date__lte=value))
        )

    def filter_category(self, queryset, name, value):
        return queryset.in_category(value.strip())

    def filter_topic(self, queryset, name, value):
        # Only a published hit counts: a paper is "in" a topic once a published page shows it.
        return queryset.filter(
            Exists(TopicHit.objects.published().filter(paper=OuterRef("pk"), topic=value))
        )

    def filter_institution(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(
            Exists(
                PaperInstitution.objects.filter(paper=OuterRef("pk")).filter(
                    Q(institution__name__icontains=text)
                    | Q(institution__name_zh__icontains=text)
                    | Q(institution__aliases__name__icontains=text)
                )
            )
        )

    def filter_version_update(self, queryset, name, value):
        if not value:
            return queryset
        replacements = (Announcement.Type.REPLACE, Announcement.Type.REPLACE_CROSS)
        return queryset.filter(
            Exists(
                Announcement.objects.filter(paper=OuterRef("pk"), announce_type__in=replacements)
            )
        )
