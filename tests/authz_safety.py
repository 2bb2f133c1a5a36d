"""Authorization rows for the safety plan tab."""

from safety.services import save_draft
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint

STEPS = {"warning_signs": "Not answering my phone", "reasons_for_living": "My daughter"}


def _participant(world):
    return {"participant_id": world.participant.public_id}


def _with_draft(world):
    save_draft(world.participant, by=world.therapist, steps=STEPS, expected_version=None)
    return _participant(world)


ENDPOINTS = {
    "safety:tab": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_participant),
    "safety:confirm": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with_draft,
        data=lambda w: {"version": 1, "number": 1, "written_with_participant": "on"},
    ),
}
MORE_CASES = {
    "safety:tab": [
        Endpoint("POST", frozenset(CLINICAL_WRITE), kwargs=_participant, data=lambda w: STEPS),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_participant,
            data=lambda w: {"warning_signs": "x" * 5000},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
