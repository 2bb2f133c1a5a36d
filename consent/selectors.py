"""Reads of the consents shared by the tab, the API and the record export, in one query."""

from datetime import date

from consent.models import Consent, Disclosure
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


def disclosures_for(participant: Participant) -> list[Disclosure]:
    """The accounting of disclosures: every copy of the record given out, newest first, with
    the consent each relied on."""
    return list(
        Disclosure.objects.current()
        .filter(participant=participant)
        .select_related("consent", "recorded_by")
        .order_by("-recorded_at", "-id")
    )
