"""Query parameters of the API's paper list: validated here, mapped onto PaperQuery, whose
meaning public.selectors decides for the site's search and the API alike."""

import datetime as dt
import re
from typing import Annotated

from ninja import Field, FilterSchema
from pydantic import BeforeValidator, ValidationInfo, field_validator

from public.selectors import PaperQuery, paper_query_taxonomy_check

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
        None,
        description="Published on a daily page dated on or before this (YYYY-MM-DD); before "
        "date_from: 422.",
    )
    category: str | None = Field(
        None,
        pattern=CATEGORY_PATTERN,
        max_length=40,
        description="arXiv category the paper is in, e.g. cs.CL.",
    )
    topic: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        max_length=50,
        description="Published under this active topic (slug; unknown or inactive: 404).",
    )
    subtopic: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        max_length=50,
        description="Published under a subtopic with this slug (unknown or inactive: 404).",
    )
    institution: str | None = Field(
        None,
        pattern=TEXT_PATTERN,
        max_length=200,
        description="Part of an institution's name (English, Chinese, or any known alias), "
        "or its ROR id.",
    )
    q: str | None = Field(
        None,
        pattern=TEXT_PATTERN,
        max_length=200,
        description=(
            "Words in the title, abstract or author names; Chinese text in the Chinese title,"
            " summary or abstract readers see; or an arXiv id."
        ),
    )
    updated: bool | None = Field(
        None, description="true: only papers revised after v1; false: only first versions."
    )
    min_confidence: float | None = Field(
        None, ge=0.0, le=1.0, description="Published with at least this topic confidence."
    )

    @field_validator("date_to")
    @classmethod
    def date_range_check(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        """A range ending before it starts is a mistake to report (422), not an empty list."""
        start = info.data.get("date_from")
        if value and start and value < start:
            raise ValueError("must not be before date_from")
        return value

    def paper_query(self) -> PaperQuery:
        """These parameters as the one query public.selectors understands (same names).

        Raises Http404 for an unknown or inactive topic or subtopic: a mistake to report,
        not a filter that matches nothing."""
        query = PaperQuery(**self.model_dump())
        paper_query_taxonomy_check(query=query)
        return query
