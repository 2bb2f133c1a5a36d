"""Reads of the consents shared by the tab, the API and the record export, in one query."""

from datetime import date

from consent.models import Consent
from participants.models import Participant


def consents_for(participant: Participant, today: date) -> list[Consent]:
    """The participant's current consents, newest signature first, each carrying `status`
    (its status on `today`, the program's date)."""
    rows = list(
        Consent.objects.current()
        .filter(participant=participant)
        .select_related("episode", "recorded_by", "revocation", "revocation__recorded_by")
        .order_by("-signed_on", "-id")
    )
    for row in rows:
        row.status = row.status_on(today)
    return rows
