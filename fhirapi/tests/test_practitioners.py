"""Staff over the FHIR API: each member of staff of the reader's organization is a Practitioner
(name, credentials as text, active while they work here), read by id and searched by id, name
and active, under the capability to read the organization's staff, each answer audited; staff
of another organization are not found, as an unknown id is not; a CareTeam's members and an
Encounter's facilitators refer to Practitioners that read back."""

import json
from datetime import date

import pytest
from fhir.resources.R4B.practitioner import Practitioner

from attendance.tests.builders import enrol, make_session
from audit.models import AuditEvent, Outcome
from fhirapi.models import BulkExport
from fhirapi.tests.test_bulk_export import _kick_off
from fhirapi.tests.test_fhir_api import _entries, _get, _json
from signin.staff import end_membership

UNKNOWN = "0b7e6c1a-9d2f-4e8b-8a51-3c4d5e6f7a8b"
STAFF_OF_THE_WORLD = {
    "director",
    "supervisor",
    "therapist",
    "outsider",
    "counsellor",
    "prescriber",
    "nurse",
    "casemanager",
    "peer",
    "intake",
    "frontdesk",
    "billing",
    "auditor",
}


def _read(client, user) -> dict:
    return _json(_get(client, f"Practitioner/{user.public_id}"))


def _search(client, **query) -> dict[str, dict]:
    return _entries(_json(_get(client, "Practitioner", **query)))


def _events_since(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id")[before:])


def test_a_member_of_staff_is_read_by_their_public_id_with_one_event(world, signed_in):
    therapist = world.therapist
    therapist.display_name, therapist.credentials = "Therapist Tester, LCSW", "LCSW, CADC"
    therapist.save()
    client = signed_in(world.nurse)
    before = AuditEvent.objects.count()

    data = _read(client, therapist)

    Practitioner.model_validate(data)
    assert data == {
        "resourceType": "Practitioner",
        "id": str(therapist.public_id),
        "active": True,
        "name": [{"text": "Therapist Tester, LCSW", "family": "Tester", "given": ["Therapist"]}],
        "qualification": [{"code": {"text": "LCSW, CADC"}}],
    }
    assert str(therapist.public_id) != str(therapist.pk)
    [event] = _events_since(before)
    assert (event.event_type, event.outcome, event.actor_id) == (
        "fhir.staff_read",
        Outcome.ALLOWED,
        world.nurse.pk,
    )
    assert event.participant_id is None
    assert event.record_id == str(therapist.public_id)
    assert event.details["fhir"] == "Practitioner"


def test_no_contact_details_and_no_qualification_without_credentials(world, signed_in):
    world.peer.email = "peer@example.org"
    world.peer.save()
    client = signed_in(world.therapist)

    data = _read(client, world.peer)

    assert "telecom" not in data and "qualification" not in data
    assert "peer@example.org" not in json.dumps(data)


def test_the_search_gives_the_organization_s_staff_by_name_with_one_event(world, signed_in):
    client = signed_in(world.frontdesk)
    before = AuditEvent.objects.count()

    found = _search(client)

    assert set(found) == {str(world.users[name].public_id) for name in STAFF_OF_THE_WORLD}
    for outside in ("stranger", "participant_user", "support"):
        assert str(world.users[outside].public_id) not in found
    [event] = _events_since(before)
    assert (event.event_type, event.outcome, event.participant_id) == (
        "fhir.staff_read",
        Outcome.ALLOWED,
        None,
    )


def test_the_search_by_id_name_and_active(world, signed_in):
    end_membership(world.peer, world.org, by=world.director)
    client = signed_in(world.therapist)
    nurse, peer = str(world.nurse.public_id), str(world.peer.public_id)

    assert set(_search(client, _id=f"{nurse},{peer},not-an-id")) == {nurse, peer}
    assert set(_search(client, _id=UNKNOWN)) == set()
    assert set(_search(client, name="nur")) == {nurse}
    assert set(_search(client, name="NURSE,peer")) == {nurse, peer}
    assert set(_search(client, active="false")) == {peer}
    assert peer not in _search(client, active="true")
    assert nurse in _search(client, active="true")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"active": "yes"}, "invalid"),
        ({"patient": "x"}, "not-supported"),
        ({"phone": "1"}, "not-supported"),
    ],
)
def test_a_search_it_does_not_serve_is_a_400_reading_nothing(world, signed_in, query, code):
    client = signed_in(world.therapist)
    before = AuditEvent.objects.count()

    response = _get(client, "Practitioner", **query)

    assert response.status_code == 400
    assert _json(response)["issue"][0]["code"] == code
    assert AuditEvent.objects.count() == before


def test_someone_who_left_is_read_as_no_longer_active(world, signed_in):
    """A past care team names them: their Practitioner still reads back, inactive."""
    end_membership(world.peer, world.org, by=world.director)
    client = signed_in(world.therapist)

    data = _read(client, world.peer)

    assert data["active"] is False


def _answer(client, path: str) -> tuple[int, bytes]:
    response = _get(client, path)
    return response.status_code, response.content.replace(path.encode(), b"")


def test_another_organization_s_member_of_staff_is_not_found_as_an_unknown_id(world, signed_in):
    client = signed_in(world.director)
    before = AuditEvent.objects.count()

    theirs = _answer(client, f"Practitioner/{world.users['stranger'].public_id}")
    unknown = _answer(client, f"Practitioner/{UNKNOWN}")

    assert theirs == unknown
    assert theirs[0] == 404
    [refused] = _events_since(before)
    assert (refused.event_type, refused.outcome) == ("fhir.staff_read", Outcome.REFUSED)
    assert refused.record_id == str(world.users["stranger"].public_id)
    assert str(world.users["stranger"].public_id) not in _search(client)


def test_staff_of_another_organization_do_not_find_this_organization_s_staff(world, signed_in):
    client = signed_in(world.users["stranger"])

    ours = _answer(client, f"Practitioner/{world.therapist.public_id}")

    assert ours == _answer(client, f"Practitioner/{UNKNOWN}")
    assert ours[0] == 404
    assert set(_search(client)) == {str(world.users["stranger"].public_id)}


def test_a_role_that_reads_no_staff_is_refused_and_audited(world, signed_in):
    """The auditor reads no participant's record over FHIR, so no staff either: a read is the
    404 of an unknown id, a search a 403; both refusals audited."""
    client = signed_in(world.auditor)
    before = AuditEvent.objects.count()

    read = _answer(client, f"Practitioner/{world.therapist.public_id}")
    search = _get(client, "Practitioner")

    assert read == _answer(client, f"Practitioner/{UNKNOWN}")
    assert read[0] == 404
    assert search.status_code == 403
    assert {e.outcome for e in _events_since(before)} == {Outcome.REFUSED}
    assert AuditEvent.objects.filter(actor=world.auditor, event_type="fhir.staff_read").exists()


def test_an_account_that_is_not_staff_s_is_refused_by_its_kind(world, signed_in):
    client = signed_in(world.users["participant_user"])

    read = _get(client, f"Practitioner/{world.therapist.public_id}")
    search = _get(client, "Practitioner")

    assert (read.status_code, search.status_code) == (403, 403)
    assert str(world.therapist) not in read.content.decode() + search.content.decode()


def test_the_care_team_s_and_the_encounter_s_staff_read_back(world, signed_in):
    session = make_session(world.program, date(2026, 11, 18), staff=[world.counsellor])
    booked = enrol(session, world.episode)
    client = signed_in(world.therapist)
    team = _json(_get(client, f"CareTeam/{world.episode.public_id}"))
    encounter = _json(_get(client, f"Encounter/{booked.public_id}"))
    named = [p["member"] for p in team["participant"]]
    named += [p["individual"] for p in encounter["participant"]]

    for reference in named:
        kind, _, public_id = reference["reference"].partition("/")
        data = _json(_get(client, reference["reference"]))
        assert (kind, data["id"]) == ("Practitioner", public_id)
        assert data["name"][0]["text"] == reference["display"]
    assert {r["reference"] for r in named} >= {
        f"Practitioner/{world.therapist.public_id}",
        f"Practitioner/{world.counsellor.public_id}",
    }


def test_the_capability_statement_lists_practitioner_without_a_patient(client):
    data = _json(_get(client, "metadata"))

    [served] = [r for r in data["rest"][0]["resource"] if r["type"] == "Practitioner"]
    assert served["interaction"] == [{"code": "read"}, {"code": "search-type"}]
    assert [p["name"] for p in served["searchParam"]] == ["_id", "name", "active"]


def test_the_bulk_export_leaves_practitioner_out_and_refuses_to_be_asked_for_it(world, signed_in):
    """A Group export is of its participants' records; staff are read by their ids."""
    client = signed_in(world.director)

    response = _kick_off(client, world.program, _type="CareTeam,Practitioner")

    assert response.status_code == 400
    assert "Practitioner" in _json(response)["issue"][0]["diagnostics"]
    assert not BulkExport.objects.exists()
