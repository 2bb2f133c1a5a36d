"""Authorization rows for the assessment pages and the participant assessment API."""

from assessments.services import record_administration
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint

PHQ9_ZEROES = {str(n): 0 for n in range(1, 10)}
POSTED_ZEROES = {f"item-{item}": "0" for item in PHQ9_ZEROES}


def _participant(world):
    return {"participant_id": world.participant.public_id}


def _instrument(world):
    return {"participant_id": world.participant.public_id, "code": "phq-9"}


def _administration(world):
    row = record_administration(
        world.participant,
        code="phq-9",
        answers=PHQ9_ZEROES,
        mode="staff-entered",
        by=world.therapist,
    )
    return {"participant_id": world.participant.public_id, "administration_id": row.public_id}


ENDPOINTS = {
    "assessments:tab": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "assessments:start": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "assessments:administer": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), kwargs=_instrument, data=lambda w: POSTED_ZEROES
    ),
    "assessments:self_report": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), kwargs=_instrument, data=lambda w: POSTED_ZEROES
    ),
    "assessments:result": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_administration),
    "assessments:self_report_done": Endpoint(
        "GET", frozenset(CLINICAL_READ), kwargs=_administration
    ),
    "assessments:correct": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_administration,
        data=lambda w: {**POSTED_ZEROES, "item-1": "1", "reason": "Item 1 was misread."},
    ),
    "assessments:entered_in_error": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_administration,
        data=lambda w: {"reason": "Recorded on the wrong chart."},
    ),
    "api:list_assessments": Endpoint("API_GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "api:record_assessment": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_participant,
        data=lambda w: {"instrument": "phq-9", "answers": PHQ9_ZEROES, "mode": "staff-entered"},
    ),
}

# Missing answer to item 9: the form comes back with its errors (and the record) as a 400.
POSTED_INCOMPLETE = {k: v for k, v in POSTED_ZEROES.items() if k != "item-9"}
MORE_CASES = {
    "assessments:administer": [
        Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_instrument),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_instrument,
            data=lambda w: POSTED_INCOMPLETE,
            status=frozenset({400}),
            case="invalid",
        ),
    ],
    "assessments:self_report": [
        Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_instrument),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_instrument,
            data=lambda w: POSTED_INCOMPLETE,
            status=frozenset({400}),
            case="invalid",
        ),
    ],
    "assessments:correct": [
        Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_administration),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_administration,
            data=lambda w: {**POSTED_INCOMPLETE, "reason": "Item 1 was misread."},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
