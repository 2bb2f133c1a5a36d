"""Authorization rows for the Case management tab (CLINICAL scope) and the scheduler's answer
to a change request (SCHEDULE scope: the schedule's writers answer it). The resource
directory carries no participant id; its rule is tested in casemanagement/tests/."""

from datetime import date

from casemanagement import services
from casemanagement.national import national_resource
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, SCHEDULE_WRITE, Endpoint


def _barrier(world):
    return services.add_barrier(
        world.participant, by=world.casemanager, kind="transport", owner=world.casemanager
    )


def _referral(world):
    return services.refer(
        world.participant,
        by=world.casemanager,
        resource=national_resource("SMART Recovery"),
        made_on=date(2026, 11, 2),
    )


def _with(key: str, make):
    return lambda w: {"participant_id": w.participant.public_id, key: make(w).public_id}


def _change_request(world):
    return services.request_schedule_change(_barrier(world), by=world.casemanager, change="virtual")


def _task(world):
    from worklist.services import create_task

    return create_task(
        title="Call the clinic",
        due_on=date(2026, 11, 20),
        by=world.casemanager,
        participant=world.participant,
        owner=world.casemanager,
    )


ENDPOINTS = {
    "api:list_barriers": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:add_barrier": Endpoint(
        "API_POST", frozenset(CLINICAL_WRITE), data=lambda w: {"kind": "childcare"}
    ),
    "api:change_barrier": Endpoint(
        "API_PATCH",
        frozenset(CLINICAL_WRITE),
        kwargs=_with("barrier_id", _barrier),
        data=lambda w: {"status": "working", "version": 1},
    ),
    "api:list_referrals": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:add_referral": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        data=lambda w: {
            "resource": national_resource("SMART Recovery").public_id,
            "made_on": "2026-11-02",
        },
    ),
    "api:change_referral": Endpoint(
        "API_PATCH",
        frozenset(CLINICAL_WRITE),
        kwargs=_with("referral_id", _referral),
        data=lambda w: {"appointment_on": "2026-11-24", "version": 1},
    ),
    "api:list_tasks": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:add_task": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        data=lambda w: {"title": "Book the interpreter", "due_on": "2026-11-25"},
    ),
    "api:change_task": Endpoint(
        "API_PATCH",
        frozenset(CLINICAL_WRITE),
        kwargs=_with("task_id", _task),
        data=lambda w: {"action": "complete", "note": "Done.", "version": 1},
    ),
    "casemanagement:tab": Endpoint("GET", frozenset(CLINICAL_READ)),
    "casemanagement:barrier_add": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), data=lambda w: {"kind": "housing", "detail": "Shelter"}
    ),
    "casemanagement:barrier_status": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with("barrier_id", _barrier),
        data=lambda w: {"status": "working", "version": 1},
    ),
    "casemanagement:change_request": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with("barrier_id", _barrier),
        data=lambda w: {"change": "evening"},
    ),
    "casemanagement:change_answer": Endpoint(
        "POST",
        frozenset(SCHEDULE_WRITE),
        kwargs=_with("request_id", _change_request),
        data=lambda w: {"made": "yes", "version": 1},
    ),
    "casemanagement:referral_add": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        data=lambda w: {
            "resource": national_resource("NAMI HelpLine").pk,
            "made_on": "2026-11-10",
        },
    ),
    "casemanagement:referral_appointment": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with("referral_id", _referral),
        data=lambda w: {"appointment_on": "2026-11-20", "version": 1},
    ),
    "casemanagement:referral_outcome": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with("referral_id", _referral),
        data=lambda w: {"status": "cancelled", "version": 1},
        status=frozenset({200, 201, 302, 400}),
    ),
}
MORE_CASES = {
    "casemanagement:barrier_add": [
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            data=lambda w: {"kind": "not-a-kind"},
            status=frozenset({400}),
            case="invalid",
        )
    ],
}
