"""Medication adherence as the participant reports it in check-ins, for the medication tab
and the API (registered with `medications.selectors.ADHERENCE`).

A check-in asks once about all listed medications (took all, missed some, took none), so
each medication's line counts the check-ins of the last two weeks on days it was on the
list. For a medication for opioid use disorder the line leads with the missed-dose pattern
that also alerts the prescriber (`rules.MOUD_MISSED`).
"""

from datetime import datetime, timedelta

from django.utils import timezone

from checkins import rules
from checkins.models import MISSED_DOSES, CheckIn, MedicationsTaken
from medications import catalog
from participants.selectors import program_zone

WINDOW_DAYS = 14


def reported(participant, medications, *, now: datetime | None = None) -> dict[int, str]:
    """`{medication pk: "took all on 5 of 6 check-ins …"}` in one query.

    Days are the program's: an evening check-in in a program west of UTC belongs to that
    evening's day, as the dose it reports does, not to the next one."""
    if not medications:
        return {}
    now = now or timezone.now()
    zone = program_zone(participant)
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=WINDOW_DAYS - 1)
    answers = [
        (at.astimezone(zone).date(), taken)
        for at, taken in CheckIn.objects.current()
        .filter(
            participant=participant,
            recorded_at__gte=datetime.combine(first_day, datetime.min.time(), tzinfo=zone),
            recorded_at__lte=now,
        )
        .exclude(medications_taken="")
        .values_list("recorded_at", "medications_taken")
    ]
    moud_window = today - timedelta(days=rules.MOUD_MISSED.params["within_days"])
    found = {}
    for m in medications:
        mine = [(day, taken) for day, taken in answers if m.taken_on(day)]
        if not mine:
            continue
        took = sum(1 for _day, taken in mine if taken == MedicationsTaken.ALL)
        missed = sum(1 for _day, taken in mine if taken in MISSED_DOSES)
        line = f"Took all on {took} of {len(mine)} check-ins in the last {WINDOW_DAYS} days"
        if missed:
            line += f"; missed doses on {missed}"
        recent = sum(1 for day, taken in mine if taken in MISSED_DOSES and day > moud_window)
        if m.group == catalog.OUD and recent >= rules.MOUD_MISSED.params["times"]:
            line = (
                f"Missed MOUD doses on {recent} check-ins in the last "
                f"{rules.MOUD_MISSED.params['within_days']} days. {line}"
            )
        found[m.pk] = line + "."
    return found
