"""Episodes move only along their lifecycle; bad input writes nothing and says why."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from discharge.tests.builders import discharge_world
from participants.models import EPISODE_TRANSITIONS, Episode, EpisodeStatus
from participants.services import transition_episode
from placement.tests.builders import record as record_iop_decision
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput


def test_every_status_has_a_row_in_the_transition_table():
    assert set(EPISODE_TRANSITIONS) == set(EpisodeStatus.values)


def test_referral_moves_to_screening_then_admission_with_dates(world):
    record_iop_decision(world.referral_episode, by=world.intake)
    e = transition_episode(
        world.referral_episode,
        to_status="screening",
        by=world.intake,
        on=date(2026, 11, 2),
        expected_version=1,
    )
    e = transition_episode(
        e, to_status="admitted", by=world.director, on=date(2026, 11, 9), expected_version=e.version
    )
    assert (e.status, e.admitted_on) == ("admitted", date(2026, 11, 9))
    change = AuditEvent.objects.filter(record_id=str(e.public_id)).latest("id")
    assert change.details["changes"]["status"] == {"before": "screening", "after": "admitted"}


def test_an_invalid_transition_is_refused_with_the_allowed_moves_and_nothing_is_written(world):
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as error:
        transition_episode(
            world.referral_episode,
            to_status="discharged",
            by=world.director,
            on=date(2026, 11, 5),
            expected_version=1,
            reason="Completed the program.",
            confirmed=True,
        )
    assert "referred cannot become discharged" in error.value.message
    assert "Allowed next: declined, screening" in error.value.message
    world.referral_episode.refresh_from_db()
    assert (world.referral_episode.status, world.referral_episode.version) == ("referred", 1)
    assert AuditEvent.objects.count() == events


def test_a_closed_episode_cannot_be_reopened(world):
    discharge_world(world)
    e = Episode.objects.get(pk=world.episode.pk)
    assert EPISODE_TRANSITIONS[e.status] == frozenset()
    # After discharge the access policy closes the chart to every change first.
    with pytest.raises(AccessDenied, match="chart is closed"):
        transition_episode(
            e,
            to_status="active",
            by=world.director,
            on=date(2026, 11, 21),
            expected_version=e.version,
        )


def test_discharge_before_admission_is_refused(world):
    with pytest.raises(InvalidInput, match="before admission"):
        discharge_world(world, on=date(2026, 9, 2))


def test_two_people_moving_the_same_episode_the_second_is_told(world):
    transition_episode(
        world.referral_episode,
        to_status="screening",
        by=world.intake,
        on=date(2026, 11, 2),
        expected_version=1,
    )
    with pytest.raises(ConcurrentEdit):
        transition_episode(
            world.referral_episode,
            to_status="declined",
            by=world.director,
            on=date(2026, 11, 2),
            expected_version=1,
            reason="Chose another program.",
            confirmed=True,
        )
    assert Episode.objects.get(pk=world.referral_episode.pk).status == "screening"


def test_web_form_with_a_malformed_date_gets_a_message_and_writes_nothing(world, login):
    client = login(world.therapist)
    url = reverse(
        "participants:transition", args=[world.participant.public_id, world.episode.public_id]
    )
    response = client.post(
        url, {"to_status": "discharged", "on": "20/11/2026x", "version": 1}, follow=True
    )
    assert b"Enter a valid date" in response.content
    assert Episode.objects.get(pk=world.episode.pk).status == "active"


def test_api_invalid_transition_is_422_with_a_message(world, login):
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.referral.public_id}/episodes/{world.referral_episode.public_id}/transition"
    client = login(world.director)
    response = client.post(
        url,
        {"to_status": "active", "on": "2026-11-05", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "cannot become active" in response.json()["detail"][0]["message"]


def test_api_malformed_date_is_422(world, login):
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/episodes/{world.episode.public_id}/transition"
    response = client.post(
        url,
        {"to_status": "discharged", "on": "not-a-date", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Episode.objects.get(pk=world.episode.pk).status == "active"


def test_api_unknown_participant_is_404(world, login):
    client = login(world.therapist)
    response = client.get("/api/v1/participants/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


def test_api_needs_a_session(client, world):
    assert client.get(f"/api/v1/participants/{world.participant.public_id}").status_code == 401


def test_admission_without_a_level_of_care_decision_is_refused(world):
    screening = transition_episode(
        world.referral_episode,
        to_status="screening",
        by=world.intake,
        on=date(2026, 11, 2),
        expected_version=1,
    )
    with pytest.raises(InvalidInput, match="level-of-care decision"):
        transition_episode(
            screening,
            to_status="admitted",
            by=world.director,
            on=date(2026, 11, 9),
            expected_version=screening.version,
        )
