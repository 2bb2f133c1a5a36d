"""Referring a new person over the JSON API: a new record with a referred episode, through the
same form rules, service, policy and audit event as the new-referral page; a person who likely
has a record already is pointed at it by id, never given a second record without a reason."""

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from audit.models import AuditEvent, Outcome
from composition.idempotency import HEADER
from conftest import make_participant
from discharge.tests.builders import discharge_world
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus, Participant

PATH = "/api/v1/participants"
# The day of the referral, a Tuesday.
TODAY = "2026-12-01"


@pytest.fixture(autouse=True)
def clock():
    """Noon on the day of the referral, so the birth date and referral date rules read a fixed
    today."""
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=ZoneInfo("America/Chicago"))):
        yield


def _new_person(world, **changes) -> dict:
    """Someone the organization has never seen."""
    return {
        "legal_first_name": "Jordan",
        "legal_last_name": "Rivers",
        "preferred_name": "Jo",
        "pronouns": "they/them",
        "date_of_birth": "1985-03-02",
        "sex_at_birth": "intersex",
        "phone": "555 777 1234",
        "email": "jordan@example.org",
        "program": str(world.program.public_id),
        "site": str(world.site.public_id),
        "referred_on": TODAY,
        "referral_source": "County hospital discharge",
    } | changes


def _world_participant_again(world, **changes) -> dict:
    """The world's participant (Robin Testperson, born 1990-05-17), sent as a new person."""
    return (
        _new_person(
            world,
            legal_first_name="ROBIN",
            legal_last_name="Testpérson",
            date_of_birth="1990-05-17",
            phone="",
            email="",
        )
        | changes
    )


def _post(client, body, **headers):
    return client.post(PATH, json.dumps(body), content_type="application/json", headers=headers)


def _written() -> tuple[int, int, int, int]:
    return (
        Participant.objects.count(),
        Episode.objects.count(),
        CareTeamMember.objects.count(),
        AuditEvent.objects.filter(
            event_type="participant.referred", outcome=Outcome.ALLOWED
        ).count(),
    )


def _last_event() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_new_person_is_referred_on_a_new_record(world, login):
    people = set(Participant.objects.values_list("pk", flat=True))

    response = _post(login(world.intake), _new_person(world))

    assert response.status_code == 201, response.content
    person = Participant.objects.exclude(pk__in=people).get()
    episode = person.episodes.get()
    assert response.json() == {
        "id": str(person.public_id),
        "record_number": person.record_number,
        "episode": {
            "id": str(episode.public_id),
            "program": world.program.name,
            "program_id": str(world.program.public_id),
            "status": "referred",
            "referred_on": TODAY,
            "admitted_on": None,
            "discharged_on": None,
            "level_of_care": episode.level_of_care,
            "version": episode.version,
        },
    }
    assert (person.legal_first_name, person.legal_last_name, person.preferred_name) == (
        "Jordan",
        "Rivers",
        "Jo",
    )
    assert (str(person.date_of_birth), person.sex_at_birth, person.pronouns) == (
        "1985-03-02",
        "intersex",
        "they/them",
    )
    assert (person.phone, person.email, person.organization) == (
        "555 777 1234",
        "jordan@example.org",
        world.org,
    )
    assert (person.record_number, person.recorded_by) == ("T-000003", world.intake)
    assert (episode.status, episode.site, episode.referral_source) == (
        EpisodeStatus.REFERRED,
        world.site,
        "County hospital discharge",
    )
    # The intake coordinator who opened it coordinates it, as from the page.
    assert [(m.user, m.role) for m in episode.care_team.all()] == [
        (world.intake, CareTeamRole.INTAKE)
    ]


def test_the_referral_is_audited_on_the_new_record(world, login):
    response = _post(login(world.director), _new_person(world, site=None))

    assert response.status_code == 201, response.content
    person = Participant.objects.get(public_id=response.json()["id"])
    event = AuditEvent.objects.get(event_type="participant.referred")
    assert (event.participant_id, event.actor_id, event.outcome, event.reason) == (
        person.pk,
        world.director.pk,
        Outcome.ALLOWED,
        "",
    )
    assert event.details == {
        "episode": response.json()["episode"]["id"],
        "program": world.program.pk,
    }
    assert person.episodes.get().site is None


def _other_program(world):
    return world.other_org_participant.episodes.get().program


@pytest.mark.parametrize(
    ("case", "field", "says"),
    [
        ("no first name", "legal_first_name", "required"),
        ("blank last name", "legal_last_name", "required"),
        ("name too long", "legal_last_name", "at most 100 characters"),
        ("pronouns too long", "pronouns", "at most 40 characters"),
        ("not an email", "email", "valid email"),
        ("unknown sex at birth", "sex_at_birth", "valid choice"),
        ("birth date out of range", "date_of_birth", "between 1900-01-01 and 2199-12-31"),
        ("born tomorrow", "date_of_birth", "future"),
        ("not a date", "referred_on", "date"),
        ("referred before birth", "referred_on", "before"),
        ("source too long", "referral_source", "at most 120 characters"),
        ("reason too long", "duplicate_reason", "at most 500 characters"),
        ("no such program", "program", "No program has that id."),
        ("no such site", "site", "No site has that id."),
        ("site of another program", "site", "belongs to another program"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(world, login, case, field, says):
    body = _new_person(
        world,
        **{
            "blank last name": {"legal_last_name": "   "},
            "name too long": {"legal_last_name": "x" * 101},
            "pronouns too long": {"pronouns": "x" * 41},
            "not an email": {"email": "jordan at example"},
            "unknown sex at birth": {"sex_at_birth": "other"},
            "birth date out of range": {"date_of_birth": "1899-12-31"},
            "born tomorrow": {"date_of_birth": "2026-12-02"},
            "not a date": {"referred_on": "01/12/2026"},
            "referred before birth": {"referred_on": "1985-03-01"},
            "source too long": {"referral_source": "x" * 121},
            "reason too long": {"duplicate_reason": "x" * 501},
            "no such program": {"program": str(world.participant.public_id)},
            "no such site": {"site": str(world.program.public_id)},
            "site of another program": {
                "site": str(_other_program(world).sites.create(name="Elsewhere").public_id)
            },
        }.get(case, {}),
    )
    if case == "no first name":
        del body["legal_first_name"]
    before = _written()

    response = _post(login(world.intake), body)

    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert says in error["message"], error["message"]
    assert _written() == before


def test_every_problem_of_the_form_is_named_at_once(world, login):
    body = _new_person(world, legal_first_name="", email="nope", pronouns="x" * 41)

    response = _post(login(world.intake), body)

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {
        "legal_first_name",
        "email",
        "pronouns",
    }


def test_a_likely_existing_record_is_a_409_listing_it_by_id_and_nothing_is_written(world, login):
    before = _written()

    response = _post(login(world.intake), _world_participant_again(world))

    assert response.status_code == 409, response.content
    answer = response.json()
    existing = str(world.participant.public_id)
    assert answer["matches"] == [
        {"id": existing, "same": ["birth date and name"], "open_episode": True}
    ]
    assert existing in answer["detail"]
    assert "/refer-again" in answer["detail"]
    assert "duplicate_reason" in answer["detail"]
    # The records by id only: none of their names or details.
    for value in ("Robin", "Testperson", "T-000001", "1990-05-17"):
        assert value not in response.content.decode()
    assert _written() == before
    shown = AuditEvent.objects.get(event_type="participant.likely_matches_shown")
    assert (shown.actor_id, shown.details["participants"]) == (world.intake.pk, [existing])


def test_a_blank_reason_is_no_reason(world, login):
    before = _written()

    response = _post(login(world.intake), _world_participant_again(world, duplicate_reason="  "))

    assert response.status_code == 409
    assert _written() == before


def test_a_match_whose_care_ended_is_referred_again_on_its_record_as_the_409_says(world, login):
    discharge_world(world)
    client = login(world.intake)
    people = Participant.objects.count()

    conflict = _post(client, _world_participant_again(world))

    [match] = conflict.json()["matches"]
    assert (match["id"], match["open_episode"]) == (str(world.participant.public_id), False)
    again = client.post(
        f"{PATH}/{match['id']}/refer-again",
        json.dumps({"program": str(world.program.public_id), "referred_on": TODAY}),
        content_type="application/json",
    )
    assert again.status_code == 201, again.content
    assert Participant.objects.count() == people
    assert world.participant.episodes.filter(status=EpisodeStatus.REFERRED).count() == 1


def test_a_new_record_with_a_reason_is_opened_and_the_reason_kept_with_the_match(world, login):
    reason = "A different person: the hospital confirmed another birth certificate."
    people = set(Participant.objects.values_list("pk", flat=True))

    response = _post(
        login(world.intake), _world_participant_again(world, duplicate_reason=f"  {reason} ")
    )

    assert response.status_code == 201, response.content
    person = Participant.objects.exclude(pk__in=people).get()
    assert str(person.public_id) == response.json()["id"]
    event = AuditEvent.objects.get(event_type="participant.referred", participant=person)
    assert event.reason == reason
    assert event.details["likely_matches"] == [str(world.participant.public_id)]


def test_a_record_of_another_organization_is_neither_a_match_nor_named(world, login):
    other = world.other_org_participant
    body = _new_person(
        world,
        legal_first_name=other.legal_first_name,
        legal_last_name=other.legal_last_name,
        date_of_birth=other.date_of_birth.isoformat(),
    )

    response = _post(login(world.director), body)

    assert response.status_code == 201, response.content
    assert str(other.public_id) not in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="participant.likely_matches_shown").exists()


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "auditor", "stranger", "participant"])
def test_who_cannot_open_referrals_here_is_refused_audited_and_shown_no_match(
    world, login, persona
):
    user = world.participant_user if persona == "participant" else world.users[persona]
    client = login(user)
    before, last = _written(), _last_event()

    response = _post(client, _world_participant_again(world))

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role cannot open referrals."}
    assert _written() == before
    refused = AuditEvent.objects.filter(id__gt=last)
    assert [(e.event_type, e.outcome, e.record_id) for e in refused] == [
        ("participant.referred", Outcome.REFUSED, str(world.program.public_id))
    ]
    assert refused.get().organization_id == world.org.pk


def test_a_program_of_another_organization_is_refused(world, login):
    client = login(world.intake)
    before, last = _written(), _last_event()

    response = _post(client, _new_person(world, program=str(_other_program(world).public_id)))

    assert response.status_code == 403
    assert _written() == before
    assert [e.outcome for e in AuditEvent.objects.filter(id__gt=last)] == [Outcome.REFUSED]


def test_a_resent_request_with_its_key_opens_one_record(world, login):
    client = login(world.intake)
    key = {HEADER: "9c1e54d2-new-referral"}
    first = _post(client, _new_person(world), **key)
    written = _written()

    again = _post(client, _new_person(world), **key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _written() == written
    resent = AuditEvent.objects.get(event_type="api.response_resent")
    assert resent.participant_id == Participant.objects.get(public_id=first.json()["id"]).pk


def test_the_same_key_for_another_referral_is_refused_naming_the_header(world, login):
    client = login(world.intake)
    key = {HEADER: "9c1e54d2-new-referral"}
    _post(client, _new_person(world), **key)
    written = _written()

    other = _post(client, _new_person(world, legal_first_name="Sam"), **key)

    assert other.status_code == 422
    assert other.json()["detail"][0]["field"] == HEADER
    assert _written() == written


def test_no_participant_data_is_logged(world, login, caplog):
    client = login(world.intake)
    with caplog.at_level(logging.DEBUG):
        _post(client, _new_person(world))
        _post(client, _world_participant_again(world))
        _post(client, _new_person(world, email="not an email"))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for value in ("Jordan", "Rivers", "1985-03-02", "555 777", "jordan@", "Testp", "1990-05-17"):
        assert value not in logged


def test_the_openapi_document_describes_referring_a_new_person(db):
    spec = Client().get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/participants"]["post"]
    assert operation["summary"] == "Refer a new person"
    assert {"201", "403", "409", "422"} <= set(operation["responses"])
    assert operation["security"]
    body = spec["components"]["schemas"]["NewReferralIn"]
    assert set(body["required"]) == {
        "legal_first_name",
        "legal_last_name",
        "date_of_birth",
        "program",
        "referred_on",
    }


def test_a_resent_409_audits_each_likely_match_it_shows_again(world, login):
    """The answer resent for an Idempotency-Key lists the same records as the first: each is
    audited again as shown, as the first answer's one event listed them all."""
    twin = make_participant(world.org, "T-000088", legal_first_name="Robyn")
    client = login(world.intake)
    body = _world_participant_again(world)
    first = _post(client, body, **{HEADER: "5d1f-likely-matches"})
    assert first.status_code == 409
    shown = AuditEvent.objects.get(event_type="participant.likely_matches_shown")
    assert sorted(shown.details["participants"]) == sorted(
        [str(world.participant.public_id), str(twin.public_id)]
    )
    before = _last_event()

    again = _post(client, body, **{HEADER: "5d1f-likely-matches"})

    assert (again.status_code, again["Idempotent-Replayed"]) == (409, "true")
    assert again.json() == first.json()
    resent = AuditEvent.objects.filter(pk__gt=before)
    assert sorted(resent.values_list("event_type", "participant_id", "actor_id")) == sorted(
        [
            ("api.response_resent", world.participant.pk, world.intake.pk),
            ("api.response_resent", twin.pk, world.intake.pk),
        ]
    )
