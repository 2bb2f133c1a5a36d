"""Every 422 from the API has one shape: {"detail": [{"field": ..., "message": ...}]}."""

from participants.models import Episode


def _transition_url(world) -> str:
    return (
        f"/api/v1/participants/{world.participant.public_id}"
        f"/episodes/{world.episode.public_id}/transition"
    )


def _assert_shape(body: dict) -> None:
    assert set(body) == {"detail"}
    assert body["detail"]
    for error in body["detail"]:
        assert set(error) == {"field", "message"}
        assert error["message"]


def test_schema_errors_from_the_framework_use_the_same_shape_as_our_refusals(world, login):
    client = login(world.therapist)
    response = client.post(
        _transition_url(world),
        {"to_status": "discharged", "version": "one"},
        content_type="application/json",
    )
    assert response.status_code == 422
    _assert_shape(response.json())
    assert {e["field"] for e in response.json()["detail"]} == {"on", "version"}


def test_a_refusal_by_the_rules_uses_the_same_shape(world, login):
    client = login(world.therapist)
    response = client.post(
        _transition_url(world),
        {"to_status": "referred", "on": "2026-11-20", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    _assert_shape(response.json())


def test_instrument_item_errors_use_the_same_shape_with_the_answer_path(db, client):
    response = client.post(
        "/api/v1/instruments/phq-9/score",
        {"answers": {"1": 9}},
        content_type="application/json",
    )
    assert response.status_code == 422
    _assert_shape(response.json())
    assert "answers.1" in {e["field"] for e in response.json()["detail"]}


def test_the_transition_api_refuses_a_reason_longer_than_the_form_allows(world, login):
    client = login(world.director)
    response = client.post(
        f"/api/v1/participants/{world.referral.public_id}"
        f"/episodes/{world.referral_episode.public_id}/transition",
        {"to_status": "declined", "on": "2026-11-20", "reason": "x" * 10_000, "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "reason"
    assert "at most 300 characters" in response.json()["detail"][0]["message"]
    episode = Episode.objects.get(pk=world.referral_episode.pk)
    assert (episode.status, episode.status_reason, episode.version) == ("referred", "", 1)
