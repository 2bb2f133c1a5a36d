"""Referring a person again over the JSON API: a new episode on their record, never a second
record, through the same service, policy and audit event as the new-referral page."""

import json
import threading
from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client

from audit.models import AuditEvent, Outcome
from composition.idempotency import HEADER
from discharge.models import ReadmissionSignal
from discharge.tests.builders import discharge_world
from participants.models import CareTeamMember, Episode, EpisodeStatus, Participant
from participants.services import mark_entered_in_error

PATH = "/api/v1/participants/{participant_id}/refer-again"
# The day the returning person is referred, after their discharge on 2026-11-20.
AGAIN = "2026-12-01"


@pytest.fixture(autouse=True)
def clock():
    """Noon on the day of the new referral, so the referral's date rules read a fixed today."""
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=ZoneInfo("America/Chicago"))):
        yield


def _url(participant) -> str:
    return PATH.format(participant_id=participant.public_id)


def _body(world, **changes) -> dict:
    return {
        "program": str(world.program.public_id),
        "site": str(world.site.public_id),
        "referred_on": AGAIN,
        "referral_source": "Self",
    } | changes


def _post(client, participant, body, **headers):
    return client.post(
        _url(participant), json.dumps(body), content_type="application/json", headers=headers
    )


def _written() -> tuple[int, int, int, int, int]:
    return (
        Participant.objects.count(),
        Episode.objects.count(),
        CareTeamMember.objects.count(),
        ReadmissionSignal.objects.count(),
        AuditEvent.objects.filter(
            event_type="participant.referred_again", outcome=Outcome.ALLOWED
        ).count(),
    )


def _session_of(user):
    """A separate signed-in browser's cookies, so two sessions can send at once."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies


def _other_program(world):
    return world.other_org_participant.episodes.get().program


def test_a_discharged_person_is_referred_again_on_their_own_record(world, login):
    discharge_world(world)
    people = Participant.objects.count()

    response = _post(login(world.intake), world.participant, _body(world))

    assert response.status_code == 201, response.content
    episode = world.participant.episodes.get(status=EpisodeStatus.REFERRED)
    assert response.json() == {
        "id": str(episode.public_id),
        "program": world.program.name,
        "program_id": str(world.program.public_id),
        "status": "referred",
        "referred_on": AGAIN,
        "admitted_on": None,
        "discharged_on": None,
        "level_of_care": episode.level_of_care,
        "version": episode.version,
    }
    assert (episode.site, episode.referral_source) == (world.site, "Self")
    assert Participant.objects.count() == people
    assert ReadmissionSignal.objects.filter(source_id=str(episode.public_id)).exists()
    event = AuditEvent.objects.get(event_type="participant.referred_again")
    assert (event.participant_id, event.actor_id, event.outcome) == (
        world.participant.pk,
        world.intake.pk,
        Outcome.ALLOWED,
    )
    assert event.details == {"episode": str(episode.public_id), "program": world.program.pk}


def test_the_episodes_list_gives_the_program_to_refer_the_person_to_again(world, login):
    response = login(world.therapist).get(
        f"/api/v1/participants/{world.participant.public_id}/episodes"
    )
    assert [e["program_id"] for e in response.json()] == [str(world.program.public_id)]


@pytest.mark.parametrize(
    ("case", "field", "says"),
    [
        ("open episode", None, "already has an open referral or episode"),
        ("program of another organization", "program", "belongs to another organization"),
        ("no such program", "program", "No program has that id."),
        ("site of another program", "site", "belongs to another program"),
        ("no such site", "site", "No site has that id."),
        ("source too long", "referral_source", "at most 120 characters"),
        ("date out of range", "referred_on", "between 1900-01-01 and 2199-12-31"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(world, login, case, field, says):
    if case != "open episode":
        discharge_world(world)
    changes = {
        "program of another organization": {"program": str(_other_program(world).public_id)},
        "no such program": {"program": str(world.other_org_participant.public_id)},
        "site of another program": {
            "site": str(_other_program(world).sites.create(name="Elsewhere").public_id)
        },
        "no such site": {"site": str(world.program.public_id)},
        "source too long": {"referral_source": "x" * 121},
        "date out of range": {"referred_on": "1899-12-31"},
    }.get(case, {})
    before = _written()

    response = _post(login(world.intake), world.participant, _body(world, **changes))

    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert says in error["message"]
    assert _written() == before


def test_a_record_entered_in_error_is_not_found_and_nothing_is_written(world, login):
    discharge_world(world)
    mark_entered_in_error(world.participant, by=world.director, reason="Opened twice.")
    before = _written()

    response = _post(login(world.intake), world.participant, _body(world))

    assert response.status_code == 404
    assert _written() == before


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "auditor"])
def test_who_cannot_open_referrals_here_is_refused_and_the_refusal_is_audited(
    world, login, persona
):
    discharge_world(world)
    user = world.users[persona]
    before = _written()

    response = _post(login(user), world.participant, _body(world))

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role cannot open referrals."}
    assert _written() == before
    refused = AuditEvent.objects.filter(actor=user, participant=world.participant)
    assert [(e.event_type, e.outcome) for e in refused] == [
        ("participant.referred_again", Outcome.REFUSED)
    ]


def test_staff_of_another_organization_get_the_answer_of_an_unknown_id(world, login):
    """So the answer does not tell them the participant exists; the refusal is audited."""
    discharge_world(world)
    user = world.users["stranger"]
    client = login(user)
    before = _written()

    response = _post(client, world.participant, _body(world))
    unknown = client.post(
        PATH.format(participant_id=uuid4()),
        json.dumps(_body(world)),
        content_type="application/json",
    )

    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()
    assert _written() == before
    refused = AuditEvent.objects.filter(actor=user, participant=world.participant)
    assert [e.outcome for e in refused] == [Outcome.REFUSED]


def test_a_participant_account_is_refused_the_staff_api(world, login):
    discharge_world(world)
    before = _written()

    response = _post(login(world.participant_user), world.participant, _body(world))

    assert response.status_code == 403
    assert response.json() == {"detail": "The staff API is for staff accounts."}
    assert _written() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sent_by", ["two people", "one caller resending with its key"])
def test_two_requests_at_the_same_moment_open_one_episode(world, sent_by):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    discharge_world(world)
    callers = [world.intake, world.director] if sent_by == "two people" else [world.intake] * 2
    sessions = [_session_of(user) for user in callers]
    headers = {HEADER: "5a0f3c9e-refer-again"} if sent_by != "two people" else {}
    start = threading.Barrier(2)
    answers: list[int] = []

    def send(cookies) -> None:
        client = Client()
        client.cookies = cookies
        try:
            start.wait()
            answers.append(_post(client, world.participant, _body(world), **headers).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(cookies,)) for cookies in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == ([201, 422] if sent_by == "two people" else [201, 201])
    assert world.participant.episodes.filter(status=EpisodeStatus.REFERRED).count() == 1
    assert AuditEvent.objects.filter(event_type="participant.referred_again").count() == 1


def test_the_openapi_document_describes_referring_again(db):
    spec = Client().get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/participants/{participant_id}/refer-again"]["post"]
    assert operation["summary"] == "Refer a person whose care has ended again"
    assert {"201", "403", "404", "422"} <= set(operation["responses"])
    assert operation["security"]
    body = spec["components"]["schemas"]["ReferAgainIn"]
    assert set(body["required"]) == {"program", "referred_on"}
