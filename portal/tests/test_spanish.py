"""The portal in Spanish for a participant whose record says so; staff pages stay English."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from participants.language import code_for
from plans.tests.builders import signed
from safety import services

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PHQ9_ITEM_9 = {f"item-{i}": "0" for i in range(1, 9)} | {"item-9": "1"}


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Spanish", "es"),
        ("Español", "es"),
        ("espanol", "es"),
        ("es-MX", "es"),
        ("English", "en-us"),
        ("Vietnamese", "en-us"),
        ("", "en-us"),
    ],
)
def test_the_record_s_language_names_a_portal_language(written, code):
    assert code_for(written) == code


def test_the_portal_home_is_in_spanish(world, login, spanish):
    response = login(world.participant_user).get(reverse("portal:home"))
    page = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in page
    assert "Hola, Robin" in page
    assert "Mi plan de seguridad" in page
    assert "Cuestionarios para usted" in page
    assert "Questionnaires for you" not in page


def test_the_questionnaire_says_it_is_shown_in_english(world, login, spanish):
    page = login(world.participant_user).get(reverse("assessments:mine", args=["phq-9"]))
    text = page.content.decode()
    assert "Este cuestionario se muestra en inglés" in text
    assert "Enviar mis respuestas" in text


def test_the_questionnaire_s_english_wording_is_marked_english(world, login, client, spanish):
    """A screen reader speaking Spanish reads the English questions with an English voice."""
    from links.services import issue_link

    issued = issue_link(world.participant, "questionnaire", ref="phq-9", by=world.therapist)
    for text in (
        login(world.participant_user).get(reverse("assessments:mine", args=["phq-9"])),
        client.get(issued.path),
    ):
        page = text.content.decode()
        assert "<h1>Cómo se ha sentido (PHQ-9)</h1>" in page  # the title is the page's own
        assert 'id="q-1" data-item="1" lang="en"' in page
        assert '<p class="instructions" lang="en">' in page
        assert "Enviar mis respuestas" in page


def test_the_crisis_page_and_safety_plan_are_in_spanish(world, login, spanish):
    draft = services.save_draft(
        world.participant,
        by=world.therapist,
        steps={"warning_signs": "No contesto el teléfono"},
        expected_version=None,
    )
    services.confirm(
        draft, by=world.therapist, expected_version=draft.version, written_with_participant=True
    )
    text = (
        login(world.participant_user)
        .post(reverse("assessments:mine", args=["phq-9"]), PHQ9_ITEM_9, follow=True)
        .content.decode()
    )
    assert "No tiene que enfrentar esto a solas" in text
    assert "Su equipo de atención ya recibió un aviso" in text
    assert "marque 2 para español" in text
    assert "Señales de alerta" in text and "No contesto el teléfono" in text
    assert "Envíe la palabra HOME por mensaje de texto al 741741" in text


def test_staff_pages_stay_in_english(world, login, spanish):
    page = login(world.therapist).get(reverse("safety:tab", args=[world.participant.public_id]))
    assert "Warning signs" in page.content.decode()
    assert page["Content-Language"] == "en-us"


def _catalog() -> dict[str, str]:
    text = PO.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', text, flags=re.M)

    def joined(block: str) -> str:
        return "".join(
            bytes(line[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
            for line in block.strip().split("\n")
        )

    return {joined(i): joined(s) for i, s in pairs if joined(i)}


def test_every_string_of_the_catalogue_is_translated_and_compiled():
    catalog = _catalog()
    assert len(catalog) > 50
    with translation.override("es"):
        for english, spanish in catalog.items():
            assert spanish, f"no Spanish for {english!r}"
            assert translation.gettext(english) == spanish, english


def test_a_single_use_link_opens_in_the_participant_s_language(client, world, spanish):
    from links.services import issue_link

    issued = issue_link(world.participant, "questionnaire", ref="phq-9", by=world.therapist)
    response = client.get(issued.path)
    text = response.content.decode()
    assert response["Content-Language"] == "es"
    assert "Este cuestionario se muestra en inglés" in text
    assert "Enviar mis respuestas" in text


def test_the_plan_to_read_and_acknowledge_is_in_spanish(world, login, spanish):
    """The participant's own words stay as written; what the page says around them, and the
    thanks after acknowledging, are in Spanish."""
    signed(world)
    client = login(world.participant_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert "Su plan de tratamiento" in home and "Your treatment plan" not in home

    page = client.get(reverse("plans:mine")).content.decode()
    assert "Mi plan de tratamiento" in page
    assert "<h2>Salud mental</h2>" in page  # the problem area in the participant's language
    assert "Mi meta:" in page and "Feel like myself" in page
    assert "Leí mi plan y acepto trabajar en él" in page
    assert "My goal" not in page and "I have read my plan" not in page

    after = client.post(reverse("plans:mine"), {"comment": ""}, follow=True).content.decode()
    assert "Gracias: su confirmación quedó registrada." in after
    assert "Usted confirmó este plan</span> el" in after


def test_a_missing_answer_is_asked_for_in_spanish_beside_its_question(
    world, login, client, spanish
):
    """The scorer's "item 9 is required" is for the API; the participant reads, beside the
    question and in their language, that it needs an answer."""
    from links.services import issue_link

    unanswered = {f"item-{i}": "0" for i in range(1, 9)}
    issued = issue_link(world.participant, "questionnaire", ref="phq-9", by=world.therapist)
    for response in (
        login(world.participant_user).post(reverse("assessments:mine", args=["phq-9"]), unanswered),
        client.post(issued.path, unanswered),
    ):
        page = response.content.decode()
        assert response.status_code == 400
        assert "Responda esta pregunta." in page
        assert "item 9 is required" not in page


def test_a_missing_answer_on_a_staff_page_is_asked_for_beside_its_question(world, login):
    unanswered = {f"item-{i}": "0" for i in range(1, 9)}
    response = login(world.therapist).post(
        reverse("assessments:administer", args=[world.participant.public_id, "phq-9"]),
        unanswered,
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Answer this question." in page
    assert "item 9 is required" not in page


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("Spanish", "Cerró su sesión.", "You are signed out."),
        ("English", "You are signed out.", "Cerró su sesión."),
    ],
)
def test_signing_out_is_said_in_their_language(world, login, language, said, not_said):
    world.participant.preferred_language = language
    world.participant.save(update_fields=["preferred_language"])
    page = login(world.participant_user).post(reverse("accounts:logout"), follow=True)
    assert said in page.content.decode()
    assert not_said not in page.content.decode()


@override_settings(TANDEM_IDLE_TIMEOUT_SECONDS=60)
def test_a_quiet_period_s_sign_out_is_said_in_their_language(world, login, spanish, monkeypatch):
    """Said before the sign-in page, which speaks the visitor's choice (English here)."""
    client = login(world.participant_user)
    assert client.get(reverse("portal:home")).status_code == 200
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    page = client.get(reverse("portal:home"), follow=True).content.decode()
    assert "Se cerró su sesión porque no hubo actividad durante un tiempo." in page
    assert "period of inactivity" not in page
