"""Writes of support people: adding one, withdrawing one added by mistake.

Each asks the access policy first (a change to the clinical record), then writes in one
transaction with its audit event.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from family.models import SupportPerson
from participants.access import Scope, require
from participants.models import Participant
from tandem import lifecycle
from tandem.validation import validate


def add_support_person(
    participant: Participant,
    *,
    by: Any,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    emergency_contact: bool = False,
    now: datetime | None = None,
) -> SupportPerson:
    """Record someone the participant names as a support; a missing name or relationship is
    refused by name, nothing written."""
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    person = SupportPerson(
        participant=participant,
        name=(name or "").strip(),
        relationship=(relationship or "").strip(),
        phone=(phone or "").strip(),
        email=(email or "").strip(),
        emergency_contact=bool(emergency_contact),
        recorded_by=by,
        recorded_at=now or timezone.now(),
    )
    validate(person, exclude=["participant", "recorded_by"])
    with transaction.atomic():
        person.save()
        record_event(
            actor=by,
            event_type="support_person.added",
            decision=decision,
            participant=participant,
            record=person,
            details={"emergency_contact": person.emergency_contact},
        )
    return person


def mark_entered_in_error(
    person: SupportPerson, *, by: Any, reason: str, now: datetime | None = None
) -> SupportPerson:
    """Withdraw a support person added by mistake: they stay in the history and leave the list."""
    decision = require(by, person.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            person,
            by=by,
            reason=reason,
            decision=decision,
            now=now,
            what="support person",
            event_type="support_person.entered_in_error",
        )
