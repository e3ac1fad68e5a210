"""Query parameters of the API's paper list, turned into one filter over published papers."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from ninja import Field, FilterSchema
from pydantic import ValidationInfo, field_validator

from papers.models import PaperAuthor, PaperInstitution, institution_name_normalize
from papers.selectors import published_hits_queryset
from topics.models import Subtopic, Topic

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def text_param_clean(value: str | None) -> str | None:
    """Trim free text; NUL can never match stored text and PostgreSQL refuses it."""
    if value is None:
        return None
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value.strip() or None


class PaperFilter(FilterSchema):
    date_from: dt.date | None = Field(
        None, description="Published on a daily page dated on or after this (YYYY-MM-DD)."
    )
    date_to: dt.date | None = Field(
        None, description="Published on a daily page dated on or before this (YYYY-MM-DD)."
    )
    category: str | None = Field(
        None, max_length=40, description="arXiv category the paper is in, e.g. cs.CL."
    )
    topic: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="Published under this topic."
    )
    subtopic: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="Published under this subtopic."
    )
    institution: str | None = Field(
        None, max_length=200, description="Part of an institution's name (English or Chinese)."
    )
    q: str | None = Field(
        None, max_length=200, description="Text in the title, abstract or author names."
    )
    updated: bool | None = Field(
        None, description="true: only papers revised after v1; false: only first versions."
    )
    min_confidence: float | None = Field(
        None, ge=0.0, le=1.0, description="Published with at least this topic confidence."
    )

    @field_validator("category", "institution", "q")
    @classmethod
    def _clean_text(cls, value: str | None) -> str | None:
        return text_param_clean(value)

    @field_validator("topic", "subtopic")
    @classmethod
    def _taxonomy_slug_exists(cls, slug: str | None, info: ValidationInfo) -> str | None:
        """An unknown slug is a mistake to report, not a filter that silently matches nothing."""
        model = {"topic": Topic, "subtopic": Subtopic}[info.field_name]
        if slug is not None and not model.objects.filter(slug=slug).exists():
            raise ValueError(f"unknown {info.field_name} {slug!r}; GET /api/v1/topics lists them")
        return slug

    @field_validator("date_to")
    @classmethod
    def _dates_in_order(cls, date_to: dt.date | None, info: ValidationInfo) -> dt.date | None:
        date_from = info.data.get("date_from")
        if date_from and date_to and date_from > date_to:
            raise ValueError("must not be before date_from")
        return date_to

    def custom_expression(self) -> Q:
        """Paper-level conditions, plus ONE published listing meeting every listing condition."""
        q = Q()
        if self.q:
            authors = PaperAuthor.objects.filter(paper=OuterRef("pk"), name__icontains=self.q)
            q &= (
                Q(title__icontains=self.q)
                | Q(abstract__icontains=self.q)
                | Q(authors_text__icontains=self.q)
                | Exists(authors)
            )
        if self.institution:
            normalized = institution_name_normalize(self.institution)
            names = Q(institution__name__icontains=self.institution) | Q(
                institution__name_zh__icontains=self.institution
            )
            if normalized:
                names |= Q(institution__normalized_name__contains=normalized)
            q &= Exists(PaperInstitution.objects.filter(names, paper=OuterRef("pk")))
        if self.updated is not None:
            q &= Q(version__gt=1) if self.updated else Q(version=1)

        listing = {}
        if self.topic:
            listing["topic__slug"] = self.topic
        if self.subtopic:
            listing["subtopic__slug"] = self.subtopic
        if self.min_confidence is not None:
            listing["confidence__gte"] = self.min_confidence
        if listing or self.date_from or self.date_to:
            hits = published_hits_queryset(date_from=self.date_from, date_to=self.date_to)
            q &= Exists(hits.filter(paper=OuterRef("pk"), **listing))
        return q

    def filter(self, queryset: QuerySet) -> QuerySet:
        queryset = queryset.filter(self.custom_expression())
        if self.category:
            queryset = queryset.in_category(self.category)
        return queryset
