"""Query parameters of the API's paper list, turned into one filter over published papers."""

import datetime as dt
import re
from typing import Annotated

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from ninja import Field, FilterSchema
from pydantic import BeforeValidator, field_validator

from papers.models import PaperInstitution, institution_name_normalize
from public.search import paper_text_q
from public.selectors import published_hits_queryset
from topics.models import Subtopic, Topic

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
CATEGORY_PATTERN = r"^[a-zA-Z-]+(\.[a-zA-Z-]+)?$"
# NUL can never match stored text, and PostgreSQL refuses it in a query.
TEXT_PATTERN = r"^[^\x00]*$"


def iso_date_require(value):
    """Only YYYY-MM-DD: pydantic alone would also read '0' as a Unix timestamp."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(iso_date_require)]


class PaperFilter(FilterSchema):
    date_from: IsoDate | None = Field(
        None, description="Published on a daily page dated on or after this (YYYY-MM-DD)."
    )
    date_to: IsoDate | None = Field(
        None, description="Published on a daily page dated on or before this (YYYY-MM-DD)."
    )
    category: str | None = Field(
        None,
        pattern=CATEGORY_PATTERN,
        max_length=40,
        description="arXiv category the paper is in, e.g. cs.CL.",
    )
    topic: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="Published under this topic."
    )
    subtopic: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="Published under this subtopic."
    )
    institution: str | None = Field(
        None,
        pattern=TEXT_PATTERN,
        max_length=200,
        description="Part of an institution's name (English or Chinese).",
    )
    q: str | None = Field(
        None,
        pattern=TEXT_PATTERN,
        max_length=200,
        description="Text in the title, abstract or author names.",
    )
    updated: bool | None = Field(
        None, description="true: only papers revised after v1; false: only first versions."
    )
    min_confidence: float | None = Field(
        None, ge=0.0, le=1.0, description="Published with at least this topic confidence."
    )

    @field_validator("institution", "q")
    @classmethod
    def _text_trim(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return value.strip() or None

    def taxonomy_check(self) -> None:
        """An unknown slug is a mistake to report (404), not a filter that matches nothing."""
        for name, model in (("topic", Topic), ("subtopic", Subtopic)):
            slug = getattr(self, name)
            if slug and not model.objects.filter(slug=slug).exists():
                raise Http404(f"unknown {name} {slug!r}; GET /api/v1/topics lists them")

    def custom_expression(self) -> Q:
        """Paper-level conditions, plus ONE published listing meeting every listing condition."""
        q = Q()
        if self.q:
            q &= paper_text_q(text=self.q, vendor=connection.vendor)
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
