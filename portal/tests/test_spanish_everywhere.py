"""Every portal page a Spanish-speaking participant can reach, with refused answers and empty
states, has no English sentence of the portal's own: the clinic tablet and the kiosk page a
clinician hands over included. Questionnaire wording stays English (Tandem has no published
Spanish version of it) and the page says so."""

from django.urls import reverse

from discharge.tests.builders import discharge_world
from links.services import issue_link
from portal.tests.test_spanish_walk import assert_spanish

UNANSWERED = {f"item-{i}": "0" for i in range(1, 9)}
ALL_ANSWERED = UNANSWERED | {"item-9": "0"}
SHOWN_IN_ENGLISH = "Este cuestionario se muestra en inglés"


def test_the_portal_pages_and_their_empty_states_are_in_spanish(world, login, spanish):
    client = login(world.participant_user)
    assert_spanish(client.get(reverse("portal:home")), "Hola, Robin", "988")
    assert_spanish(client.get(reverse("plans:mine")), "Su plan todavía no está firmado")
    assert_spanish(client.get(reverse("safety:mine")))
    assert_spanish(
        client.get(reverse("assessments:mine", args=["phq-9"])),
        SHOWN_IN_ENGLISH,
        "Enviar mis respuestas",
        "988",
    )


def test_a_refused_check_in_says_why_in_spanish(world, login, spanish):
    response = login(world.participant_user).post(reverse("checkins:mine"), {"mood": "11"})
    assert response.status_code == 400
    text = assert_spanish(response, "Ánimo hoy", "Responda esta pregunta.")
    assert "This field is required" not in text
    assert "Ensure this value" not in text


def test_a_refused_questionnaire_says_why_in_spanish(world, login, client, spanish):
    issued = issue_link(world.participant, "questionnaire", ref="phq-9", by=world.therapist)
    for response in (
        login(world.participant_user).post(reverse("assessments:mine", args=["phq-9"]), UNANSWERED),
        client.post(issued.path, UNANSWERED),
    ):
        assert response.status_code == 400
        assert_spanish(response, "Algunas respuestas necesitan atención", "Responda esta pregunta.")


def test_the_discharge_summary_is_in_spanish(world, login, spanish):
    discharge_world(world)
    client = login(world.participant_user)
    assert_spanish(client.get(reverse("portal:home")), "Usted dejó el programa el vie 20 nov 2026.")
    assert_spanish(client.get(reverse("discharge:mine")))


def test_the_clinic_tablet_speaks_the_participant_s_language(world, login, spanish):
    client = login(world.therapist)
    page = reverse("assessments:self_report", args=[world.participant.public_id, "phq-9"])
    text = assert_spanish(client.get(page), SHOWN_IN_ENGLISH, "Preguntas para Robin", "Terminar")
    assert '<html lang="es">' in text
    assert '<h1 lang="en">Patient Health Questionnaire-9</h1>' in text
    assert "Questions for" not in text and ">Finish<" not in text

    refused = client.post(page, UNANSWERED)
    assert refused.status_code == 400
    assert_spanish(refused, "Responda esta pregunta.")

    done = client.post(page, ALL_ANSWERED, follow=True)
    text = assert_spanish(done, "Gracias: ya terminó", "Devuelva el dispositivo a su clínico.")
    assert "Thank you" not in text and "hand the device back" not in text


def test_the_kiosk_page_speaks_the_participant_s_language(world, login, spanish):
    client = login(world.therapist)
    client.post(reverse("measurement:kiosk_start", args=[world.participant.public_id]))
    text = assert_spanish(client.get(reverse("measurement:kiosk")), "Cuestionarios para usted")
    assert '<html lang="es">' in text


def test_after_discharge_the_check_in_and_questionnaire_say_why_not_in_spanish(
    world, login, spanish
):
    discharge_world(world)
    client = login(world.participant_user)
    for page in (reverse("checkins:mine"), reverse("assessments:mine", args=["phq-9"])):
        response = client.get(page)
        assert_spanish(response)


def test_a_plan_acknowledged_twice_says_so_in_spanish(world, login, spanish):
    from plans.tests.builders import signed

    plan = signed(world)
    client = login(world.participant_user)
    client.post(reverse("plans:mine"), {"plan": plan.public_id})
    again = client.post(reverse("plans:mine"), {"plan": plan.public_id}, follow=True)
    text = assert_spanish(again, "Ya confirmó esta versión del plan.")
    assert "already acknowledged" not in text


def test_a_questionnaire_or_page_that_is_not_there_says_so_in_spanish(world, login, spanish):
    client = login(world.participant_user)
    missing = client.get(reverse("assessments:mine", args=["no-such-questionnaire"]))
    assert missing.status_code == 404
    text = assert_spanish(missing, "No disponible", "Este cuestionario no está disponible.")
    assert "Volver al inicio" in text and "Back to the start" not in text
    nowhere = client.get("/me/no-such-page/")
    assert nowhere.status_code == 404
    assert_spanish(nowhere, "No encontrado", "No hay ninguna página en esta dirección.")


def test_a_used_link_says_so_in_spanish_too(client, world, spanish):
    """A spent or unknown link cannot tell whose it was: the page says it in every portal
    language, crisis line included, rather than in English only."""
    issued = issue_link(world.participant, "questionnaire", ref="phq-9", by=world.therapist)
    client.post(issued.path, ALL_ANSWERED)
    text = client.get(issued.path).content.decode()
    spanish_part = text[text.index('<section class="card narrow" lang="es">') :]
    assert "Este enlace ya no funciona" in spanish_part
    assert "Puede que ya se haya usado o que tenga más de un día" in spanish_part
    assert "marque 2 para español" in spanish_part and "Llamar al 988" in spanish_part
    assert "This link does not work any more" in text  # and still in English for anyone else


def test_hours_slept_out_of_range_is_told_in_spanish(world, login, spanish):
    response = login(world.participant_user).post(
        reverse("checkins:mine"),
        {"mood": "6", "craving": "2", "used": "no", "safety": "no", "hours_slept": "30"},
    )
    assert response.status_code == 400
    text = assert_spanish(response, "Escriba las horas que durmió como un número de 0 a 24")
    assert "Ensure this value" not in text
