"""The notes API: a participant's notes as their chart shows them, a group note, sign (422
naming the field on a refusal), late entries, and 409 for any change to a signed note."""

import pytest

from audit.models import AuditEvent
from notes import services
from notes.models import GroupNote
from notes.tests.conftest import dap

pytestmark = pytest.mark.usefixtures("formats")

SHARED = "The group practised urge surfing."


def _body(**extra):
    body = {
        "kind": "individual",
        "format": "soap",
        "sections": {"Subjective": "Slept better.", "Plan": "Next week."},
        "service_date": "2026-11-17",
        "minutes": 45,
        "no_objective_reason": "Plan not signed yet",
    }
    body.update(extra)
    return body


def test_draft_sign_then_any_change_is_409_and_a_late_entry_is_201(world, login):
    client = login(world.therapist)
    made = client.post(
        f"/api/v1/participants/{world.participant.public_id}/notes",
        _body(),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    note = made.json()
    assert note["status"] == "draft" and note["sections"]["Objective"] == ""
    signed = client.post(
        f"/api/v1/notes/{note['id']}/sign", {"version": 1}, content_type="application/json"
    )
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    change = client.put(
        f"/api/v1/notes/{note['id']}", {**_body(), "version": 2}, content_type="application/json"
    )
    assert change.status_code == 409
    again = client.post(
        f"/api/v1/notes/{note['id']}/sign", {"version": 2}, content_type="application/json"
    )
    assert again.status_code == 409
    late = client.post(
        f"/api/v1/notes/{note['id']}/addenda",
        {"text": "Phoned after the session.", "reason": "Call came later"},
        content_type="application/json",
    )
    assert late.status_code == 201 and late.json()["late_entry"] is True
    listed = client.get(f"/api/v1/participants/{world.participant.public_id}/notes").json()
    assert [n["id"] for n in listed] == [late.json()["id"]]


def test_a_refused_signature_is_422_naming_the_field(world, login):
    note = services.draft_note(world.participant, dap(no_objective_reason=""), by=world.therapist)
    response = login(world.therapist).post(
        f"/api/v1/notes/{note.public_id}/sign", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "objectives",
                "message": "Choose the plan objectives this note addresses, or say why it "
                "addresses none.",
            }
        ]
    }


def test_a_draft_refused_for_what_the_chart_holds_is_audited_as_a_read(world, login):
    response = login(world.therapist).post(
        f"/api/v1/participants/{world.participant.public_id}/notes",
        _body(objectives=["7f1d3c9e-2b4a-4e8f-9a61-0c5d2e7b8f10"]),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "no signed treatment plan" in response.json()["detail"][0]["message"]
    read = AuditEvent.objects.filter(
        participant=world.participant, actor=world.therapist, details__refused="note.draft"
    )
    assert read.count() == 1


def test_the_group_note_endpoint_and_each_members_chart(world, login, group_session):
    session, episodes = group_session(2)
    a, b = (e.participant for e in episodes)
    client = login(world.counsellor)
    leak = client.post(
        f"/api/v1/sessions/{session.public_id}/group-note",
        {
            "shared": SHARED,
            "module": None,
            "members": [
                {"participant": str(a.public_id), "text": f"Helped {b.legal_last_name}."},
                {"participant": str(b.public_id), "text": "Took part."},
            ],
            "sign": True,
        },
        content_type="application/json",
    )
    assert leak.status_code == 422
    assert leak.json()["detail"][0]["field"] == f"members.{a.public_id}.text"
    done = client.post(
        f"/api/v1/sessions/{session.public_id}/group-note",
        {
            "shared": SHARED,
            "module": "Relapse prevention, session 1 of 12",
            "members": [
                {
                    "participant": str(a.public_id),
                    "text": "Helped a peer.",
                    "no_objective_reason": "No plan yet",
                },
                {
                    "participant": str(b.public_id),
                    "text": "Took part.",
                    "no_objective_reason": "No plan yet",
                },
            ],
            "sign": True,
        },
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "signed" and len(done.json()["notes"]) == 2
    mine = login(world.director).get(f"/api/v1/participants/{a.public_id}/notes").json()
    assert len(mine) == 1
    assert mine[0]["shared"]["narrative"] == SHARED
    assert mine[0]["sections"] == {"Participation and response": "Helped a peer."}
    assert b.legal_first_name not in str(mine) and "Took part." not in str(mine)


def test_the_group_note_endpoint_refuses_a_member_of_another_organization_at_its_place(
    world, login, group_session
):
    session, episodes = group_session(1)
    response = login(world.counsellor).post(
        f"/api/v1/sessions/{session.public_id}/group-note",
        {
            "shared": SHARED,
            "members": [
                {"participant": str(episodes[0].participant.public_id), "text": "Took part."},
                {"participant": str(world.other_org_participant.public_id), "text": "Took part."},
            ],
            "sign": False,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "members.1.participant",
        "message": "No participant of this program has that id.",
    }
    assert not GroupNote.objects.exists()


def test_a_group_note_refused_for_a_members_chart_is_audited_as_a_read_of_the_group(
    world, login, group_session
):
    session, episodes = group_session(2)
    a, b = (e.participant for e in episodes)
    response = login(world.counsellor).post(
        f"/api/v1/sessions/{session.public_id}/group-note",
        {
            "shared": SHARED,
            "members": [
                {
                    "participant": str(a.public_id),
                    "text": "Took part.",
                    "objectives": ["7f1d3c9e-2b4a-4e8f-9a61-0c5d2e7b8f10"],
                }
            ],
            "sign": False,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "no signed treatment plan" in response.json()["detail"][0]["message"]
    (read,) = AuditEvent.objects.filter(actor=world.counsellor, event_type="group_note.viewed")
    assert set(read.listed.values_list("participant_id", flat=True)) == {a.pk, b.pk}


def test_another_organization_cannot_learn_that_a_note_exists_or_is_signed(world, login):
    """A 409 "signed" would tell a stranger the note is there; the access check answers first."""
    note = services.draft_note(world.participant, dap(), by=world.therapist)
    note = services.sign_note(note, by=world.therapist, expected_version=note.version)
    stranger = login(world.users["stranger"])
    change = stranger.put(
        f"/api/v1/notes/{note.public_id}",
        {**_body(), "version": 2},
        content_type="application/json",
    )
    sign = stranger.post(
        f"/api/v1/notes/{note.public_id}/sign", {"version": 2}, content_type="application/json"
    )
    assert change.status_code == sign.status_code == 403
    assert "signed" not in change.content.decode() + sign.content.decode()
