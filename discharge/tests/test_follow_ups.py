"""Follow-ups after discharge: delayed tasks at the program's days, a single-use link to the
outcomes questionnaire, the call list after three unanswered days, and opt-out."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from discharge import followups
from discharge.models import (
    FollowUp,
    FollowUpAnswers,
    FollowUpSettings,
    FollowUpStatus,
    ReadmissionSignal,
)
from discharge.tests.builders import DISCHARGE_DAY, discharge_world, link_in
from participants.models import Participant
from tandem.errors import ConcurrentEdit
from tandem.tests.refusing_mail import REFUSING_MAIL

WHO5_FINE = {f"item-{i}": "3" for i in range(1, 6)}
ANSWERS = {
    "used": "yes",
    "days_used": "2",
    "in_treatment": "yes",
    "medication": "yes",
    "employment": "2",
    "housing": "3",
    "arrests": "0",
    "emergency_visits": "0",
}


def _morning(day: date, world) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=world.program.tz)


def _statuses(world) -> dict[int, str]:
    return dict(FollowUp.objects.filter(participant=world.participant).values_list("day", "status"))


def _discharge_by_email(world):
    Participant.objects.filter(pk=world.participant.pk).update(email="robin@example.org")
    world.participant.refresh_from_db()
    return discharge_world(world, channel="email")


def _call_listed(world) -> list[tuple]:
    """What the trail says of each follow-up put on the call list: whose, which, which day."""
    events = AuditEvent.objects.filter(event_type="follow_up.call_listed").order_by("pk")
    return [(e.participant_id, e.record_id, e.details, e.actor_id) for e in events]


def _listed_day_7(world) -> list[tuple]:
    row = FollowUp.objects.get(participant=world.participant, day=7)
    return [(world.participant.pk, str(row.public_id), {"day": 7}, None)]


def _link_from_mail() -> str:
    return link_in(str(mail.outbox[-1].body))


def test_follow_ups_are_scheduled_at_the_program_days(world):
    discharge_world(world)
    due = dict(FollowUp.objects.filter(participant=world.participant).values_list("day", "due_on"))
    assert due == {d: DISCHARGE_DAY + timedelta(days=d) for d in (7, 30, 90, 180, 365)}


def test_a_program_sets_its_own_days(world):
    FollowUpSettings.objects.create(program=world.program, days=[14, 60])
    discharge_world(world)
    assert sorted(_statuses(world)) == [14, 60]


def test_no_consent_no_follow_ups(world, run_tasks):
    discharge_world(world, consent=False)
    assert not FollowUp.objects.exists()


def test_nothing_is_sent_before_the_day(world, run_tasks):
    discharge_world(world)
    with time_machine.travel(_morning(date(2026, 11, 26), world)):
        run_tasks()
    assert set(_statuses(world).values()) == {"scheduled"}


def test_on_the_day_the_link_goes_out_and_answering_closes_the_follow_up(world, run_tasks, client):
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        assert _statuses(world)[7] == "sent"
        path = _link_from_mail()
        assert client.get(path).status_code == 200
        response = client.post(path, {**ANSWERS, **WHO5_FINE})
        assert response.status_code == 200
        assert client.post(path, {**ANSWERS, **WHO5_FINE}).status_code == 410
    answers = FollowUpAnswers.objects.get()
    assert (answers.days_used, answers.who5_total, answers.who5_band) == (2, 15, "adequate")
    assert _statuses(world)[7] == "answered"
    with time_machine.travel(_morning(date(2026, 12, 1), world)):
        run_tasks()
    assert _statuses(world)[7] == "answered"


def test_a_participant_who_chose_text_gets_the_link_by_text(world, run_tasks, client, capsys):
    Participant.objects.filter(pk=world.participant.pk).update(phone="555-0100")
    world.participant.refresh_from_db()
    discharge_world(world, channel="text")
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        text = capsys.readouterr().out
        assert "SMS to 555-0100: The program you attended asks how you are doing." in text
        path = link_in(text)
        assert client.post(path, {**ANSWERS, **WHO5_FINE}).status_code == 200
    assert mail.outbox == []
    assert _statuses(world)[7] == "answered"


def test_without_a_text_provider_a_text_follow_up_prints_no_number_and_goes_to_the_call_list(
    world, run_tasks, settings, capsys, caplog
):
    """Nothing reaches anyone, so nothing is printed for the logs: the number and the link
    stay out of them, and the unanswered follow-up comes to the staff's call list as usual."""
    settings.TANDEM_SMS_SENDER = "measurement.sms.UnconfiguredSmsSender"
    Participant.objects.filter(pk=world.participant.pk).update(phone="555-0100")
    world.participant.refresh_from_db()
    discharge_world(world, channel="text")
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
    printed = capsys.readouterr().out + caplog.text
    assert "555-0100" not in printed and "/l/" not in printed
    assert "no text-message provider is configured" in caplog.text
    assert _statuses(world)[7] == "sent"
    with time_machine.travel(_morning(date(2026, 11, 30), world) + timedelta(hours=1)):
        run_tasks()
    assert _statuses(world)[7] == "to_call"


def test_a_refused_follow_up_leaves_no_address_in_the_task_record_or_the_log(
    world, run_tasks, settings, caplog
):
    """A failed task's error stays in the queue table and the worker's log: it names the
    follow-up, never the participant's address."""
    _discharge_by_email(world)
    settings.EMAIL_BACKEND = REFUSING_MAIL
    with time_machine.travel(_morning(date(2026, 11, 27), world)), pytest.raises(AssertionError):
        run_tasks()

    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    follow_up = FollowUp.objects.get(day=7)
    assert f"Follow-up {follow_up.public_id} was not sent: SMTPRecipientsRefused." in (
        failed.traceback
    )
    assert "robin@example.org" not in failed.traceback
    assert "robin@example.org" not in caplog.text


def test_bad_answers_keep_the_link(world, run_tasks, client):
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        path = _link_from_mail()
        assert client.post(path, {**ANSWERS, "item-1": "3"}).status_code == 400
        assert not FollowUpAnswers.objects.exists()
        assert client.post(path, {**ANSWERS, **WHO5_FINE}).status_code == 200


def _question(page: str, item: int) -> str:
    """The markup of one WHO-5 question on a questionnaire page."""
    found = re.search(rf'<fieldset[^>]* id="q-{item}".*?</fieldset>', page, re.S)
    assert found is not None, item
    return found.group(0)


def test_answers_refused_on_a_call_are_said_beside_their_questions_and_nothing_is_kept(
    world, run_tasks, client, login
):
    """As on the link's page: each WHO-5 answer the scorer refuses is named at its own
    question, not as the scorer's one English sentence, and the follow-up, its link and the
    trail are as before the post."""
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        path = _link_from_mail()
        row = FollowUp.objects.get(participant=world.participant, day=7)
        url = reverse("discharge:call_answers", args=[world.participant.public_id, row.public_id])
        bad = {**ANSWERS, **WHO5_FINE, "item-2": "9", "item-4": ""}
        response = login(world.therapist).post(url, bad)
        page = response.content.decode()
        assert response.status_code == 400
        assert '<small class="error">Choose one of the options.</small>' in _question(page, 2)
        assert '<small class="error">Answer this question.</small>' in _question(page, 4)
        for fine in (1, 3, 5):
            assert 'class="error"' not in _question(page, fine)
        assert '<a href="#q-4">Question 4</a>: Answer this question.' in page
        assert "WHO-5:" not in page
        assert not FollowUpAnswers.objects.exists()
        row.refresh_from_db()
        assert (row.status, row.called_at, row.called_by) == (FollowUpStatus.SENT, None, None)
        assert not AuditEvent.objects.filter(event_type="follow_up.answered").exists()
        assert client.get(path).status_code == 200


def test_the_link_expires_after_a_day(world, run_tasks, client):
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        path = _link_from_mail()
    with time_machine.travel(_morning(date(2026, 11, 28), world) + timedelta(hours=1)):
        assert client.get(path).status_code == 410


def test_unanswered_for_three_days_goes_on_the_call_list(world, run_tasks, login):
    discharge_world(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
    with time_machine.travel(_morning(date(2026, 11, 29), world)):
        run_tasks()
    assert _statuses(world)[7] == "sent"
    with time_machine.travel(_morning(date(2026, 11, 30), world) + timedelta(hours=1)):
        run_tasks()
        assert _statuses(world)[7] == "to_call"
        page = login(world.casemanager).get(reverse("discharge:call_list"))
    assert world.participant.record_number in page.content.decode()
    assert _call_listed(world) == _listed_day_7(world)


def test_a_phone_follow_up_goes_straight_to_the_call_list(world, run_tasks):
    discharge_world(world, channel="phone")
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
    assert _statuses(world)[7] == "to_call"
    assert _call_listed(world) == _listed_day_7(world)


def test_opting_out_stops_everything_at_once(world, run_tasks, client):
    record = _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        path = _link_from_mail()
        followups.opt_out(record.consent, by=world.therapist, expected_version=1)
        assert set(_statuses(world).values()) == {"stopped"}
        assert client.get(path).status_code == 410
    sent = len(mail.outbox)
    with time_machine.travel(_morning(date(2027, 12, 1), world)):
        run_tasks()
    assert set(_statuses(world).values()) == {"stopped"}
    assert len(mail.outbox) == sent


def test_a_call_recorded_from_a_page_opened_before_the_opt_out_is_told_it_changed(world, run_tasks):
    """The call list showed day 7 to call; the participant opted out before the call was
    recorded: the call is refused as a change made meanwhile, and the trail names the days
    the opt-out stopped."""
    record = discharge_world(world, channel="phone")
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
    shown = FollowUp.objects.get(day=7)
    assert shown.status == FollowUpStatus.TO_CALL

    followups.opt_out(record.consent, by=world.therapist, expected_version=1)

    with pytest.raises(ConcurrentEdit):
        followups.record_call(
            shown,
            by=world.casemanager,
            reached=True,
            note="Doing well.",
            expected_version=shown.version,
        )
    assert FollowUp.objects.get(pk=shown.pk).status == FollowUpStatus.STOPPED
    event = AuditEvent.objects.get(event_type="follow_up.opted_out")
    assert 7 in event.details["stopped"]


def test_a_reported_emergency_visit_is_a_readmission_signal(world, run_tasks, client):
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        client.post(_link_from_mail(), {**ANSWERS, "emergency_visits": "1", **WHO5_FINE})
    assert ReadmissionSignal.objects.get().kind == "step_up"


def test_a_call_is_recorded_from_the_call_list(world, run_tasks):
    discharge_world(world, channel="phone")
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
    row = FollowUp.objects.get(day=7)
    followups.record_call(
        row, by=world.casemanager, reached=True, note="Doing well.", expected_version=row.version
    )
    row.refresh_from_db()
    assert (row.status, row.called_by) == (FollowUpStatus.REACHED, world.casemanager)


def test_the_morning_after_the_first_aftercare_appointment_a_task_asks_if_it_happened(
    world, run_tasks
):
    from discharge.tasks import FIRST_APPOINTMENT
    from worklist.models import Task

    appointment = DISCHARGE_DAY + timedelta(days=4)
    discharge_world(world, aftercare={"first_appointment_on": appointment})
    with time_machine.travel(_morning(appointment, world)):
        run_tasks()
    assert not Task.objects.filter(kind=FIRST_APPOINTMENT).exists()
    with time_machine.travel(_morning(appointment + timedelta(days=1), world)):
        run_tasks()
    task = Task.objects.get(kind=FIRST_APPOINTMENT)
    assert (task.participant, task.owner, task.due_on, task.is_open) == (
        world.participant,
        world.therapist,
        appointment + timedelta(days=1),
        True,
    )


def test_no_task_when_the_first_appointment_is_already_recorded(world, run_tasks):
    from discharge import services
    from discharge.tasks import FIRST_APPOINTMENT
    from worklist.models import Task

    appointment = DISCHARGE_DAY + timedelta(days=4)
    record = discharge_world(world, aftercare={"first_appointment_on": appointment})
    services.update_aftercare(
        record.aftercare,
        by=world.therapist,
        changes={"first_appointment_kept": "kept"},
        expected_version=record.aftercare.version,
    )
    with time_machine.travel(_morning(appointment + timedelta(days=1), world)):
        run_tasks()
    assert not Task.objects.filter(kind=FIRST_APPOINTMENT).exists()


def test_a_step_up_reported_on_an_evening_is_noticed_on_the_programs_day(world, run_tasks, client):
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        path = _link_from_mail()
    evening = datetime.combine(date(2026, 11, 27), time(20, 30), tzinfo=world.program.tz)
    with time_machine.travel(evening):  # 02:30 on the 28th in UTC
        client.post(path, {**ANSWERS, "emergency_visits": "1", **WHO5_FINE})
    assert ReadmissionSignal.objects.get().noticed_on == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("language", "subject", "opening"),
    [
        ("Español", "¿Cómo está?", "El programa al que asistió le pregunta cómo está."),
        ("English", "How are you doing?", "The program you attended asks how you are doing."),
    ],
)
def test_the_follow_up_email_is_in_the_participants_language(
    world, run_tasks, client, language, subject, opening
):
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language=language)
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        [message] = mail.outbox
        assert message.subject == subject
        assert message.body.startswith(opening)
        assert client.get(_link_from_mail()).status_code == 200
    _assert_names_no_treatment(f"{message.subject}\n{message.body}")


def test_the_follow_up_questionnaire_asks_a_spanish_speaking_participant_in_spanish(
    world, run_tasks, client, login
):
    """Its questions and their choices are in Spanish on the link's page; the same questions
    read to the participant on a call stay English on the staff's page."""
    Participant.objects.filter(pk=world.participant.pk).update(preferred_language="Spanish")
    _discharge_by_email(world)
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
        page = client.get(_link_from_mail()).content.decode()
    for words in (
        "¿Cómo le va desde que dejó el programa?",
        "¿Ha consumido alcohol o drogas desde que dejó el programa?",
        "Dónde vive",
        "Vivo de forma independiente",
        "Sí, lo sigo tomando",
        "Trabajo a tiempo parcial",
    ):
        assert words in page, words
    assert "Where you live" not in page and "Living independently" not in page

    row = FollowUp.objects.get(participant=world.participant, day=7)
    staff = login(world.therapist).get(
        reverse("discharge:call_answers", args=[world.participant.public_id, row.public_id])
    )
    assert "Living independently" in staff.content.decode()
    assert "Vivo de forma independiente" not in staff.content.decode()


def test_a_spanish_speaking_participant_gets_the_follow_up_text_in_spanish(
    world, run_tasks, capsys
):
    Participant.objects.filter(pk=world.participant.pk).update(
        phone="555-0100", preferred_language="Spanish"
    )
    world.participant.refresh_from_db()
    discharge_world(world, channel="text")
    with time_machine.travel(_morning(date(2026, 11, 27), world)):
        run_tasks()
    text = capsys.readouterr().out
    assert "SMS to 555-0100: El programa al que asistió le pregunta cómo está." in text
    assert "llame o envíe un mensaje de texto al 988" in text
    _assert_names_no_treatment(text)


def _assert_names_no_treatment(text: str) -> None:
    """A phone's lock screen shows the message: it never says what the treatment was (the
    link's random token is left out, so chance letters in it do not count)."""
    words = ["substance", "sustancia", "IOP", "recovery", "recupera", "relapse", "recaída"]
    text = re.sub(r"https?://\S+", "", text).lower()
    assert not [word for word in words if word.lower() in text]
