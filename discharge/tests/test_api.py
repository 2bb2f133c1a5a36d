"""The discharge and follow-up API (contract: 201 on discharge; follow-ups with due_on and
status)."""

from datetime import date

from discharge.models import Discharge


def _url(world) -> str:
    return (
        f"/api/v1/participants/{world.participant.public_id}"
        f"/episodes/{world.episode.public_id}/discharge"
    )


def _body(**changes):
    body = {
        "type": "left_early",
        "date": "2026-11-20",
        "reason": "Stopped attending after week six.",
        "aftercare": {"next_provider": "Eastside Counseling", "on_moud": True},
        "follow_up_consent": True,
        "channel": "text",
    }
    return body | changes


def test_a_discharge_is_created_with_its_teds_reason_and_follow_ups(world, login):
    client = login(world.therapist)
    response = client.post(_url(world), _body(), content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert (data["type"], data["teds_reason"], data["moud_gap"]) == ("left_early", "2", True)
    assert [f["due_on"] for f in data["follow_ups"]] == [
        "2026-11-27",
        "2026-12-20",
        "2027-02-18",
        "2027-05-19",
        "2027-11-20",
    ]
    listed = client.get(f"/api/v1/participants/{world.participant.public_id}/follow-ups").json()
    assert (listed[0]["due_on"], listed[0]["status"]) == ("2026-11-27", "scheduled")
    assert Discharge.objects.get().discharged_on == date(2026, 11, 20)


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(world, login):
    client = login(world.therapist)
    for body, field in [
        (_body(type="graduated"), "type"),
        (_body(reason="no"), "reason"),
        (_body(channel=None), "channel"),
        (_body(date="2026-09-01"), "date"),
    ]:
        response = client.post(_url(world), body, content_type="application/json")
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["field"] == field
    assert not Discharge.objects.exists()


def test_a_stale_version_is_a_409(world, login):
    client = login(world.therapist)
    response = client.post(_url(world), _body(version=7), content_type="application/json")
    assert response.status_code == 409
