"""URL converters for public pages."""

import datetime as dt

from django.urls import register_converter


class IsoDateConverter:
    """`2026-04-27` ⇄ date; an impossible date (2026-02-30) simply does not match (404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)

    def to_url(self, value: dt.date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")
