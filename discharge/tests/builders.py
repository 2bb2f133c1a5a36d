"""Discharging the world's participant, the way every discharge test starts."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from assessments.services import record_administration
from discharge import services
from discharge.models import Discharge, DischargeSummary
from discharge.summary import current_summary
from measurement.tests.conftest import phq9_answers
from screens.models import Panel
from screens.services import record_screen

DISCHARGE_DAY = date(2026, 11, 20)
# 3 pm on the discharge day where the world's program is (Chicago): the clock the discharge
# tests run at, so a discharge dated that day is today whatever day they run.
DISCHARGE_AFTERNOON = datetime.combine(DISCHARGE_DAY, time(15), tzinfo=ZoneInfo("America/Chicago"))
# The aftercare page's form and the follow-up questionnaire read on a call, as posted.
AFTERCARE_FORM = {
    "next_level_of_care": "Standard outpatient",
    "next_provider": "Community clinic",
    "first_appointment_on": "2026-11-24",
    "first_appointment_at": "10:00",
    "first_appointment_place": "Main Street clinic",
    "next_prescriber": "Dr Lee",
    "crisis_resources": "988",
    "version": 1,
}
CALL_ANSWERS = {
    "used": "no",
    "in_treatment": "yes",
    "medication": "none",
    "employment": "1",
    "housing": "3",
    "arrests": "0",
    "emergency_visits": "0",
    **{f"item-{i}": "3" for i in range(1, 6)},
}


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


def summary_of(record: Discharge) -> DischargeSummary:
    """The discharge's current summary (discharging drafts one)."""
    row = current_summary(record)
    assert row is not None
    return row


def link_in(message: str) -> str:
    """The path of the single-use link a follow-up message carries."""
    found = re.search(r"https?://[^/\s]+(/l/[^\s]+/)", message)
    assert found is not None, message
    return found.group(1)


def phq9(world, total: int, at: datetime) -> None:
    """A PHQ-9 of `total` points the world's participant completed at `at`."""
    record_administration(
        world.participant,
        code="phq-9",
        answers=phq9_answers(total),
        mode="staff-entered",
        by=world.director,
        completed_at=at,
    )


def screen(world, cup: Panel, at: datetime, validity: str = "valid", **positive: str) -> None:
    """A drug screen of `cup` collected at `at`, negative but for the analytes named."""
    values = {a.code: positive.get(a.code, "negative") for a in cup.analytes.all()}
    record_screen(
        world.participant,
        by=world.therapist,
        panel=cup,
        results=values,
        collected_at=at,
        observed=True,
        validity=validity,
        now=at,
    )
