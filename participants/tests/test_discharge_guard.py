"""Leaving care is never one unguarded click: no status preselected, a reason, a confirmation;
a participant in care leaves only through the discharge workflow."""

import re
from datetime import date

import pytest
from django.urls import reverse

from participants.models import Episode
from participants.services import transition_episode
from tandem.errors import InvalidInput


def _status_url(world) -> str:
    return reverse(
        "participants:transition", args=[world.participant.public_id, world.episode.public_id]
    )


def _status(world) -> str:
    return Episode.objects.get(pk=world.episode.pk).status


def test_the_status_form_preselects_nothing(world, login):
    page = login(world.therapist).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    text = page.content.decode()
    form = text[text.index("Change status") :]
    form = form[: form.index("</form>")]
    assert re.findall(r'<option value="([^"]*)" selected', form) == [""]
    assert "Transferred out" in form and "Transferredout" not in form
    assert 'name="confirm"' in form and "checked" not in form


def _referral_url(world) -> str:
    return reverse(
        "participants:transition",
        args=[world.referral.public_id, world.referral_episode.public_id],
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to_status": "declined"}, "Say why the participant is declined"),
        ({"to_status": "declined", "reason": "Chose another program."}, "Confirm that"),
        ({"to_status": "declined", "confirm": "on"}, "Say why"),
        ({}, "New status"),
    ],
)
def test_the_form_refuses_leaving_care_without_reason_and_confirmation(world, login, data, message):
    client = login(world.director)
    response = client.post(
        _referral_url(world), {"on": "2026-11-20", "version": 1, **data}, follow=True
    )
    assert message in response.content.decode()
    assert Episode.objects.get(pk=world.referral_episode.pk).status == "referred"


def test_the_form_sends_a_discharge_to_the_discharge_page(world, login):
    client = login(world.therapist)
    response = client.post(
        _status_url(world),
        {
            "to_status": "discharged",
            "on": "2026-11-20",
            "version": 1,
            "reason": "Completed the program.",
            "confirm": "on",
        },
        follow=True,
    )
    assert "Use the discharge page" in response.content.decode()
    assert _status(world) == "active"


def test_the_api_needs_the_same_reason_and_confirmation(world, login):
    client = login(world.director)
    url = reverse(
        "api:transition",
        kwargs={
            "participant_id": world.referral.public_id,
            "episode_id": world.referral_episode.public_id,
        },
    )
    body = {"to_status": "declined", "on": "2026-11-20", "version": 1}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code in (400, 422)
    body |= {"reason": "Chose another program.", "confirm": True}
    assert client.post(url, body, content_type="application/json").status_code == 200
    assert Episode.objects.get(pk=world.referral_episode.pk).status == "declined"


def test_the_service_refuses_declining_without_confirmation(world):
    with pytest.raises(InvalidInput, match="Confirm"):
        transition_episode(
            world.referral_episode,
            to_status="declined",
            by=world.director,
            on=date(2026, 11, 5),
            reason="Chose another program.",
            expected_version=1,
        )
