"""The 988 crisis line is one tap away (call or text) on every page a participant opens."""

import pytest
from django.urls import reverse

from links.services import issue_link

CALL = '<a class="button" href="tel:988">'
TEXT = '<a class="button" href="sms:988">'


@pytest.mark.parametrize(
    "page",
    [
        reverse("portal:home"),
        reverse("checkins:mine"),
        reverse("checkins:done"),
        reverse("assessments:mine", args=["phq-9"]),
        reverse("assessments:mine_done"),
        reverse("discharge:mine"),
    ],
)
def test_the_portal_s_pages_call_and_text_988(world, login, page):
    text = login(world.participant_user).get(page).content.decode()
    assert CALL in text
    assert TEXT in text


def test_a_single_use_link_calls_and_texts_988(client, world):
    issued = issue_link(world.participant, "questionnaire", ref="phq-9", by=world.therapist)
    text = client.get(issued.path).content.decode()
    assert CALL in text and TEXT in text


def test_a_link_that_no_longer_works_still_calls_and_texts_988(client, db):
    text = client.get(reverse("links:open", args=["not-a-link"])).content.decode()
    assert "This link does not work any more" in text
    assert CALL in text and TEXT in text


def test_the_buttons_are_in_spanish(world, login):
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    text = login(world.participant_user).get(reverse("portal:home")).content.decode()
    assert "Llamar al 988</a>" in text
    assert "Mensaje de texto al 988</a>" in text
