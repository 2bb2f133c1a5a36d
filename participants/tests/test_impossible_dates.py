"""Impossible dates are refused with a message naming the field, and nothing is written.

Birth dates in the future or before 1900, referral dates before the birth, discharge dates
decades ahead and year 0001 used to be stored as typed.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import (
    Episode,
    Participant,
    birth_date_problem,
    episode_date_problems,
)

TODAY = date(2026, 12, 3)


def _referral(world, **changes) -> dict:
    return {
        "legal_first_name": "Jordan",
        "legal_last_name": "Quill",
        "date_of_birth": "1988-02-29",
        "sex_at_birth": "unknown",
        "program": world.program.pk,
        "referred_on": "2026-11-20",
    } | changes


def _rows() -> tuple[int, int]:
    return Participant.objects.count(), Episode.objects.count()


def test_a_birth_date_must_be_in_the_past_and_after_1900():
    assert birth_date_problem(TODAY, TODAY) is None
    assert birth_date_problem(date(1900, 1, 1), TODAY) is None
    assert "future" in (birth_date_problem(TODAY + timedelta(days=1), TODAY) or "")
    assert "before 1900-01-01" in (birth_date_problem(date(1899, 12, 31), TODAY) or "")


def test_episode_dates_run_in_order_after_the_birth_and_not_far_ahead():
    def problems(**dates):
        return episode_date_problems(
            date(1990, 5, 17),
            **{"referred_on": None, "admitted_on": None, "discharged_on": None} | dates,
            today=TODAY,
        )

    assert problems(referred_on=date(2026, 9, 1), admitted_on=date(2026, 9, 8)) == {}
    assert problems(referred_on=date(1980, 1, 1)) == {
        "referred_on": "The referral date cannot be before the date of birth."
    }
    assert problems(referred_on=date(2026, 9, 1), admitted_on=date(2026, 8, 1)) == {
        "admitted_on": "The admission date cannot be before the referral date."
    }
    assert problems(
        referred_on=date(2026, 9, 1), admitted_on=date(2026, 9, 8), discharged_on=date(2026, 9, 7)
    ) == {"discharged_on": "The discharge date cannot be before the admission date."}
    assert problems(referred_on=date(2026, 9, 1), discharged_on=date(2150, 1, 1)) == {
        "discharged_on": "The discharge date cannot be more than a year from today."
    }
    assert problems(referred_on=date(1, 1, 1)) == {
        "referred_on": "The referral date must be between 1900-01-01 and 2199-12-31."
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth": "0001-01-01"}, "must be between 1900-01-01 and 2199-12-31"),
        ({"date_of_birth": "1899-12-31"}, "must be between 1900-01-01 and 2199-12-31"),
        ({"date_of_birth": "2199-01-01"}, "The date of birth cannot be in the future."),
        ({"referred_on": "0001-01-01"}, "must be between 1900-01-01 and 2199-12-31"),
        ({"referred_on": "1987-01-01"}, "The referral date cannot be before the date of birth."),
        ({"referred_on": "2150-01-01"}, "The referral date cannot be more than a year from today."),
    ],
)
def test_a_referral_with_an_impossible_date_is_refused_and_writes_nothing(
    world, login, changes, message
):
    client = login(world.intake)
    before = _rows()
    response = client.post(reverse("participants:new"), _referral(world, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _rows() == before


def test_a_birth_date_of_tomorrow_is_refused_when_editing_details(world, login):
    client = login(world.therapist)
    tomorrow = timezone.localdate() + timedelta(days=1)
    fields = {
        "legal_first_name": "Robin",
        "legal_last_name": "Testperson",
        "date_of_birth": tomorrow.isoformat(),
        "sex_at_birth": "female",
        "preferred_language": "English",
        "version": 1,
    }
    response = client.post(reverse("participants:edit", args=[world.participant.public_id]), fields)
    assert response.status_code == 400
    assert "The date of birth cannot be in the future." in response.content.decode()
    participant = Participant.objects.get(pk=world.participant.pk)
    assert (participant.date_of_birth, participant.version) == (date(1990, 5, 17), 1)


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("2150-01-01", "The discharge date cannot be in the future."),
        ("0001-01-01", "must be between 1900-01-01 and 2199-12-31"),
    ],
)
def test_a_discharge_far_outside_the_episode_is_refused_on_the_page(world, login, on, message):
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    response = client.post(
        url,
        {"type": "completed", "date": on, "version": 1, "reason": "Done here", "confirm": "on"},
    )
    assert message in response.content.decode()
    episode = Episode.objects.get(pk=world.episode.pk)
    assert (episode.status, episode.discharged_on, episode.version) == ("active", None, 1)


def test_the_api_refuses_the_same_discharge_with_the_field_named(world, login):
    client = login(world.therapist)
    url = (
        f"/api/v1/participants/{world.participant.public_id}"
        f"/episodes/{world.episode.public_id}/discharge"
    )
    response = client.post(
        url,
        {"type": "completed", "date": "2150-01-01", "reason": "Done here", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "date", "message": "The discharge date cannot be in the future."}]
    }
    assert Episode.objects.get(pk=world.episode.pk).status == "active"
