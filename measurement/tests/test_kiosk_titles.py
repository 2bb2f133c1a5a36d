"""The clinic tablet names each questionnaire as the participant's own pages do: its plain
title in their language with the short name after it, never the published clinical name."""

import re

from django.urls import reverse


def _kiosk_buttons(world, login) -> list[str]:
    """The questionnaires the kiosk page offers, as their buttons read."""
    client = login(world.therapist)
    client.post(reverse("measurement:kiosk_start", args=[world.participant.public_id]))
    page = client.get(reverse("measurement:kiosk")).content.decode()
    return re.findall(r'<a class="button big" href="/l/[^"]+">([^<]+)</a>', page)


def test_the_kiosk_names_each_questionnaire_by_its_plain_title(world, login):
    assert _kiosk_buttons(world, login) == [
        "How you have been feeling (PHQ-9)",
        "Worry and nerves (GAD-7)",
        "Stress after a very hard experience (PCL-5)",
    ]


def test_the_kiosk_names_them_in_the_participant_s_language(world, login):
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    assert _kiosk_buttons(world, login) == [
        "Cómo se ha sentido (PHQ-9)",
        "Preocupación y nervios (GAD-7)",
        "Estrés después de una experiencia muy difícil (PCL-5)",
    ]
