"""Likely matches for a new referral, so one person does not end up with two records.

A second record splits a person's history: allergies, risk and medications recorded on one
are missing from the other. Matches come only from `visible_participants` (identity only).
"""

import re
import unicodedata
from datetime import date
from difflib import SequenceMatcher

from django.db.models import Exists, OuterRef, Q

from audit.services import record_event
from participants.access import visible_participants
from participants.models import OPEN_STATUSES, Episode, Participant

# Two full names this similar (0..1) with the same birth date are worth a second look.
NAME_SIMILARITY = 0.8
# Fewer digits than this is not a phone number worth matching on.
PHONE_DIGITS = 7
MATCH_LIMIT = 10


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: "Zoë" and "ZOE" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def similar_names(first: str, last: str, other_first: str, other_last: str) -> bool:
    """Same last name and one first name starts the other, or the full names are close."""
    first, last, other_first, other_last = map(fold, (first, last, other_first, other_last))
    if (
        last == other_last
        and first
        and other_first
        and (first.startswith(other_first) or other_first.startswith(first))
    ):
        return True
    ratio = SequenceMatcher(None, f"{first} {last}", f"{other_first} {other_last}").ratio()
    return ratio >= NAME_SIMILARITY


def likely_matches(
    user,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    phone: str = "",
    email: str = "",
) -> list[tuple[Participant, list[str]]]:
    """Participants the user may find who are likely the person being referred, each with
    why it matched ("birth date and name", "phone", "email") and `has_open_episode`: whether
    their care here is still open, or ended so they may be referred again."""
    digits = _digits(phone)
    query = Q()
    if date_of_birth is not None:
        query |= Q(date_of_birth=date_of_birth)
    if len(digits) >= PHONE_DIGITS:
        query |= Q(phone__contains=digits[-4:])
    if email:
        query |= Q(email__iexact=email.strip())
    if not query:
        return []
    found: list[tuple[Participant, list[str]]] = []
    open_episode = Episode.objects.filter(participant=OuterRef("pk"), status__in=OPEN_STATUSES)
    people = (
        visible_participants(user).filter(query).annotate(has_open_episode=Exists(open_episode))
    )
    for person in people.order_by("legal_last_name", "pk"):
        why = []
        if (
            date_of_birth is not None
            and person.date_of_birth == date_of_birth
            and similar_names(
                first_name, last_name, person.legal_first_name, person.legal_last_name
            )
        ):
            why.append("birth date and name")
        if len(digits) >= PHONE_DIGITS and _digits(person.phone) == digits:
            why.append("phone")
        if email and person.email.strip().casefold() == email.strip().casefold():
            why.append("email")
        if why:
            found.append((person, why))
        if len(found) >= MATCH_LIMIT:
            break
    return found


def record_matches_shown(user, matches: list[tuple[Participant, list[str]]]) -> None:
    """Showing the likely matches (on the page, or their ids in the API's answer) is a read
    of those participants: one event lists them."""
    if matches:
        record_event(
            actor=user,
            event_type="participant.likely_matches_shown",
            record_type="participants.Participant",
            listed=[person for person, _why in matches],
        )
