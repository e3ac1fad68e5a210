"""arXiv's announcement calendar, in arXiv's own time zone (America/New_York, DST included).

A *listing date* is the date of one announcement's listing (Mon–Fri, not a holiday). Its
announcement goes out at 20:00 New York time the evening before (Sun–Thu). Submissions
received before the 14:00 deadline of a weekday are in the next listing after that weekday.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

ANNOUNCE_TIME = dt.time(20, 0)
SUBMISSION_DEADLINE = dt.time(14, 0)

# Listing dates arXiv skips (from arXiv's published holiday schedule). Data, not logic:
# add next year's dates here, or extra ones through ARXIV_EXTRA_HOLIDAYS.
ARXIV_HOLIDAYS = frozenset(
    dt.date.fromisoformat(day)
    for day in (
        "2026-01-01",
        "2026-01-19",
        "2026-06-19",
        "2026-07-03",
        "2026-09-07",
        "2026-11-26",
        "2026-12-25",
        "2026-12-29",
        "2026-12-31",
    )
)
_ONE_DAY = dt.timedelta(days=1)


def arxiv_tz() -> ZoneInfo:
    return ZoneInfo(settings.ARXIV_TIMEZONE)


def holidays() -> frozenset[dt.date]:
    return ARXIV_HOLIDAYS | {dt.date.fromisoformat(day) for day in settings.ARXIV_EXTRA_HOLIDAYS}


def is_listing_date(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays()


def announcement_at(listing_date: dt.date) -> dt.datetime:
    """When the listing dated `listing_date` is announced: 20:00 New York the evening before."""
    return dt.datetime.combine(listing_date - _ONE_DAY, ANNOUNCE_TIME, tzinfo=arxiv_tz())


def listing_dates(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every listing date from start to end, both included."""
    days = (start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if is_listing_date(day)]


def next_listing_date(after: dt.date) -> dt.date:
    day = after + _ONE_DAY
    while not is_listing_date(day):
        day += _ONE_DAY
    return day


def previous_listing_date(before: dt.date) -> dt.date:
    day = before - _ONE_DAY
    while not is_listing_date(day):
        day -= _ONE_DAY
    return day


def latest_listing_date(now: dt.datetime | None = None) -> dt.date:
    """The newest listing already announced at `now` (what the listing feed should show)."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(arxiv_tz())
    candidate = local.date() + _ONE_DAY
    if not is_listing_date(candidate) or local < announcement_at(candidate):
        candidate = previous_listing_date(candidate)
    return candidate


def _deadline(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, SUBMISSION_DEADLINE, tzinfo=arxiv_tz())


def _last_weekday_before(day: dt.date) -> dt.date:
    day -= _ONE_DAY
    while day.weekday() >= 5:
        day -= _ONE_DAY
    return day


def listing_date_for_submission(submitted_at: dt.datetime) -> dt.date:
    """The listing a submission first appeared in, derived from arXiv's 14:00 deadline.

    Used only where no listing feed says it (API-only files, backfill); an approximation
    around holidays, exact otherwise.
    """
    local = submitted_at.astimezone(arxiv_tz())
    cutoff_day = local.date()
    if cutoff_day.weekday() >= 5 or local >= _deadline(cutoff_day):
        cutoff_day += _ONE_DAY
        while cutoff_day.weekday() >= 5:
            cutoff_day += _ONE_DAY
    return next_listing_date(cutoff_day)


def submission_window(listing_date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the submissions that `listing_date_for_submission` puts in a listing."""
    previous = previous_listing_date(listing_date)
    return (
        _deadline(_last_weekday_before(previous)),
        _deadline(_last_weekday_before(listing_date)),
    )
