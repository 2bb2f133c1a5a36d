"""One clock for every page: times in the program's time zone, one format, zone named.

The program's zone is activated for each request (`composition.middleware.ProgramTimeZoneMiddleware`),
so these filters read the active zone. Loaded as template builtins: no `{% load %}` needed.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

DATE_FORMAT = "D j M Y"
CLOCK_FORMAT = "H:i"


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
    return date_format(_local(value, zone or ""), f"{DATE_FORMAT}, {CLOCK_FORMAT} T")


@register.filter
def clock(value: datetime | None) -> str:
    """A time of day on a page that already says the date and zone: "14:05"."""
    if not value:
        return ""
    return date_format(_local(value), CLOCK_FORMAT)


@register.filter
def day(value: date | datetime | None) -> str:
    """A calendar date: "Thu 3 Dec 2026" (a moment is first put in the program's zone)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return date_format(value, DATE_FORMAT)


@register.simple_tag
def zone_name() -> str:
    """The active zone's name, for a page heading that lists times ("Times in America/Chicago")."""
    return timezone.get_current_timezone_name()
