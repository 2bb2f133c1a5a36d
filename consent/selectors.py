"""Reads of the consents shared by the tab, the API and the record export, in one query."""

from datetime import date, datetime, time, tzinfo

from django.db.models import QuerySet

from consent.models import Consent, ConsentKind, Disclosure
from consent.recipients import attach_named
from participants.models import Participant


def consents_for(participant: Participant, today: date) -> list[Consent]:
    """The participant's current consents, newest signature first, each carrying `status`
    (its status on `today`, the program's date) and `named` (the recipients it names from the
    lists other modules keep: the payers)."""
    rows = list(
        Consent.objects.current()
        .filter(participant=participant)
        .select_related(
            "episode", "recorded_by", "revocation", "revocation__recorded_by", "event_marked_by"
        )
        .order_by("-signed_on", "-id")
    )
    for row in rows:
        row.status = row.status_on(today)
    attach_named(rows)
    return rows


def part2_consents(participant_ids: list[int]) -> QuerySet[Consent]:
    """The current Part 2 consents of several participants, with what `Consent.status_on`
    reads (the revocation, the stay), for a list that asks what each may have disclosed on a
    day (`Consent.discloses_on`); a list that reads it beside other statements runs it with
    them."""
    return (
        Consent.objects.current()
        .filter(participant_id__in=participant_ids, kind=ConsentKind.PART2)
        .select_related("episode", "revocation")
        .order_by("participant_id", "signed_on", "id")
    )


def disclosures_for(participant: Participant) -> list[Disclosure]:
    """The accounting of disclosures: every copy of the record given out, newest first, with
    the consent each relied on."""
    return list(
        Disclosure.objects.current()
        .filter(participant=participant)
        .select_related("consent", "recorded_by")
        .order_by("-recorded_at", "-id")
    )


# 42 CFR §2.25 (clinical reference §4a): the accounting covers the disclosures of 3 years.
ACCOUNTING_YEARS = 3


def accounting_since(today: date) -> date:
    """The first day the accounting of disclosures covers: the same day 3 years before
    `today` (28 February for a 29 February)."""
    year = today.year - ACCOUNTING_YEARS
    if today.month == 2 and today.day == 29:
        return date(year, 2, 28)
    return today.replace(year=year)


def accounting_for(participant: Participant, today: date, zone: tzinfo) -> list[Disclosure]:
    """The accounting of disclosures (§2.25): every copy given out from the first day it
    covers (in the program's zone) to now, newest first, with the consent each relied on."""
    start = datetime.combine(accounting_since(today), time.min, tzinfo=zone)
    return list(
        Disclosure.objects.current()
        .filter(participant=participant, recorded_at__gte=start)
        .select_related("consent", "recorded_by")
        .order_by("-recorded_at", "-id")
    )
