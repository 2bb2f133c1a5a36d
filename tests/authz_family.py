"""Authorization rows for the Support people tab: the care team and oversight read and add
support people, as they read and change the rest of the clinical record; what a consent shares
with one is recorded by whoever records consents."""

from datetime import date

from consent.services import record_consent
from family.models import SupportPerson
from family.services import add_support_person
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint

# Recording what a consent shares is recording consents: not peer specialists.
CONSENT_WRITE = frozenset(CLINICAL_WRITE - {"peer"})


def _participant(world):
    return {"participant_id": world.participant.public_id}


def _person(world):
    row = add_support_person(
        world.participant, by=world.therapist, name="Dana Example", relationship="sister"
    )
    return {"participant_id": world.participant.public_id, "person_id": row.public_id}


def _shared(world):
    consent = record_consent(
        world.participant,
        by=world.therapist,
        kind="part2",
        discloser="Adult IOP",
        information="Session times",
        parts=["attendance"],
        recipients="Dana Example, my sister",
        purpose="At my request",
        expiry="end_of_treatment",
        signed_on=date(2026, 9, 8),
    )
    return {"consent": str(consent.public_id), "schedule": "on"}


def _shared_with(world):
    """The support person the matrix's world shares with (`tests.authz.share_with_support`),
    who has a sign-in: a new sign-in link for them, shown once."""
    row = SupportPerson.objects.get(user=world.users["support"])
    return {"participant_id": world.participant.public_id, "person_id": row.public_id}


ADD = {"name": "Dana Example", "relationship": "sister", "phone": "555-0100"}

ENDPOINTS = {
    "family:tab": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "family:entered_in_error": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), kwargs=_person, data=lambda w: {"reason": "Wrong name"}
    ),
    "family:share": Endpoint("POST", CONSENT_WRITE, kwargs=_person, data=_shared),
    # Giving a sign-in: whoever holds `portal.invite` and reaches the record.
    "family:invite": Endpoint("POST", frozenset(CLINICAL_WRITE), kwargs=_shared_with),
}
MORE_CASES = {
    "family:tab": [
        Endpoint("POST", frozenset(CLINICAL_WRITE), kwargs=_participant, data=lambda w: ADD),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_participant,
            data=lambda w: {"name": "Dana Example"},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
