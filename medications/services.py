"""Writes to the medication list, each one decision, one transaction, one audit event."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from medications import catalog
from medications.models import Medication
from participants.access import Scope, may, require
from participants.models import Participant
from tandem import dates, lifecycle
from tandem.errors import InvalidInput
from tandem.validation import validate

PRESCRIBER_HERE = "Choose one of the program's prescribers, or name a prescriber elsewhere."


def add_medication(
    participant: Participant,
    *,
    by: Any,
    name: str = "",
    code: str = "",
    dose: str = "",
    prescribed_by: Any = None,
    prescribed_elsewhere: str = "",
    started_on: date,
    stopped_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Medication:
    """Put a medication on the list. A known code fills in the name when none is typed."""
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    code = (code or "").strip()
    name = (name or "").strip()
    known = catalog.known(code)
    if code and known is None:
        raise InvalidInput("Choose a medication from the list, or type its name.", field="code")
    if not name:
        if known is None:
            raise InvalidInput("Name the medication.", field="name")
        name = known.name
    dates.check(started_on, field="started_on", label="The start date")
    if stopped_on is not None:
        dates.check(stopped_on, field="stopped_on", label="The stop date")
    if prescribed_by is not None and not may(
        prescribed_by, "medication.prescribe", participant.organization_id
    ):
        raise InvalidInput(PRESCRIBER_HERE, field="prescribed_by")
    medication = Medication(
        participant=participant,
        code=code,
        name=name,
        dose=(dose or "").strip(),
        prescribed_by=prescribed_by,
        prescribed_elsewhere=(prescribed_elsewhere or "").strip(),
        started_on=started_on,
        stopped_on=stopped_on,
        note=(note or "").strip(),
        recorded_by=by,
        recorded_at=now or timezone.now(),
    )
    validate(medication, exclude=["participant", "recorded_by", "prescribed_by"])
    with transaction.atomic():
        medication.save()
        record_event(
            actor=by,
            event_type="medication.added",
            decision=decision,
            participant=participant,
            record=medication,
            details={"part2": medication.is_part2},
        )
    return medication


def stop_medication(
    medication: Medication, *, by: Any, stopped_on: date, reason: str, expected_version: int
) -> Medication:
    """Record the day a medication stopped and why; a second stop is refused."""
    decision = require(by, medication.participant, Action.CHANGE, Scope.CLINICAL)
    dates.check(stopped_on, field="stopped_on", label="The stop date")
    reason = (reason or "").strip()
    with transaction.atomic():
        row = lifecycle.lock_current(
            Medication, medication.pk, expected_version=expected_version, what="medication"
        )
        if row.entered_in_error:
            raise InvalidInput("This medication is entered in error.")
        if row.stopped_on is not None:
            raise InvalidInput("This medication is already recorded as stopped.")
        row.stopped_on = stopped_on
        row.stop_reason = reason
        validate(row, exclude=["participant", "recorded_by", "prescribed_by"])
        lifecycle.save_new_version(row, ["stopped_on", "stop_reason"])
        record_event(
            actor=by,
            event_type="medication.stopped",
            decision=decision,
            participant=row.participant,
            record=row,
            details={
                "part2": row.is_part2,
                "changes": {"stopped_on": {"before": None, "after": stopped_on.isoformat()}},
            },
        )
    return row


def mark_entered_in_error(medication: Medication, *, by: Any, reason: str) -> Medication:
    decision = require(by, medication.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            medication,
            by=by,
            reason=reason,
            decision=decision,
            what="medication",
            event_type="medication.entered_in_error",
        )
