"""arXiv's calendar in New York time, across DST changes and holidays."""

import copy
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings

from arxdaily import celery_app
from ingest import schedule
from ingest.tasks import ingest_announcement, ingest_pending_metadata

NY = ZoneInfo("America/New_York")
UTC = dt.UTC


def ny(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 4, 27), True),  # Monday
        (dt.date(2026, 5, 2), False),  # Saturday
        (dt.date(2026, 5, 3), False),  # Sunday
        (dt.date(2026, 11, 26), False),  # Thanksgiving
        (dt.date(2026, 12, 29), False),
        (dt.date(2026, 12, 30), True),
    ],
)
def test_listing_dates_are_weekdays_except_holidays(day, expected):
    assert schedule.is_listing_date(day) is expected


def test_all_2026_holidays_are_data():
    assert len(schedule.ARXIV_HOLIDAYS) == 9
    assert dt.date(2026, 7, 3) in schedule.holidays()


def test_extra_holidays_come_from_settings(settings):
    settings.ARXIV_EXTRA_HOLIDAYS = ["2027-01-01"]
    assert not schedule.is_listing_date(dt.date(2027, 1, 1))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Summer (EDT, UTC-4): Sunday 20:00 New York is Monday 00:00 UTC.
        (ny(2026, 4, 26, 19, 59), dt.date(2026, 4, 24)),
        (ny(2026, 4, 26, 20, 0), dt.date(2026, 4, 27)),
        (dt.datetime(2026, 4, 27, 0, 0, tzinfo=UTC), dt.date(2026, 4, 27)),
        # Winter (EST, UTC-5): 00:30 UTC Monday is still Sunday 19:30 in New York.
        (dt.datetime(2026, 12, 7, 0, 30, tzinfo=UTC), dt.date(2026, 12, 4)),
        (dt.datetime(2026, 12, 7, 1, 0, tzinfo=UTC), dt.date(2026, 12, 7)),
        # DST begins Sunday 8 March and ends Sunday 1 November 2026.
        (ny(2026, 3, 8, 20, 0), dt.date(2026, 3, 9)),
        (ny(2026, 11, 1, 20, 1), dt.date(2026, 11, 2)),
        # Friday and Saturday evenings announce nothing.
        (ny(2026, 5, 1, 21, 0), dt.date(2026, 5, 1)),
        (ny(2026, 5, 2, 21, 0), dt.date(2026, 5, 1)),
        # Wednesday before Thanksgiving: no listing on the 26th, the 25th stays the latest.
        (ny(2026, 11, 25, 20, 30), dt.date(2026, 11, 25)),
        (ny(2026, 11, 26, 20, 30), dt.date(2026, 11, 27)),
    ],
)
def test_latest_listing_date(now, expected):
    assert schedule.latest_listing_date(now) == expected


def test_announcement_is_20_00_new_york_the_evening_before_in_both_seasons():
    assert schedule.announcement_at(dt.date(2026, 7, 6)).astimezone(UTC) == dt.datetime(
        2026, 7, 6, 0, 0, tzinfo=UTC
    )
    assert schedule.announcement_at(dt.date(2026, 1, 5)).astimezone(UTC) == dt.datetime(
        2026, 1, 5, 1, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("submitted", "listing"),
    [
        (ny(2026, 4, 29, 13, 59), dt.date(2026, 4, 30)),  # Wednesday before the deadline
        (ny(2026, 4, 29, 14, 0), dt.date(2026, 5, 1)),  # at the deadline: next one
        (ny(2026, 5, 1, 15, 0), dt.date(2026, 5, 5)),  # Friday afternoon: Tuesday
        (ny(2026, 5, 2, 10, 0), dt.date(2026, 5, 5)),  # Saturday: Tuesday
        (ny(2026, 5, 1, 10, 0), dt.date(2026, 5, 4)),  # Friday morning: Monday
        (ny(2026, 11, 25, 10, 0), dt.date(2026, 11, 27)),  # Thanksgiving skipped
    ],
)
def test_listing_date_for_submission(submitted, listing):
    assert schedule.listing_date_for_submission(submitted) == listing


def test_submission_windows_tile_time_and_agree_with_the_derivation():
    dates = schedule.listing_dates(dt.date(2026, 11, 20), dt.date(2026, 12, 8))
    assert dt.date(2026, 11, 26) not in dates and dt.date(2026, 11, 28) not in dates
    for previous, current in itertools.pairwise(dates):
        start, end = schedule.submission_window(current)
        assert start == schedule.submission_window(previous)[1]
        assert schedule.listing_date_for_submission(start) == current
        assert schedule.listing_date_for_submission(end - dt.timedelta(minutes=1)) == current


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 7, 5, 12, 0, tzinfo=UTC),  # Sunday in summer
        dt.datetime(2026, 12, 6, 12, 0, tzinfo=UTC),  # Sunday in winter
    ],
)
def test_beat_runs_the_ingest_at_20_05_new_york_whatever_the_season(now):
    entry = settings.CELERY_BEAT_SCHEDULE["ingest-after-announcement"]
    assert entry["task"] == ingest_announcement.name
    cron = copy.copy(entry["schedule"])
    cron.nowfun = lambda: now
    next_run = (now + cron.remaining_estimate(now)).astimezone(NY)
    assert (next_run.date(), next_run.time()) == (now.astimezone(NY).date(), dt.time(20, 5))


def test_beat_has_catch_up_runs_and_a_pending_metadata_retry():
    ingest = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] in (ingest_announcement.name, ingest_pending_metadata.name)
    ]
    tasks = [entry["task"] for entry in ingest]
    assert tasks.count(ingest_announcement.name) == 3
    assert tasks.count(ingest_pending_metadata.name) == 1
    assert all(isinstance(entry["schedule"], crontab) for entry in ingest)
    assert celery_app.timezone == NY  # crontabs are read in arXiv's zone
