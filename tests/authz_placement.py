"""Authorization rows for the Level of care tab (clinical scope).

Recording a level-of-care decision is for licensed clinicians: peer specialists, nurses and
case managers on the care team are refused (and audited). Admitting and closing after a
referral out are open to the whole care team, like any episode move.
"""

from accounts.models import LevelOfCare
from participants.models import Episode, EpisodeStatus
from placement.tests.builders import IOP_RATINGS, NOTES, record
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint

CLINICIANS = frozenset(CLINICAL_WRITE - {"peer", "nurse", "casemanager"})
# Admit and close act on an episode not yet admitted, which intake coordinators reach too.
PRE_ADMISSION_WRITE = frozenset(CLINICAL_WRITE | {"intake"})


def _decision_form(action: str) -> dict:
    data: dict[str, str | int] = {"chosen_level": LevelOfCare.IOP, "action": action}
    for dimension, rating in IOP_RATINGS.items():
        data[f"rating_{dimension}"] = rating
        data[f"note_{dimension}"] = NOTES[dimension]
    return data


def _screening(world) -> None:
    """Set the matrix's participant back to screening (test set-up, not a lifecycle move)."""
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.SCREENING, admitted_on=None
    )
    world.episode.refresh_from_db()


def _decided_for_iop(world) -> dict:
    _screening(world)
    record(world.episode, by=world.therapist)
    return {"participant_id": world.participant.public_id}


def _referred_out(world) -> dict:
    _screening(world)
    record(
        world.episode,
        by=world.therapist,
        level=LevelOfCare.RESIDENTIAL,
        ratings={**IOP_RATINGS, "6": 4},
        refer_to="Cedar House Residential",
    )
    return {"participant_id": world.participant.public_id}


def _episode_version(world) -> int:
    return Episode.objects.get(pk=world.episode.pk).version


def _decision_body(world) -> dict:
    return {
        "ratings": IOP_RATINGS,
        "notes": NOTES,
        "chosen_level": LevelOfCare.IOP,
        "decided_on": world.program.today().isoformat(),
    }


ENDPOINTS = {
    "placement:level_of_care": Endpoint("GET", frozenset(CLINICAL_READ)),
    "api:level_of_care_decisions": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:record_level_of_care": Endpoint("API_POST", CLINICIANS, data=_decision_body),
    "placement:decide": Endpoint("POST", CLINICIANS, data=lambda w: _decision_form("record")),
    "placement:admit": Endpoint(
        "POST",
        PRE_ADMISSION_WRITE,
        kwargs=_decided_for_iop,
        data=lambda w: {
            "admitted_on": w.program.today().isoformat(),
            "primary_clinician": w.therapist.pk,
            "version": _episode_version(w),
        },
        break_glass=frozenset({"outsider"}),
    ),
    "placement:close_episode": Endpoint(
        "POST",
        PRE_ADMISSION_WRITE,
        kwargs=_referred_out,
        data=lambda w: {
            "to_status": "transferred_out",
            "on": w.program.today().isoformat(),
            "version": _episode_version(w),
            "confirm": "on",
        },
        break_glass=frozenset({"outsider"}),
    ),
}


MORE_CASES = {
    "placement:decide": [
        # A preview writes nothing but shows the recommendation: one view event.
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            data=lambda w: _decision_form("preview"),
            case="preview",
        ),
        # No ratings: the tab comes back with the form's errors.
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            data=lambda w: {"action": "record", "chosen_level": LevelOfCare.IOP},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
