"""Race and ethnicity as the participant reports them, for equity reporting on the board.

The categories are the OMB 1997 minimum categories (Statistical Policy Directive No. 15,
62 FR 58782). They are not in the program's clinical reference; the entry page says so.
"""

from typing import Any

from django.db import transaction

from audit.models import Action
from audit.services import record_event
from outcomes import facts
from outcomes.models import Ethnicity, Race, ReportingDemographics
from participants.access import Scope, require
from participants.models import Participant
from tandem import lifecycle
from tandem.errors import ConcurrentEdit, InvalidInput

SOURCE_NOTE = (
    "Categories: the OMB minimum categories for race and ethnicity (Statistical Policy "
    "Directive No. 15, 1997 revision, 62 FR 58782). They are not in the program's clinical "
    "reference. Asked of the participant and recorded as they answer; never guessed."
)


def current(participant: Participant) -> ReportingDemographics | None:
    return ReportingDemographics.objects.filter(participant=participant).first()


def record(
    participant: Participant, *, by: Any, race: str, ethnicity: str, expected_version: int
) -> ReportingDemographics:
    """Record (or change) the answers; each change is a new version, audited with what
    changed, and refused when someone saved in between (`expected_version` 0: none yet)."""
    if race not in Race.values:
        raise InvalidInput("Choose a race category from the list.", field="race")
    if ethnicity not in Ethnicity.values:
        raise InvalidInput("Choose an ethnicity from the list.", field="ethnicity")
    decision = require(by, participant, Action.CHANGE, Scope.DEMOGRAPHICS)
    with transaction.atomic():
        existing = ReportingDemographics.objects.filter(participant=participant).first()
        if existing is None:
            if expected_version != 0:
                raise ConcurrentEdit("race and ethnicity")
            row = ReportingDemographics.objects.create(
                participant=participant, race=race, ethnicity=ethnicity
            )
            before = {}
        else:
            row = lifecycle.lock_current(
                ReportingDemographics,
                existing.pk,
                expected_version=expected_version,
                what="race and ethnicity",
            )
            before = {"race": row.race, "ethnicity": row.ethnicity}
            if before == {"race": race, "ethnicity": ethnicity}:
                return row
            row.race, row.ethnicity = race, ethnicity
            lifecycle.save_new_version(row, ["race", "ethnicity"])
        record_event(
            actor=by,
            event_type="outcomes.demographics_recorded",
            participant=participant,
            record=row,
            decision=decision,
            details={
                "fields": sorted(
                    n for n in ("race", "ethnicity") if before.get(n) != getattr(row, n)
                )
            },
        )
        facts.mark([participant.pk])  # the board's race and ethnicity figures
    return row
