"""Authorization rows for the discharge tab, the discharge form, the summary and opt-out.

Discharging is a clinical write on a participant in care. After discharge the summary and
the follow-ups are the aftercare part of the record: the care team at discharge and the
program's oversight reach it; everyone else is refused or breaks the glass.
"""

from discharge.models import FollowUp, FollowUpStatus
from discharge.tests.builders import AFTERCARE_FORM, CALL_ANSWERS, discharge_world
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, Endpoint


def _discharge_form(world) -> dict:
    return {
        "type": "completed",
        "date": world.program.today().isoformat(),
        "reason": "Met the goals of the plan.",
        "crisis_resources": "988",
        "confirm": "on",
        "version": world.episode.version,
    }


def _summary(world) -> dict:
    record = discharge_world(world)
    summary = record.summaries.get()
    return {"participant_id": world.participant.public_id, "summary_id": summary.public_id}


def _consent(world) -> dict:
    record = discharge_world(world)
    return {"participant_id": world.participant.public_id, "discharge_id": record.public_id}


def _to_call(world) -> dict:
    """A follow-up on the call list (test set-up: the tasks that put it there run elsewhere)."""
    record = discharge_world(world, channel="phone")
    row = record.follow_ups.order_by("day").first()
    FollowUp.objects.filter(pk=row.pk).update(status=FollowUpStatus.TO_CALL)
    return {"participant_id": world.participant.public_id, "follow_up_id": row.public_id}


def _discharged(world) -> dict:
    discharge_world(world)
    return {"participant_id": world.participant.public_id}


def _episode(world) -> dict:
    return {"participant_id": world.participant.public_id, "episode_id": world.episode.public_id}


ENDPOINTS = {
    "api:discharge": Endpoint(
        "API_POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_episode,
        data=lambda w: {
            "type": "completed",
            "date": w.program.today().isoformat(),
            "reason": "Met the goals of the plan.",
            "follow_up_consent": True,
            "channel": "text",
        },
    ),
    "api:follow_ups": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:open_items": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "discharge:call": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_to_call,
        data=lambda w: {"reached": "on", "note": "Doing well.", "version": 1},
    ),
    "discharge:tab": Endpoint("GET", frozenset(CLINICAL_READ)),
    "discharge:aftercare": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_discharged),
    "discharge:call_answers": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_to_call),
    "discharge:discharge": Endpoint("POST", frozenset(CLINICAL_WRITE), data=_discharge_form),
    "discharge:summary_save": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_summary,
        data=lambda w: {"course": "Attended well.", "version": 1, "action": "save"},
    ),
    "discharge:opt_out": Endpoint(
        "POST", frozenset(CLINICAL_WRITE), kwargs=_consent, data=lambda w: {"version": 1}
    ),
}
MORE_CASES = {
    "discharge:aftercare": [
        Endpoint(
            "POST", frozenset(CLINICAL_WRITE), kwargs=_discharged, data=lambda w: AFTERCARE_FORM
        ),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_discharged,
            data=lambda w: {**AFTERCARE_FORM, "first_appointment_on": "not a date"},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
    "discharge:call_answers": [
        Endpoint("POST", frozenset(CLINICAL_WRITE), kwargs=_to_call, data=lambda w: CALL_ANSWERS),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_to_call,
            data=lambda w: {**CALL_ANSWERS, "item-1": ""},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
    "discharge:discharge": [
        Endpoint("GET", frozenset(CLINICAL_READ)),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            data=lambda w: {**_discharge_form(w), "type": ""},
            status=frozenset({400}),
            case="invalid",
        ),
    ],
}
