"""The care team through the staff API: read as the care-team page reads it, changed through
the same services and the same policy decision, refusals in the API's shapes."""

import json
from datetime import date

import pytest

from audit.models import Action, AuditEvent, Outcome
from participants.models import CareTeamMember, CareTeamRole, PlaceEnd
from participants.services import end_care_team_membership
from worklist.models import Task, TaskStatus
from worklist.services import create_task

REASON = "Moved to the evening group's team."


def _team(world) -> str:
    return f"/api/v1/participants/{world.participant.public_id}/care-team"


def _end(world, member: CareTeamMember) -> str:
    return f"{_team(world)}/{member.public_id}/end"


def _post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def _place(world, name: str) -> CareTeamMember:
    return CareTeamMember.objects.get(
        episode=world.episode, user=world.users[name], ended_on__isnull=True
    )


def test_the_team_is_read_with_roles_and_versions_and_the_read_is_audited(world, login):
    response = login(world.counsellor).get(_team(world))

    assert response.status_code == 200
    body = response.json()
    assert body["episode"] == str(world.episode.public_id)
    assert body["ended"] == []
    rows = {(m["user"], m["role"], m["version"]) for m in body["members"]}
    assert (world.therapist.pk, CareTeamRole.PRIMARY_CLINICIAN, 1) in rows
    assert (world.peer.pk, CareTeamRole.PEER, 1) in rows
    read = AuditEvent.objects.get(actor=world.counsellor, action=Action.VIEW)
    assert (read.participant_id, read.outcome, read.details["api"]) == (
        world.participant.pk,
        Outcome.ALLOWED,
        True,
    )


def test_ended_places_are_listed_only_when_asked_with_who_how_and_why(world, login):
    end_care_team_membership(
        _place(world, "peer"), by=world.director, reason=REASON, expected_version=1
    )
    client = login(world.therapist)

    now = client.get(_team(world)).json()
    with_ended = client.get(f"{_team(world)}?ended=true").json()

    assert world.peer.pk not in {m["user"] for m in now["members"]}
    assert now["ended"] == []
    [ended] = with_ended["ended"]
    assert (ended["user"], ended["ended_by"], ended["ended_how"], ended["end_reason"]) == (
        world.peer.pk,
        world.director.pk,
        PlaceEnd.BY_HAND,
        REASON,
    )
    assert ended["ended_on"] and ended["ended_at"]


def test_a_member_is_added_through_the_service_and_audited(world, login):
    response = _post(
        login(world.director), _team(world), {"user": world.outsider.pk, "role": "nurse"}
    )

    assert response.status_code == 201
    assert (response.json()["user"], response.json()["role"]) == (world.outsider.pk, "nurse")
    assert CareTeamMember.objects.filter(
        episode=world.episode, user=world.outsider, role=CareTeamRole.NURSE, ended_on=None
    ).exists()
    assert AuditEvent.objects.filter(
        actor=world.director, event_type="care_team.member_added"
    ).exists()


def test_a_new_primary_clinician_must_name_whom_they_replace(world, login):
    client = login(world.director)
    body = {"user": world.counsellor.pk, "role": CareTeamRole.PRIMARY_CLINICIAN}

    refused = _post(client, _team(world), body)
    replaced = _post(client, _team(world), {**body, "replaces": world.therapist.pk})

    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["field"] == "replaces"
    assert str(world.therapist) in error["message"]
    shown = AuditEvent.objects.get(actor=world.director, details__refused="care_team_add")
    assert (shown.action, shown.participant_id) == (Action.VIEW, world.participant.pk)
    assert replaced.status_code == 201
    old = CareTeamMember.objects.get(
        episode=world.episode, user=world.therapist, role=CareTeamRole.PRIMARY_CLINICIAN
    )
    assert (old.ended_how, old.ended_by) == (PlaceEnd.REPLACED, world.director)


def test_ending_a_place_hands_their_tasks_back_to_the_team(world, login):
    task = create_task(
        title="Recovery meeting list",
        due_on=date(2026, 12, 10),
        participant=world.participant,
        owner=world.peer,
        owner_role=CareTeamRole.PEER,
        by=None,
    )
    peer = _place(world, "peer")

    response = _post(
        login(world.supervisor), _end(world, peer), {"reason": REASON, "version": peer.version}
    )

    assert response.status_code == 200
    assert (response.json()["ended_how"], response.json()["end_reason"]) == (
        PlaceEnd.BY_HAND,
        REASON,
    )
    assert Task.objects.get(pk=task.pk).status == TaskStatus.HANDED_OVER
    successor = Task.objects.get(
        participant=world.participant, title=task.title, status=TaskStatus.OPEN
    )
    assert successor.owner == world.therapist
    assert AuditEvent.objects.filter(event_type="care_team.member_ended").count() == 1


def test_a_stale_version_is_a_conflict_and_ends_nothing_twice(world, login):
    peer = _place(world, "peer")
    end_care_team_membership(peer, by=world.director, reason=REASON, expected_version=1)

    response = _post(login(world.therapist), _end(world, peer), {"reason": REASON, "version": 1})

    assert response.status_code == 409
    assert "changed by someone else" in response.json()["detail"]
    assert CareTeamMember.objects.get(pk=peer.pk).ended_by == world.director
    assert AuditEvent.objects.filter(event_type="care_team.member_ended").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "   ", "version": 1}, "reason"),
        ({"reason": "x" * 5000, "version": 1}, "reason"),
        ({"reason": REASON, "version": 0}, "version"),
    ],
)
def test_a_bad_end_is_a_422_naming_the_field_and_ends_nothing(world, login, body, field):
    peer = _place(world, "peer")

    response = _post(login(world.therapist), _end(world, peer), body)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]
    assert CareTeamMember.objects.get(pk=peer.pk).ended_on is None


def test_the_primary_clinicians_place_is_refused_with_a_message_and_the_read_audited(world, login):
    primary = _place(world, "therapist")

    response = _post(login(world.director), _end(world, primary), {"reason": REASON, "version": 1})

    assert response.status_code == 422
    assert (
        "first make another clinician the primary clinician"
        in response.json()["detail"][0]["message"]
    )
    assert AuditEvent.objects.filter(
        actor=world.director, action=Action.VIEW, details__refused="care_team_end"
    ).exists()
    assert CareTeamMember.objects.get(pk=primary.pk).ended_on is None


def test_someone_who_is_not_clinical_staff_cannot_be_added(world, login):
    response = _post(
        login(world.director), _team(world), {"user": world.frontdesk.pk, "role": "nurse"}
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["user"]
    assert not CareTeamMember.objects.filter(user=world.frontdesk).exists()


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "auditor", "outsider"])
def test_a_role_the_policy_refuses_gets_403_audited_and_nothing_changes(world, login, persona):
    client = login(world.users[persona])
    peer = _place(world, "peer")

    added = _post(client, _team(world), {"user": world.outsider.pk, "role": "nurse"})
    ended = _post(client, _end(world, peer), {"reason": REASON, "version": 1})
    # Refused before the body is read: a bad body tells them nothing either.
    unread = _post(client, _team(world), {"user": 0, "role": "nurse"})

    assert (added.status_code, ended.status_code, unread.status_code) == (403, 403, 403)
    assert CareTeamMember.objects.get(pk=peer.pk).ended_on is None
    assert not CareTeamMember.objects.filter(user=world.outsider).exists()
    refused = AuditEvent.objects.filter(actor=world.users[persona], outcome=Outcome.REFUSED)
    assert refused.count() == 3
