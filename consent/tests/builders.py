"""Consents as they exist in the database, for tests of what reads them."""

from datetime import UTC, date, datetime
from typing import Any

from consent.models import Consent

RECORDED_AT = datetime(2026, 9, 8, 15, 0, tzinfo=UTC)
BEFORE_PARTS: dict[str, Any] = {
    "kind": "part2",
    "discloser": "Riverside IOP",
    "information": "Attendance and treatment plan",
    "recipients": "Northside Clinic, Dr A. Example",
    "purpose": "Coordination of care at my request",
    "expiry": "date",
    "expires_on": date(2026, 12, 31),
    "signed_on": date(2026, 9, 8),
}


def recorded_before_parts(world, **changes: Any) -> Consent:
    """A Part 2 consent recorded before consents listed the parts of the record they cover:
    its row as the service wrote it then, with no parts. Saved as that row, since recording a
    new one without parts is refused now."""
    consent = Consent(
        participant=world.participant,
        episode=world.episode,
        recorded_by=world.therapist,
        recorded_at=RECORDED_AT,
        **(BEFORE_PARTS | changes),
    )
    consent.save()
    return consent
