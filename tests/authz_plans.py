"""Authorization rows for the Plan tab and the treatment-plan API (clinical scope).

The whole care team drafts a plan and records an in-person acknowledgement; signing,
recording a review and marking one entered in error (on the page or the API) are for licensed
clinicians (`plan.sign`), co-signing for supervisors and directors (`plan.cosign`); the others
are refused, and the refusal is audited.
"""

from plans import services
from plans.models import TreatmentPlan
from plans.tests.builders import drafted, signed
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint

CLINICIANS = frozenset(CLINICAL_WRITE - {"peer", "nurse", "casemanager"})
COSIGNERS = frozenset({"director", "supervisor"})


def _draft(world) -> dict:
    return {"participant_id": world.participant.public_id, "plan_id": drafted(world).public_id}


def _signed(world) -> dict:
    return {"participant_id": world.participant.public_id, "plan_id": signed(world).public_id}


def _objective(world) -> dict:
    plan = signed(world)
    return {
        "participant_id": world.participant.public_id,
        "plan_id": plan.public_id,
        "objective_id": plan.objectives.get().public_id,
    }


def _reviewed(world) -> dict:
    """The signed plan's review, recorded by the primary clinician."""
    plan = signed(world)
    review = services.record_review(
        plan,
        by=world.therapist,
        reason="scheduled",
        note="Still the right plan.",
        reviewed_on=world.program.today(),
    )
    return {
        "participant_id": world.participant.public_id,
        "plan_id": plan.public_id,
        "review_id": review.public_id,
    }


def _api_reviewed(world) -> dict:
    reviewed = _reviewed(world)
    return {"plan_id": reviewed["plan_id"], "review_id": reviewed["review_id"]}


def _api_draft(world) -> dict:
    return {"plan_id": drafted(world).public_id}


def _draft_version(world) -> int:
    return TreatmentPlan.objects.filter(participant=world.participant).latest("number").version


def _new_problem(world) -> dict:
    return {
        "kind": "problem",
        "version": _draft_version(world),
        "domain": "housing",
        "statement": "Sleeping on a friend's couch",
        "dimensions": ["6"],
    }


ENDPOINTS = {
    "plans:plan": Endpoint("GET", frozenset(CLINICAL_READ)),
    "plans:start": Endpoint("POST", frozenset(CLINICAL_WRITE)),
    "plans:version": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_signed),
    "plans:edit": Endpoint("POST", frozenset(CLINICAL_WRITE), kwargs=_draft, data=_new_problem),
    "plans:revise": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_signed,
        data=lambda w: {"change_summary": "Add the housing problem"},
    ),
    "plans:sign": Endpoint(
        "POST",
        CLINICIANS,
        kwargs=_draft,
        data=lambda w: {"version": _draft_version(w)},
        break_glass=frozenset({"outsider"}),
    ),
    "plans:acknowledge": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), kwargs=_signed, data=lambda w: {"comment": "Agrees"}
    ),
    "plans:cosign": Endpoint("POST", COSIGNERS, kwargs=_signed, break_glass=frozenset()),
    "plans:review": Endpoint(
        "POST",
        CLINICIANS,
        kwargs=_signed,
        data=lambda w: {
            "reason": "scheduled",
            "reviewed_on": w.program.today().isoformat(),
            "note": "Still the right plan.",
        },
        break_glass=frozenset({"outsider"}),
    ),
    "plans:objective": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_objective),
    "plans:entered_in_error": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_signed,
        data=lambda w: {"reason": "Written on the wrong chart"},
    ),
    "plans:review_entered_in_error": Endpoint(
        "POST",
        CLINICIANS,
        kwargs=_reviewed,
        data=lambda w: {"reason": "Recorded on the wrong chart"},
        break_glass=frozenset({"outsider"}),
    ),
    "api:list_plans": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:current_plan": Endpoint(
        "API_GET",
        frozenset(CLINICAL_READ),
        kwargs=lambda w: {"participant_id": signed(w).participant.public_id},
    ),
    "api:draft_plan": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        data=lambda w: {
            "problems": [
                {
                    "domain": "substance_use",
                    "statement": "Drinking daily",
                    "dimensions": ["5"],
                    "goals": [{"text": "I want my mornings back"}],
                }
            ]
        },
    ),
    "api:sign_plan": Endpoint(
        "API_POST",
        CLINICIANS,
        kwargs=_api_draft,
        data=lambda w: {"version": _draft_version(w)},
        break_glass=frozenset({"outsider"}),
    ),
    "api:review_plan": Endpoint(
        "API_POST",
        CLINICIANS,
        kwargs=lambda w: {"plan_id": signed(w).public_id},
        data=lambda w: {
            "reason": "scheduled",
            "reviewed_on": w.program.today().isoformat(),
            "note": "Still the right plan.",
        },
        break_glass=frozenset({"outsider"}),
    ),
    "api:review_entered_in_error": Endpoint(
        "API_POST",
        CLINICIANS,
        kwargs=_api_reviewed,
        data=lambda w: {"reason": "Recorded on the wrong chart"},
        break_glass=frozenset({"outsider"}),
    ),
}

MORE_CASES = {
    "plans:edit": [
        Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_draft),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_draft,
            data=lambda w: {**_new_problem(w), "statement": ""},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
    "plans:entered_in_error": [
        Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_signed),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_signed,
            data=lambda w: {"reason": ""},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
    "plans:review_entered_in_error": [
        Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_reviewed),
        Endpoint(
            "POST",
            CLINICIANS,
            kwargs=_reviewed,
            data=lambda w: {"reason": ""},
            status=frozenset({400}),
            case="invalid",
            break_glass=frozenset({"outsider"}),
        ),
    ],
}
