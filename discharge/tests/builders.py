"""Discharging the world's participant, the way every discharge test starts."""

from datetime import date, datetime, time

from discharge import services

DISCHARGE_DAY = date(2026, 11, 20)


def at(day: date, hour: int, program) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=program.tz)


def discharge_world(world, *, by=None, type="completed", consent=True, **extra):
    """Discharge the world's participant on DISCHARGE_DAY at 3 pm."""
    values = {
        "type": type,
        "on": DISCHARGE_DAY,
        "reason": "Met the goals of the plan.",
        "expected_version": world.episode.version,
        "follow_up_consent": consent,
        "channel": "text" if consent else "",
        "now": at(DISCHARGE_DAY, 15, world.program),
    }
    values.update(extra)
    return services.discharge(world.episode, by=by or world.therapist, **values)
