"""Authorization rows for the medication list pages and API."""

from datetime import date

from medications.services import add_medication
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint


def _participant(world):
    return {"participant_id": world.participant.public_id}


def _medication(world):
    row = add_medication(
        world.participant, by=world.therapist, code="sertraline", started_on=date(2026, 9, 8)
    )
    return {"participant_id": world.participant.public_id, "medication_id": row.public_id}


ADD = {"code": "buprenorphine-naloxone", "dose": "16 mg daily", "started_on": "2026-09-08"}
# The page's form names "Not prescribed here" as a choice; the API leaves the prescriber out.
WEB_ADD = {**ADD, "prescribed_by": "elsewhere"}

ENDPOINTS = {
    "medications:tab": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "medications:stop": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_medication,
        data=lambda w: {"stopped_on": "2026-11-01", "reason": "Side effects", "version": 1},
    ),
    "api:list_medications": Endpoint("API_GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "api:add_medication": Endpoint(
        "API_POST", frozenset(CLINICAL_WRITE), kwargs=_participant, data=lambda w: ADD
    ),
}
MORE_CASES = {
    "medications:tab": [
        Endpoint("POST", frozenset(CLINICAL_WRITE), kwargs=_participant, data=lambda w: WEB_ADD),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_participant,
            data=lambda w: {"code": "", "name": "", "started_on": "2026-09-08"},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
