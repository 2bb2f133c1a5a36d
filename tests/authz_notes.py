"""Authorization rows for the Notes tab, the note pages and the notes API (clinical scope).

Writing and signing notes is the `note.sign` capability (clinical staff and oversight, not
intake coordinators), so breaking the glass opens the note pages to intake only for reading.
A note is signed and changed by its author: other writers get the note back with the reason
(400). Co-signing is the `note.cosign` capability (supervisors and directors).
"""

from notes import services
from notes.models import NoteFormat, NoteSettings
from notes.tests.conftest import dap
from tests.authz import CLINICAL_READ, CLINICAL_WRITE, OVERSIGHT, Endpoint

WRITE_GLASS = frozenset({"outsider"})


def _draft(world):
    return services.draft_note(world.participant, dap(), by=world.therapist)


def _with_draft(world) -> dict:
    return {"participant_id": world.participant.public_id, "note_id": _draft(world).public_id}


def _with_signed(world) -> dict:
    note = _draft(world)
    services.sign_note(note, by=world.therapist, expected_version=1)
    return {"participant_id": world.participant.public_id, "note_id": note.public_id}


def _awaiting_cosignature(world) -> dict:
    NoteSettings.objects.get_or_create(program=world.program, defaults={"cosign_roles": ["peer"]})
    note = services.draft_note(world.participant, dap(), by=world.peer)
    services.sign_note(note, by=world.peer, expected_version=1)
    return {"participant_id": world.participant.public_id, "note_id": note.public_id}


def _new_note(world) -> dict:
    return {
        "kind": "individual",
        "format": "dap",
        "session": "",
        "service_date": world.program.today().isoformat(),
        "start_time": "10:00",
        "end_time": "10:50",
        "minutes": 50,
        "mode": "in_person",
        "participant_location": "",
        "no_objective_reason": "First session, plan not signed yet",
        "section_0": "Came on time.",
        "section_1": "Engaged.",
        "section_2": "Meet next week.",
    }


def _edit(world) -> dict:
    return {**_new_note(world), "version": 1}


def _api_note(world) -> dict:
    NoteFormat.objects.get(code="dap", program__isnull=True)
    return {
        "kind": "individual",
        "format": "dap",
        "sections": {"Data": "Came on time.", "Assessment": "Engaged.", "Plan": "Next week."},
        "service_date": world.program.today().isoformat(),
        "minutes": 50,
        "no_objective_reason": "Plan not signed yet",
    }


ENDPOINTS = {
    "notes:tab": Endpoint("GET", frozenset(CLINICAL_READ)),
    "notes:new": Endpoint("GET", frozenset(CLINICAL_READ)),
    "notes:note": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_with_draft),
    "notes:edit": Endpoint("GET", frozenset(CLINICAL_READ), kwargs=_with_draft),
    "notes:sign": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with_draft,
        data=lambda w: {"version": 1},
        status=frozenset({302, 400}),
        break_glass=WRITE_GLASS,
    ),
    "notes:late_entry": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with_signed,
        data=lambda w: {
            "text": "Also said the new job starts Monday.",
            "reason": "Remembered late",
        },
        break_glass=WRITE_GLASS,
    ),
    "notes:cosign": Endpoint(
        "POST", frozenset(OVERSIGHT), kwargs=_awaiting_cosignature, break_glass=frozenset()
    ),
    "notes:entered_in_error": Endpoint(
        "POST",
        frozenset(CLINICAL_WRITE),
        kwargs=_with_draft,
        data=lambda w: {"reason": "Written in the wrong chart"},
        status=frozenset({302, 400}),
        break_glass=WRITE_GLASS,
    ),
    "api:participant_notes": Endpoint("API_GET", frozenset(CLINICAL_READ)),
    "api:create_note": Endpoint(
        "API_POST", frozenset(CLINICAL_WRITE), data=_api_note, break_glass=WRITE_GLASS
    ),
}
MORE_CASES = {
    "notes:new": [
        Endpoint("POST", frozenset(CLINICAL_WRITE), data=_new_note, break_glass=WRITE_GLASS),
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            data=lambda w: {**_new_note(w), "service_date": "1800-01-01"},
            status=frozenset({400}),
            break_glass=frozenset(),
            case="invalid",
        ),
    ],
    "notes:edit": [
        Endpoint(
            "POST",
            frozenset(CLINICAL_WRITE),
            kwargs=_with_draft,
            data=_edit,
            status=frozenset({302, 400}),
            break_glass=WRITE_GLASS,
        )
    ],
}
