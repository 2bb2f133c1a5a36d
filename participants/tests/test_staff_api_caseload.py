"""The staff API's caseload: a staff member's open episodes, audited; never a participant's."""

from audit.models import Action, AuditEvent, Outcome

CASELOAD = "/api/v1/participants/caseload"


def test_a_participant_account_is_refused_the_staff_caseload_and_the_refusal_is_audited(
    world, login
):
    client = login(world.participant_user)

    response = client.get(CASELOAD)

    assert response.status_code == 403
    assert response.json() == {"detail": "The staff API is for staff accounts."}
    events = AuditEvent.objects.filter(actor=world.participant_user, action=Action.VIEW)
    assert [(e.action, e.outcome, e.details["why"]) for e in events] == [
        (Action.VIEW, Outcome.REFUSED, "staff API")
    ]


def test_a_clinicians_caseload_leaves_one_event_naming_who_was_listed(world, login):
    client = login(world.therapist)

    response = client.get(CASELOAD)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(world.episode.public_id)]
    events = AuditEvent.objects.filter(actor=world.therapist, action=Action.VIEW)
    assert [e.details["participants"] for e in events] == [[str(world.participant.public_id)]]
