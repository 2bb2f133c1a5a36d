"""A questionnaire reminder that reached nobody (the mail server down, the text provider
refusing) is sent again an hour later with a new link, at most three times in all, only while
its questionnaire is still due, never once the program's evening has begun, and never to
someone it reached by another channel."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from links.models import SingleUseLink
from measurement.models import ReminderChoice, ReminderSent
from measurement.tests.conftest import phq9_answers
from tandem.tasks import enqueue_after_commit
from tandem.tests.refusing_mail import REFUSING_MAIL
from tandem.tokens import token_hash

CHICAGO = ZoneInfo("America/Chicago")
# The world's program's morning (08:00 in Chicago), with PHQ-9, GAD-7 and PCL-5 due.
MORNING = datetime(2026, 11, 2, 8, 0, tzinfo=CHICAGO)
DELIVERING = "django.core.mail.backends.locmem.EmailBackend"
RETRY = "measurement.tasks.retry_reminder"


@pytest.fixture
def opted_in(world):
    world.participant.email = "robin@example.invalid"
    world.participant.phone = "+15555550100"
    world.participant.save(update_fields=["email", "phone"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    return world.participant


def _start_the_chain(then: datetime) -> None:
    from measurement.tasks import daily

    enqueue_after_commit(daily, then.isoformat())


def _worker_at(run_tasks, at: datetime) -> int:
    """The worker at `at` working through every task due, as `db_worker` goes on past a
    failed one: how many failed."""
    failed = 0
    with time_machine.travel(at, tick=False):
        while True:
            try:
                run_tasks()
                return failed
            except AssertionError:
                failed += 1


def _hours(run_tasks, start: datetime, hours: int) -> list[int]:
    """The worker at each whole hour from `start`: how many tasks failed at each."""
    return [_worker_at(run_tasks, start + timedelta(hours=h)) for h in range(hours)]


def _token(body: str) -> str:
    """The token of the single-use link a reminder's text carries."""
    [url] = re.findall(r"https?://\S+", body)
    return url.rstrip("/").rsplit("/", 1)[1]


def _retries_waiting() -> int:
    return DBTaskResult.objects.filter(task_path=RETRY, status="READY").count()


def test_a_reminder_refused_at_the_morning_goes_out_an_hour_later_with_a_new_link(
    opted_in, run_tasks, settings
):
    settings.EMAIL_BACKEND = REFUSING_MAIL
    _start_the_chain(MORNING)
    assert _worker_at(run_tasks, MORNING) == 1  # the morning's tick, its three reminders refused
    went_nowhere = set(ReminderSent.objects.values_list("link_id", flat=True))

    settings.EMAIL_BACKEND = DELIVERING
    assert _hours(run_tasks, MORNING + timedelta(hours=1), 14) == [0] * 14

    assert [m.to for m in mail.outbox] == [[opted_in.email]] * 3
    assert {(r.attempts, r.retry_queued) for r in ReminderSent.objects.all()} == {(2, False)}
    links = SingleUseLink.objects.filter(target="questionnaire")
    assert set(links.exclude(revoked_at=None).values_list("pk", flat=True)) == went_nowhere
    # Each message carries the link now on its reminder, one that still opens.
    sent = {token_hash(_token(str(m.body))) for m in mail.outbox}
    reminded = ReminderSent.objects.values_list("link__token_hash", "link__revoked_at")
    assert {(h, None) for h in sent} == set(reminded)


def test_a_reminder_refused_all_day_is_sent_three_times_in_all_then_left(
    opted_in, run_tasks, settings
):
    settings.EMAIL_BACKEND = REFUSING_MAIL
    _start_the_chain(MORNING)

    # 08:00 the morning's tick fails; 09:00 and 10:00 the three reminders' next attempts do.
    assert _hours(run_tasks, MORNING, 14) == [1, 3, 3] + [0] * 11

    assert {(r.attempts, r.retry_queued) for r in ReminderSent.objects.all()} == {(3, False)}
    refused = AuditEvent.objects.filter(event_type="measurement.reminder_not_delivered").order_by(
        "id"
    )
    # Each attempt refused, the next queued, up to the third.
    attempts = [(e.details["attempt"], e.details["retry_at"] is not None) for e in refused]
    assert attempts == [(1, True)] * 3 + [(2, True)] * 3 + [(3, False)] * 3
    assert _retries_waiting() == 0
    assert mail.outbox == []


def test_no_attempt_is_queued_for_the_program_s_evening(opted_in, run_tasks, settings):
    """The day first worked at 19:00 (the chain started then): the reminders refused then
    would be tried at 20:00, when the program's day takes no more reminders."""
    settings.EMAIL_BACKEND = REFUSING_MAIL
    evening = MORNING.replace(hour=19)
    _start_the_chain(evening)
    assert _worker_at(run_tasks, evening) == 1

    refused = AuditEvent.objects.filter(event_type="measurement.reminder_not_delivered")
    assert [(e.details["attempt"], e.details["retry_at"]) for e in refused] == [(1, None)] * 3
    assert _retries_waiting() == 0
    settings.EMAIL_BACKEND = DELIVERING
    assert _hours(run_tasks, evening + timedelta(hours=1), 3) == [0, 0, 0]
    assert mail.outbox == []


def test_an_attempt_the_worker_reaches_only_in_the_evening_sends_nothing(
    opted_in, run_tasks, settings
):
    settings.EMAIL_BACKEND = REFUSING_MAIL
    afternoon = MORNING.replace(hour=18)
    _start_the_chain(afternoon)
    assert _worker_at(run_tasks, afternoon) == 1
    assert _retries_waiting() == 3  # due at 19:00

    settings.EMAIL_BACKEND = DELIVERING
    assert _worker_at(run_tasks, afternoon + timedelta(hours=3)) == 0  # back at 21:00

    assert mail.outbox == []
    assert {(r.attempts, r.retry_queued) for r in ReminderSent.objects.all()} == {(1, False)}


def test_a_questionnaire_answered_before_the_next_attempt_is_not_reminded_again(
    opted_in, give, run_tasks, settings
):
    settings.EMAIL_BACKEND = REFUSING_MAIL
    _start_the_chain(MORNING)
    assert _worker_at(run_tasks, MORNING) == 1
    give("phq-9", phq9_answers(8), MORNING + timedelta(minutes=30))

    settings.EMAIL_BACKEND = DELIVERING
    assert _worker_at(run_tasks, MORNING + timedelta(hours=1)) == 0

    assert len(mail.outbox) == 2
    attempts = dict(ReminderSent.objects.values_list("instrument", "attempts"))
    assert attempts == {"phq-9": 1, "gad-7": 2, "pcl-5": 2}


def test_a_reminder_that_reached_its_participant_by_text_is_not_sent_again(
    opted_in, run_tasks, settings, capsys
):
    """E-mail refused, the text delivered: the participant has the link, so nothing is tried
    again and the morning's tick finished; the refused e-mail is on the reminder and the trail."""
    ReminderChoice.objects.filter(participant=opted_in).update(sms=True)
    settings.EMAIL_BACKEND = REFUSING_MAIL
    _start_the_chain(MORNING)

    assert _hours(run_tasks, MORNING, 3) == [0, 0, 0]

    assert capsys.readouterr().out.count(f"SMS to {opted_in.phone}") == 3
    assert _retries_waiting() == 0
    refused = AuditEvent.objects.filter(event_type="measurement.reminder_not_delivered")
    assert [(e.details["channels"], e.details["retry_at"]) for e in refused] == [
        (["email"], None)
    ] * 3
    assert {(r.attempts, r.retry_queued) for r in ReminderSent.objects.all()} == {(1, False)}
    assert set(ReminderSent.objects.values_list("refused", flat=True)) == {"email"}


class RefusingTexts:
    """A text-message provider that refuses every message, quoting the number back."""

    def send(self, to: str, body: str) -> None:
        raise RuntimeError(f"{to} is not a mobile number")


def _measures_tab(client, participant) -> str:
    page = client.get(reverse("measurement:tab", args=[participant.public_id])).content.decode()
    return page[page.index('id="reminder-heading"') :]


def test_a_text_refused_beside_a_delivered_e_mail_leaves_the_morning_finished(
    opted_in, world, login, run_tasks, settings, caplog
):
    """The provider refuses the texts, the e-mails go out: everyone was reminded, so the
    morning's work finished, nothing is sent again, and the Measures tab says which channel
    refused, while the log and the queue's row carry no number."""
    ReminderChoice.objects.filter(participant=opted_in).update(sms=True)
    settings.TANDEM_SMS_SENDER = f"{__name__}.RefusingTexts"
    _start_the_chain(MORNING)

    assert _hours(run_tasks, MORNING, 3) == [0, 0, 0]

    assert [m.to for m in mail.outbox] == [[opted_in.email]] * 3
    assert _retries_waiting() == 0
    ticks = DBTaskResult.objects.filter(task_path="measurement.tasks.daily").exclude(
        finished_at=None
    )
    assert list(ticks.order_by("finished_at").values_list("status", "return_value")) == [
        ("SUCCESSFUL", {"reminders": 3, "reviews": 0}),
        ("SUCCESSFUL", {"reminders": 0, "reviews": 0}),
        ("SUCCESSFUL", {"reminders": 0, "reviews": 0}),
    ]
    refused = AuditEvent.objects.filter(event_type="measurement.reminder_not_delivered")
    assert [(e.details["channels"], e.details["retry_at"]) for e in refused] == [
        (["sms"], None)
    ] * 3
    assert {(r.attempts, r.retry_queued, r.refused) for r in ReminderSent.objects.all()} == {
        (1, False, "sms")
    }
    assert not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "READY"]).exists()
    assert opted_in.phone not in caplog.text
    with time_machine.travel(MORNING + timedelta(hours=3), tick=False):
        card = _measures_tab(login(world.therapist), opted_in)
    assert (
        "Last reminder Mon 2 Nov 2026: delivered by e-mail; the text message was refused."
    ) in card


def test_an_attempt_that_reaches_the_participant_by_e_mail_alone_finishes(
    opted_in, world, login, run_tasks, settings
):
    """Both channels refused at the morning: the reminders reached nobody, the tick fails and
    each is tried again. At 09:00 the mail server is back and the texts still refused: the
    attempts reached the participant, so they finish, and no third is queued."""
    ReminderChoice.objects.filter(participant=opted_in).update(sms=True)
    settings.TANDEM_SMS_SENDER = f"{__name__}.RefusingTexts"
    settings.EMAIL_BACKEND = REFUSING_MAIL
    _start_the_chain(MORNING)
    assert _worker_at(run_tasks, MORNING) == 1
    with time_machine.travel(MORNING + timedelta(minutes=5), tick=False):
        card = _measures_tab(login(world.therapist), opted_in)
    assert (
        "Last reminder Mon 2 Nov 2026: <strong>reached nobody</strong>; "
        "the e-mail and the text message were refused."
    ) in card

    settings.EMAIL_BACKEND = DELIVERING
    assert _hours(run_tasks, MORNING + timedelta(hours=1), 3) == [0, 0, 0]

    assert [m.to for m in mail.outbox] == [[opted_in.email]] * 3
    assert _retries_waiting() == 0
    retries = DBTaskResult.objects.filter(task_path=RETRY)
    assert sorted(retries.values_list("status", "return_value")) == [("SUCCESSFUL", True)] * 3
    assert {(r.attempts, r.retry_queued, r.refused) for r in ReminderSent.objects.all()} == {
        (2, False, "sms")
    }
