"""After discharge a participant's check-in or questionnaire can no longer be sent: a form
kept open in a tab says so before they fill it in, and a refused answer (which may have said
they are not safe, and which nothing keeps to alert anyone) comes back with the crisis lines."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from checkins.models import CheckIn
from discharge.tests.builders import discharge_world
from participants.models import Participant

ENDED = "Your time in the program has ended, so this can no longer be sent here"
CLOSED = "Your time in the program has ended, so check-ins and questionnaires can no longer"
# Each form with a question only it asks.
FORMS = (("checkins:mine", (), 'name="safety"'), ("assessments:mine", ("phq-9",), 'name="item-9"'))
UNSAFE_CHECK_IN = {"mood": "2", "craving": "8", "used": "no", "safety": "yes"}
PHQ9_ITEM_9 = {**{f"item-{i}": "0" for i in range(1, 9)}, "item-9": "3"}


def _url(name: str, args: tuple) -> str:
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "args", "question"), FORMS)
def test_a_form_opened_after_discharge_says_it_can_no_longer_be_sent(
    world, login, name, args, question
):
    discharge_world(world)
    response = login(world.participant_user).get(_url(name, args))
    page = response.content.decode()
    assert response.status_code == 403
    assert CLOSED in page
    assert "988" in page and "741741" in page
    assert question not in page  # no form to fill in and send


@pytest.mark.parametrize(("name", "args", "question"), FORMS)
def test_the_form_is_there_while_the_participant_is_in_the_program(
    world, login, name, args, question
):
    response = login(world.participant_user).get(_url(name, args))
    page = response.content.decode()
    assert response.status_code == 200
    assert question in page
    assert CLOSED not in page


@pytest.mark.parametrize(
    ("name", "args", "answers"),
    [("checkins:mine", (), UNSAFE_CHECK_IN), ("assessments:mine", ("phq-9",), PHQ9_ITEM_9)],
)
def test_an_unsafe_answer_refused_after_discharge_comes_back_with_the_crisis_lines(
    world, login, name, args, answers
):
    discharge_world(world)
    before = AuditEvent.objects.count()
    response = login(world.participant_user).post(_url(name, args), answers)
    page = response.content.decode()
    assert response.status_code == 403
    assert ENDED in page
    assert "If you are thinking about hurting yourself" in page
    assert 'href="tel:988"' in page and 'href="sms:741741?body=HOME"' in page
    assert 'href="tel:911"' in page
    assert CheckIn.objects.count() == 0
    refused = AuditEvent.objects.filter(pk__gt=before, outcome=Outcome.REFUSED)
    assert refused.count() == 1  # the refused write is kept in the trail


def test_a_form_opened_after_discharge_says_so_in_spanish(world, login):
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language="Spanish")
    discharge_world(world)
    page = login(world.participant_user).get(reverse("checkins:mine")).content.decode()
    assert "los registros diarios y los cuestionarios ya no se pueden enviar aquí" in page
    assert "Si necesita ayuda ahora" in page
    assert CLOSED not in page


def test_the_refusal_and_its_help_are_in_spanish(world, login):
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language="Spanish")
    discharge_world(world)
    page = (
        login(world.participant_user)
        .post(reverse("checkins:mine"), UNSAFE_CHECK_IN)
        .content.decode()
    )
    assert "Su tiempo en el programa terminó" in page
    assert "Si necesita ayuda ahora" in page
    assert "988 Línea de Prevención del Suicidio y Crisis" in page
    assert "If you need help now" not in page
