"""A participant's action the rules refuse is refused in their language: the check-in (their
own and a link's), a questionnaire after discharge, acknowledging their plan and the follow-up
questionnaire's link. The same refusal stays English for an English-speaking participant."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from discharge.tests.builders import discharge_world, link_in
from links.services import issue_link
from participants.models import Participant
from plans.tests.builders import signed

SPANISH = "Spanish"
ENGLISH = "English"
USED_NOTHING_CHOSEN = {"mood": "6", "craving": "2", "used": "yes", "safety": "no"}
FOLLOW_UP = {
    "used": "no",
    "in_treatment": "yes",
    "medication": "yes",
    "employment": "2",
    "housing": "3",
    "arrests": "0",
    "emergency_visits": "0",
}
WHO5_ITEM_3_BLANK = {"item-1": "3", "item-2": "3", "item-4": "3", "item-5": "3"}


def _speaks(world, language: str) -> None:
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language=language)
    world.participant.refresh_from_db()


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (SPANISH, "Elija lo que consumió.", "Choose what you used."),
        (ENGLISH, "Choose what you used.", "Elija lo que consumió."),
    ],
)
def test_a_check_in_that_says_use_without_what_is_refused_in_their_language(
    world, login, client, language, said, not_said
):
    """On their own account and through a reminder link alike."""
    _speaks(world, language)
    issued = issue_link(world.participant, "checkin")
    for response in (
        login(world.participant_user).post(reverse("checkins:mine"), USED_NOTHING_CHOSEN),
        client.post(issued.path, USED_NOTHING_CHOSEN),
    ):
        page = response.content.decode()
        assert response.status_code == 400
        assert said in page
        assert not_said not in page


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (SPANISH, "Su tiempo en el programa terminó, así que esto ya no se puede enviar aquí"),
        (ENGLISH, "Your time in the program has ended, so this can no longer be sent here"),
    ],
)
def test_a_check_in_or_questionnaire_after_discharge_is_refused_in_their_language(
    world, login, language, said
):
    """Spoken to them, not the staff's sentence about the participant and the chart."""
    _speaks(world, language)
    discharge_world(world)
    client = login(world.participant_user)
    answers = {f"item-{i}": "0" for i in range(1, 10)}
    calm = {**USED_NOTHING_CHOSEN, "used": "no"}
    for response in (
        client.post(reverse("checkins:mine"), calm),
        client.post(reverse("assessments:mine", args=["phq-9"]), answers),
    ):
        page = response.content.decode()
        assert response.status_code == 403
        assert said in page
        assert "This chart is closed" not in page
        assert "Este expediente está cerrado" not in page


def test_staff_refused_by_the_closed_chart_still_read_what_stays_open(world, login):
    """The participant's record says Spanish; a staff page stays English, with the staff's
    sentence about the chart."""
    _speaks(world, SPANISH)
    discharge_world(world)
    response = login(world.director).post(
        reverse("participants:care_team_add", args=[world.participant.public_id]),
        {"user": world.outsider.pk, "role": "therapist"},
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "This chart is closed: the participant was discharged." in page
    assert "Your time in the program has ended" not in page
    assert "Su tiempo en el programa" not in page


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (
            SPANISH,
            "Comentario: Asegúrese de que este valor tenga menos de 2000 caracteres",
            "Comment: ",
        ),
        (ENGLISH, "Comment: Ensure this value has at most 2000 characters", "Comentario"),
    ],
)
def test_a_comment_too_long_for_the_plan_is_refused_in_their_language(
    world, login, language, said, not_said
):
    _speaks(world, language)
    signed(world)
    page = (
        login(world.participant_user)
        .post(reverse("plans:mine"), {"comment": "x" * 2001}, follow=True)
        .content.decode()
    )
    assert said in page
    assert not_said not in page


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (SPANISH, "Responda esta pregunta.", "Answer this question."),
        (ENGLISH, "Answer this question.", "Responda esta pregunta."),
    ],
)
def test_a_follow_up_missing_a_who5_answer_asks_for_it_in_their_language(
    world, client, run_tasks, language, said, not_said
):
    """The scorer's "item 3 is required" is for the API: the link's page names the question."""
    Participant.objects.filter(pk=world.participant.pk).update(
        preferred_language=language, email="robin@example.org"
    )
    world.participant.refresh_from_db()
    discharge_world(world, channel="email")
    with time_machine.travel(datetime(2026, 11, 27, 11, 0, tzinfo=world.program.tz)):
        run_tasks()
        response = client.post(link_in(str(mail.outbox[-1].body)), FOLLOW_UP | WHO5_ITEM_3_BLANK)
    page = response.content.decode()
    assert response.status_code == 400
    assert said in page
    assert not_said not in page
    assert "item 3 is required" not in page
