"""Care teams over the FHIR API: one CareTeam per stay, active while the stay is open and
inactive once it has ended, every place on it (ended ones too) a participant with its role in
words, the staff member as their Practitioner by name and the place's dates; read under the clinical scope as the
JSON API's care team is, labelled Part 2 as the EpisodeOfCare is, audited, and exported in bulk as
the read gives it."""

import json
from datetime import date

import pytest
from django.utils import timezone
from fhir.resources.R4B.careteam import CareTeam

from audit.models import AuditEvent, Outcome
from fhirapi.tests.test_bulk_export import _lines, _started
from fhirapi.tests.test_fhir_api import _entries, _get, _json
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus
from participants.services import end_care_team_membership

UNKNOWN = "0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b"


def _read(client, episode) -> dict:
    return _json(_get(client, f"CareTeam/{episode.public_id}"))


def _ended(world, name: str) -> str:
    """The world's `name` taken off the care team by hand, through the service; the day
    their place ended."""
    place = CareTeamMember.objects.get(episode=world.episode, user=world.users[name])
    end_care_team_membership(
        place,
        by=world.therapist,
        reason="Moved to the evening group's team.",
        expected_version=place.version,
    )
    place.refresh_from_db()
    assert place.ended_on is not None
    return place.ended_on.isoformat()


def test_a_stay_s_care_team_names_each_place_with_its_role_and_dates(world, signed_in):
    peer_left = _ended(world, "peer")
    client = signed_in(world.therapist)

    team = _read(client, world.episode)

    CareTeam.model_validate(team)
    assert team["id"] == str(world.episode.public_id)
    assert team["status"] == "active"
    assert team["subject"] == {"reference": f"Patient/{world.participant.public_id}"}
    assert team["period"] == {"start": "2026-09-08"}
    assert team["managingOrganization"] == [{"display": world.program.name}]
    assert "encounter" not in team
    assert {label["code"] for label in team["meta"]["security"]} == {"R", "ETH", "42CFRPart2"}
    places = CareTeamMember.objects.filter(episode=world.episode).order_by("started_on", "pk")
    assert team["participant"] == [
        {
            "role": [{"text": str(CareTeamRole(m.role).label)}],
            "member": {"reference": f"Practitioner/{m.user.public_id}", "display": str(m.user)},
            "period": {"start": m.started_on.isoformat()}
            | ({"end": m.ended_on.isoformat()} if m.ended_on else {}),
        }
        for m in places
    ]
    by_role = {p["role"][0]["text"]: p for p in team["participant"]}
    assert by_role["Primary clinician"]["member"] == {
        "reference": f"Practitioner/{world.therapist.public_id}",
        "display": str(world.therapist),
    }
    assert by_role["Peer specialist"]["period"]["end"] == peer_left
    assert "end" not in by_role["Nurse"]["period"]


def test_the_team_of_a_stay_that_ended_is_inactive_over_the_stay_s_dates(world, signed_in):
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 11, 20)
    )
    client = signed_in(world.therapist)

    team = _read(client, world.episode)

    assert team["status"] == "inactive"
    assert team["period"] == {"start": "2026-09-08", "end": "2026-11-20"}


def test_a_search_gives_each_stay_s_team_and_a_team_without_places_names_none(world, signed_in):
    director = world.users["director"]
    client = signed_in(director)

    ours = _entries(_json(_get(client, "CareTeam", patient=str(world.participant.public_id))))
    theirs = _entries(_json(_get(client, "CareTeam", patient=str(world.referral.public_id))))

    assert list(ours) == [str(world.episode.public_id)]
    assert list(theirs) == [str(world.referral_episode.public_id)]
    referred = theirs[str(world.referral_episode.public_id)]
    assert referred["status"] == "active"  # a referral is an open stay
    assert "participant" not in referred


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "outsider"])
def test_a_role_without_the_clinical_record_is_answered_as_for_an_unknown_id_and_audited(
    world, signed_in, persona
):
    """The clinical scope, as the JSON API's care team is read: the front desk, who reads
    the EpisodeOfCare, does not read the team."""
    user = world.users[persona]
    client = signed_in(user)

    read = _get(client, f"CareTeam/{world.episode.public_id}")
    unknown = _get(client, f"CareTeam/{UNKNOWN}")
    search = _get(client, "CareTeam", patient=str(world.participant.public_id))
    nobody = _get(client, "CareTeam", patient=UNKNOWN)

    assert read.status_code == unknown.status_code == search.status_code == 404
    assert json.loads(read.content)["issue"] == json.loads(unknown.content)["issue"]
    assert search.content == nobody.content
    events = AuditEvent.objects.filter(actor=user, participant=world.participant).order_by("id")
    assert [(e.outcome, e.details["fhir"], e.details.get("id")) for e in events] == [
        (Outcome.REFUSED, "CareTeam", str(world.episode.public_id)),
        (Outcome.REFUSED, "CareTeam", None),
    ]
    assert str(world.therapist) not in read.content.decode() + search.content.decode()


def test_the_bulk_export_writes_each_team_as_its_read_gives_it(world, signed_in, run_tasks):
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="CareTeam")

    [teams] = [_lines(client, o["url"]) for o in manifest["output"]]
    assert sorted(t["id"] for t in teams) == sorted(
        [str(world.episode.public_id), str(world.referral_episode.public_id)]
    )
    for line in teams:
        assert line == _json(_get(client, f"CareTeam/{line['id']}"))


def test_the_bulk_export_since_takes_a_team_whose_place_ended_after_it(world, signed_in, run_tasks):
    since = timezone.now()
    peer_left = _ended(world, "peer")
    client = signed_in(world.users["director"])

    manifest = _started(client, world, run_tasks, _type="CareTeam", _since=since.isoformat())

    [teams] = [_lines(client, o["url"]) for o in manifest["output"]]
    assert [t["id"] for t in teams] == [str(world.episode.public_id)]
    [ended] = [p for p in teams[0]["participant"] if p["role"][0]["text"] == "Peer specialist"]
    assert ended["period"]["end"] == peer_left
