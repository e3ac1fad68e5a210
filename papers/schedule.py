"""arXiv's announce calendar: which dates have a listing at all."""

import datetime as dt

# Listing dates arXiv skips besides weekends (from arXiv's published schedule).
ARXIV_HOLIDAYS = frozenset(
    {
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 19),
        dt.date(2026, 6, 19),
        dt.date(2026, 7, 3),
        dt.date(2026, 9, 7),
        dt.date(2026, 11, 26),
        dt.date(2026, 12, 25),
        dt.date(2026, 12, 29),
        dt.date(2026, 12, 31),
    }
)


def arxiv_announces_on(date: dt.date) -> bool:
    """Whether arXiv publishes a listing dated `date` (Monday to Friday, not a holiday)."""
    return date.weekday() < 5 and date not in ARXIV_HOLIDAYS
