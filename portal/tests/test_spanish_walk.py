"""Every page, message and crisis text a Spanish-speaking participant meets, walked once.

Each page is checked two ways: a sentence of its own in Spanish, and none of the English
sentences the catalogue translates left on it (a string marked for translation but missing
from the catalogue, or a catalogue not compiled, fails here).
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from links.services import issue_link
from participants.models import CareTeamMember
from portal.tests.test_spanish import _catalog
from safety import services as safety_services

FORM_CALM = {"mood": "6", "craving": "2", "used": "no", "safety": "no", "hours_slept": "7"}
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture
def spanish(world):
    world.participant.preferred_language = "Español"
    world.participant.email = "robin@example.org"
    world.participant.save(update_fields=["preferred_language", "email"])
    world.program.after_hours_phone = "555-0100"
    world.program.save()
    draft = safety_services.save_draft(
        world.participant,
        by=world.therapist,
        steps={"warning_signs": "No contesto el teléfono"},
        expected_version=None,
    )
    safety_services.confirm(
        draft, by=world.therapist, expected_version=draft.version, written_with_participant=True
    )
    return world.participant


def english_left(text: str) -> list[str]:
    """Catalogue sentences (three words or more) still shown in English; a name the Spanish
    keeps as it is ("Crisis Text Line (línea de crisis …)") does not count."""
    return [
        english
        for english, spanish in _catalog().items()
        if english not in spanish and len(english.split()) >= 3 and english in text
    ]


def assert_spanish(response, *sentences: str) -> str:
    text = response.content.decode()
    assert response["Content-Language"] == "es"
    for sentence in sentences:
        assert sentence in text, sentence
    assert english_left(text) == []
    return text


def test_the_portal_home_check_in_and_thank_you_are_in_spanish(world, login, spanish):
    client = login(world.participant_user)
    assert_spanish(client.get(reverse("portal:home")), "Registro diario", "Registrarme ahora")
    assert_spanish(
        client.get(reverse("checkins:mine")),
        "Ánimo hoy",
        "Deseo de consumir hoy",
        "¿Consumió algo desde su último registro?",
        "Detonantes de hoy",
        "Estrategias de afrontamiento que usó",
        "Horas que durmió anoche",
        "Desde su último registro, ¿ha pensado",
        "Enviar",
    )
    sent = client.post(reverse("checkins:mine"), FORM_CALM, follow=True)
    assert_spanish(sent, "Su registro se envió a su equipo de atención.")


def test_the_safety_plan_page_is_in_spanish(world, login, spanish):
    client = login(world.participant_user)
    assert_spanish(client.get(reverse("safety:mine")), "Señales de alerta", "No contesto")


def test_a_safety_yes_shows_the_crisis_text_in_spanish(world, login, spanish):
    client = login(world.participant_user)
    crisis = client.post(reverse("checkins:mine"), {**FORM_CALM, "safety": "yes"}, follow=True)
    assert_spanish(
        crisis,
        "No tiene que enfrentar esto a solas",
        "Su equipo de atención ya recibió un aviso",
        "marque 2 para español",
        "Señales de alerta",
    )


def test_with_no_care_team_the_crisis_text_names_the_program_leads_in_spanish(
    world, login, spanish
):
    CareTeamMember.objects.all().delete()
    world.episode.primary_clinician = None
    world.episode.save()
    crisis = login(world.participant_user).post(
        reverse("checkins:mine"), {**FORM_CALM, "safety": "yes"}, follow=True
    )
    assert_spanish(crisis, "Los responsables clínicos del programa ya recibieron un aviso")


def test_when_no_one_could_be_alerted_the_crisis_text_says_so_in_spanish(world, login, spanish):
    CareTeamMember.objects.all().delete()
    world.episode.primary_clinician = None
    world.episode.save()
    Membership.objects.filter(organization=world.org).exclude(user=world.participant_user).update(
        is_active=False
    )
    crisis = login(world.participant_user).post(
        reverse("checkins:mine"), {**FORM_CALM, "safety": "yes"}, follow=True
    )
    assert_spanish(crisis, "Desde aquí no pudimos avisar a nadie")


def test_the_check_in_reached_by_a_reminder_link_is_in_spanish(client, world, spanish):
    issued = issue_link(world.participant, "checkin", by=world.therapist)
    assert_spanish(client.get(issued.path), "Registro diario", "Ánimo hoy")
    done = client.post(issued.path, FORM_CALM)
    assert_spanish(done, "Su registro se envió a su equipo de atención.")


def test_a_crisis_answer_through_a_link_is_in_spanish(client, world, spanish):
    issued = issue_link(world.participant, "checkin", by=world.therapist)
    crisis = client.post(issued.path, {**FORM_CALM, "safety": "yes"})
    assert_spanish(crisis, "No tiene que enfrentar esto a solas", "Señales de alerta")


def test_the_reminder_email_is_in_spanish(world, spanish):
    from measurement.services import send_reminders, set_reminder_choice

    set_reminder_choice(world.participant, by=world.therapist, email=True, sms=False)
    assert send_reminders(now=NOW + timedelta(days=1)) >= 1
    message = mail.outbox[0]
    assert message.subject == "Un cuestionario de su equipo de atención"
    assert "Este enlace funciona una sola vez, durante 24 horas" in message.body
    assert english_left(f"{message.subject} {message.body}") == []


def test_an_english_speaker_still_gets_the_english_reminder(world):
    from measurement.services import send_reminders, set_reminder_choice

    world.participant.email = "robin@example.org"
    world.participant.save(update_fields=["email"])
    set_reminder_choice(world.participant, by=world.therapist, email=True, sms=False)
    send_reminders(now=NOW + timedelta(days=1))
    assert mail.outbox[0].subject == "A questionnaire from your care team"


def test_the_medications_question_is_in_spanish(world, login, spanish):
    from datetime import date

    from medications.services import add_medication

    add_medication(
        world.participant, by=world.prescriber, code="methadone", started_on=date(2026, 10, 1)
    )
    assert_spanish(
        login(world.participant_user).get(reverse("checkins:mine")),
        "Sus medicamentos desde su último registro",
        "Los tomé todos",
        "Me salté algunos",
        "No tomé ninguno",
    )
