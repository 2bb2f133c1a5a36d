"""Reads of the medication list shared by the tab and the API, in fixed queries."""

from collections.abc import Callable, Sequence
from datetime import date

from medications.models import Medication
from tandem.hooks import Hook

# Adherence as reported in check-ins: a module that records it (the daily check-in) adds
# `provider(participant, medications) -> {medication pk: "taken as prescribed", ...}`.
AdherenceProvider = Callable[[object, Sequence[Medication]], dict[int, str]]
ADHERENCE: Hook[AdherenceProvider] = Hook("medications.adherence")


def medications_for(participant, today: date) -> list[Medication]:
    """Current list entries: the ones taken now first, then stopped ones, newest first.

    Each carries `stopped`: stopped before `today` (the program's date). A stop recorded
    ahead (the last day of a taper) leaves the medication taken until that day."""
    rows = list(
        Medication.objects.current()
        .filter(participant=participant)
        .select_related("prescribed_by")
        .order_by("-started_on", "-id")
    )
    for m in rows:
        m.stopped = m.stopped_on is not None and m.stopped_on < today
    return sorted(rows, key=lambda m: m.stopped)


def taken_on(participant, day) -> list[Medication]:
    """The current list entries taken that day (one query)."""
    rows = Medication.objects.current().filter(participant=participant, started_on__lte=day)
    return [m for m in rows if m.taken_on(day)]


def adherence(participant, medications: Sequence[Medication]) -> dict[int, str]:
    found: dict[int, str] = {}
    for provider in ADHERENCE.implementations():
        found.update(provider(participant, medications))
    return found
