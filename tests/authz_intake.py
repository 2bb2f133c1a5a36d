"""Authorization rows for the Intake and Diagnoses tabs (clinical scope).

Signing an intake and making or changing a diagnosis are for licensed clinicians: peer
specialists, nurses and case managers on the care team are refused (and audited) there.
"""

from intake import services
from intake.models import Intake
from intake.tests.builders import REQUIRED, fill_required
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint

NOT_CLINICIANS = {"peer", "nurse", "casemanager"}
CLINICIANS = frozenset(CLINICAL_WRITE - NOT_CLINICIANS)


def _intake(world) -> Intake:
    return services.start_intake(world.episode, by=world.therapist)


def _with_intake(world) -> dict:
    return {"participant_id": world.participant.public_id, "intake_id": _intake(world).public_id}


def _ready_to_sign(world) -> dict:
    intake = fill_required(_intake(world), world.therapist)
    return {"participant_id": world.participant.public_id, "intake_id": intake.public_id}


def _section(world) -> dict:
    return {**_with_intake(world), "key": "presenting"}


def _diagnosis(world) -> dict:
    diagnosis = services.add_diagnosis(
        world.episode,
        code="F10.20",
        status="provisional",
        made_on=world.program.today(),
        by=world.therapist,
    )
    return {"participant_id": world.participant.public_id, "diagnosis_id": diagnosis.public_id}


def _version_of_latest_intake(world) -> int:
    return Intake.objects.filter(episode=world.episode).latest("number").version


ENDPOINTS = {
    "intake:intake": Endpoint("GET", frozenset(CLINICAL_READ)),
    "intake:start": Endpoint("POST", frozenset(CLINICAL_WRITE)),
    "intake:version": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_with_intake),
    "intake:save_section": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_section,
        data=lambda w: {"version": 0, **REQUIRED["presenting"]},
    ),
    "intake:sign": Endpoint(
        "POST",
        CLINICIANS,
        kwargs=_ready_to_sign,
        data=lambda w: {"version": _version_of_latest_intake(w)},
    ),
    "intake:diagnoses": Endpoint("GET", frozenset(CLINICAL_READ)),
    "intake:diagnosis_add": Endpoint(
        "POST",
        CLINICIANS,
        data=lambda w: {
            "code": "F33.1",
            "status": "confirmed",
            "made_on": w.program.today().isoformat(),
        },
    ),
    "intake:diagnosis_status": Endpoint(
        "POST",
        CLINICIANS,
        kwargs=_diagnosis,
        data=lambda w: {"to_status": "confirmed", "version": 1},
    ),
}
