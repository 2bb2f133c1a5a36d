"""One clock for every page: times in the program's time zone, one format, zone named.

The program's zone is activated for each request (`composition.middleware.ProgramTimeZoneMiddleware`),
so these filters read the active zone. Loaded as template builtins: no `{% load %}` needed.
"""

from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import time_format
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS_ABBR
from django.utils.formats import get_format

register = template.Library()

DATE_FORMAT = "D j M Y"
SHORT_DATE_FORMAT = "D j M"
CLOCK_FORMAT = "H:i"


@cache
def _names(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The weekday and month abbreviations of a language, as Django's `D` and `M` write them,
    but with each month capitalised as the language writes its month names.

    The filters below write `DATE_FORMAT` and `CLOCK_FORMAT` themselves: a home page shows
    dozens of times, and Django's general formatter parses the format and looks each name up
    again for every one of them."""
    with translation.override(language):
        weekdays = tuple(str(WEEKDAYS_ABBR[d]) for d in range(7))
        # "Dec" in English, "dic" in Spanish: Django's `M` capitalises every language's.
        months = ("", *(_as_month_names(str(MONTHS_3[m]), str(MONTHS[m])) for m in range(1, 13)))
    return weekdays, months


def _as_month_names(abbreviation: str, name: str) -> str:
    return abbreviation.title() if name[:1].isupper() else abbreviation


def _short_date(value: date) -> str:
    weekdays, months = _names(translation.get_language())
    return f"{weekdays[value.weekday()]} {value.day} {months[value.month]}"


def _date(value: date) -> str:
    return f"{_short_date(value)} {value.year:04d}"


def _clock(value: datetime | time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


# The 12-hour clock as US programs write it: "9:05 AM".
TWELVE_HOUR_FORMAT = "g:i A"


@cache
def _portal_clock_format(language: str | None) -> str:
    """Django's own time format for the language, on a US program's 12-hour clock where that
    format is a 12-hour one (English's "P" writes "9:05 a.m." and "noon"); Spanish's "H:i"
    stays as it is."""
    own = get_format("TIME_FORMAT", language)
    return TWELVE_HOUR_FORMAT if any(c in own for c in "aAgPh") else own


def _portal_clock(value: datetime | time) -> str:
    return time_format(value, _portal_clock_format(translation.get_language()))


def _local(value: datetime, zone: str = "") -> datetime:
    if not timezone.is_aware(value):
        return value
    return timezone.localtime(value, ZoneInfo(zone) if zone else None)


@register.filter
def when(value: datetime | None, zone: str = "") -> str:
    """A moment: "Thu 3 Dec 2026, 14:05 CST" — the zone is named so no one has to guess.

    On a page across programs, `zone` is the zone of the program the row belongs to
    (`{{ alert.created_at|when:alert.episode.program.time_zone }}`)."""
    if not value:
        return ""
    local = _local(value, zone or "")
    return f"{_date(local)}, {_clock(local)} {local.tzname() or ''}".rstrip()


@register.filter
def clock(value: datetime | time | None, zone: str = "") -> str:
    """A time of day on a page that already says the date and zone: "14:05".

    On a page across programs, `zone` is the zone of the program the row belongs to, as for
    `when`; a time of day without a date (a group's start, working hours) is written as it is."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value, zone or "")
    return _clock(value)


@register.filter
def zone_letters(value: datetime | None, zone: str = "") -> str:
    """The letters of the zone a moment is shown in ("CST"), written after a row's times on a
    page across programs, as `when` writes them after its time."""
    if not value:
        return ""
    return _local(value, zone or "").tzname() or ""


@register.filter
def portal_clock(value: datetime | time | None, zone: str = "") -> str:
    """A time of day on a participant's page: "9:05 AM" in English (US programs), the
    24-hour clock in Spanish as Django writes it. Staff pages keep `clock`."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value, zone or "")
    return _portal_clock(value)


@register.filter
def portal_when(value: datetime | None, zone: str = "") -> str:
    """A moment on a participant's page, as `when` writes it with `portal_clock`'s time:
    "Thu 3 Dec 2026, 9:05 AM CST"."""
    if not value:
        return ""
    local = _local(value, zone or "")
    return f"{_date(local)}, {_portal_clock(local)} {local.tzname() or ''}".rstrip()


@register.filter
def day(value: date | datetime | None) -> str:
    """A calendar date: "Thu 3 Dec 2026" (a moment is first put in the program's zone)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return _date(value)


@register.filter
def short_day(value: date | datetime | None) -> str:
    """A day of a week whose full date the page already states: "Thu 3 Dec" (week grids,
    a pager's neighbouring days). Anywhere else a date is written in full with `day`."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return _short_date(value)


@register.filter
def month(value: date | datetime | None) -> str:
    """A calendar month, as `day` writes its month and year: "Dec 2026" ("dic 2026" in
    Spanish), for figures counted by month (the outcomes board's month of discharge)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    _, months = _names(translation.get_language())
    return f"{months[value.month]} {value.year:04d}"


# North America's zones as people name them, found by the first letters of the abbreviation
# the pages write after a time (CST and CDT are both Central time). Only for zones of the
# Americas and Hawaii: elsewhere the same letters name other zones (PST in Manila).
_SPOKEN_ZONES = {
    "E": "Eastern",
    "C": "Central",
    "M": "Mountain",
    "P": "Pacific",
    "AK": "Alaska",
    "H": "Hawaii",
    "A": "Atlantic",
}


@register.simple_tag
def zone_name(key: str = "") -> str:
    """A zone (the active one unless `key` names another, as a program's schedule does) as a
    page heading that lists times names it: "Central time (America/Chicago)", or the zone's
    own name where there is no everyday name for it."""
    key = key or timezone.get_current_timezone_name()
    if not key.startswith(("America/", "US/", "Pacific/Honolulu")):
        return key
    abbreviation = timezone.now().astimezone(ZoneInfo(key)).tzname() or ""
    spoken = _SPOKEN_ZONES.get(abbreviation.removesuffix("T")[:-1])
    return f"{spoken} time ({key})" if spoken else key
