"""Weeks, local dates and UTC instants in a program's time zone.

A program's week runs Monday to Sunday in its own zone. Dated sessions are stored as UTC
instants computed from the local date and wall-clock time, so a 9:00 group is at 9:00 on
both sides of a daylight-saving change (the UTC hour moves instead).
"""

from datetime import UTC, date, datetime, time, timedelta

DAYS_PER_WEEK = 7


def week_start(day: date) -> date:
    """The Monday of the week that contains `day`."""
    return day - timedelta(days=day.weekday())


def week_dates(monday: date) -> list[date]:
    """The seven dates of the week starting on `monday`."""
    return [monday + timedelta(days=offset) for offset in range(DAYS_PER_WEEK)]


def dates_between(first: date, last: date) -> list[date]:
    """Every date from `first` to `last`, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def local_instant(program, day: date, at: time) -> datetime:
    """The UTC instant of a wall-clock time on a local date in the program's zone."""
    return datetime.combine(day, at, tzinfo=program.tz).astimezone(UTC)


def session_span(program, day: date, start: time, minutes: int) -> tuple[datetime, datetime]:
    """UTC start and end of a session that runs `minutes` of wall-clock time from `start`."""
    local_start = datetime.combine(day, start)
    local_end = local_start + timedelta(minutes=minutes)
    return (
        local_start.replace(tzinfo=program.tz).astimezone(UTC),
        local_end.replace(tzinfo=program.tz).astimezone(UTC),
    )


def week_bounds(program, monday: date) -> tuple[datetime, datetime]:
    """UTC instants of local midnight starting the week and starting the next week."""
    return (
        local_instant(program, monday, time(0)),
        local_instant(program, monday + timedelta(days=DAYS_PER_WEEK), time(0)),
    )


def in_care_days(monday: date, admitted_on: date | None, discharged_on: date | None) -> set[int]:
    """Weekdays of the week starting `monday` on which the episode was in care."""
    first = max(monday, admitted_on) if admitted_on else monday
    last = monday + timedelta(days=DAYS_PER_WEEK - 1)
    if discharged_on is not None:
        last = min(last, discharged_on)
    return {(day - monday).days for day in dates_between(first, last)} if first <= last else set()


def is_partial_week(monday: date, admitted_on: date | None, discharged_on: date | None) -> bool:
    """Was the episode admitted after this Monday or discharged before this Sunday?"""
    return len(in_care_days(monday, admitted_on, discharged_on)) < DAYS_PER_WEEK


def prorated_minutes(
    weekly: int,
    monday: date,
    admitted_on: date | None,
    discharged_on: date | None,
    weekdays: frozenset[int],
) -> int:
    """The week's requirement for an episode that starts or ends inside it.

    A participant admitted on Thursday cannot attend Monday's groups, so holding them to the
    whole week's minutes would flag every admission week as under-dosed. The requirement is the
    share of the program's group days (``weekdays``) on which they were in care, rounded up to
    the minute. This is Tandem's program rule for partial weeks, not a payer or clinical rule:
    a whole week, or a program with no groups defined, keeps the full requirement.
    """
    days = in_care_days(monday, admitted_on, discharged_on)
    if len(days) == DAYS_PER_WEEK or not weekdays:
        return weekly
    return -(-weekly * len(days & weekdays) // len(weekdays))
