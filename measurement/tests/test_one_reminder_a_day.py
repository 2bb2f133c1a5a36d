"""A questionnaire's reminder goes out once on a day of the participant's program, however
many runs send that day: the database refuses a second reminder for the same questionnaire
and day, a run that meets the refusal sends nothing for it, and nothing goes out that was
not recorded first."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import IntegrityError, connection, connections
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEvent
from audit.selectors import trail_line
from links.services import issue_link
from measurement.models import ReminderChoice, ReminderSent
from measurement.services import send_reminders
from measurement.tests.conftest import T0

NOW = T0 + timedelta(hours=1)
DUE = {"phq-9", "gad-7", "pcl-5"}  # the self-report questionnaires due on the first day


@pytest.fixture
def opted_in(world):
    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    return world.participant


def _reminders() -> Counter:
    return Counter(ReminderSent.objects.values_list("instrument", "sent_on"))


def test_two_runs_on_the_same_day_send_each_questionnaire_s_reminder_once(opted_in):
    assert send_reminders(now=NOW) == 3
    assert send_reminders(now=NOW + timedelta(hours=5)) == 0

    assert _reminders() == {(code, NOW.date()): 1 for code in DUE}
    assert len(mail.outbox) == 3


def test_the_database_refuses_a_second_reminder_for_a_questionnaire_on_the_same_day(opted_in):
    send_reminders(now=NOW)
    another = issue_link(opted_in, "questionnaire", ref="phq-9", now=NOW)

    with pytest.raises(IntegrityError):
        ReminderSent.objects.create(
            participant=opted_in,
            link=another.link,
            instrument="phq-9",
            channel="email",
            sent_on=NOW.date(),
        )


class BesideMail(locmem.EmailBackend):
    """Django's test mail backend, where a second run sends the day's reminders while the
    first run's first e-mail is going out: that run read what was already sent before the
    second one recorded anything."""

    started = False
    beside: list[int] = []

    def send_messages(self, messages):
        if not BesideMail.started:
            BesideMail.started = True
            BesideMail.beside.append(send_reminders(now=NOW))
        return super().send_messages(messages)


def test_a_run_beside_another_sends_nothing_the_other_recorded(opted_in, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BesideMail"
    BesideMail.started, BesideMail.beside = False, []

    first = send_reminders(now=NOW)

    assert (first, BesideMail.beside) == (1, [2])
    assert _reminders() == {(code, NOW.date()): 1 for code in DUE}
    assert len(mail.outbox) == 3


class HeldMail(locmem.EmailBackend):
    """The first run's first e-mail held until the second run has sent the day's others."""

    sending = threading.Event()
    go_on = threading.Event()

    def send_messages(self, messages):
        if threading.current_thread().name == "first":
            HeldMail.sending.set()
            HeldMail.go_on.wait(timeout=30)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_questionnaire_s_reminder_once(world, settings):
    """Two runs on their own connections, as two workers would be: the second starts while
    the first is sending its first reminder, having read nothing of the second's."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    settings.EMAIL_BACKEND = f"{__name__}.HeldMail"
    HeldMail.sending.clear()
    HeldMail.go_on.clear()
    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    sent: dict[str, int | str] = {}

    def run() -> None:
        name = threading.current_thread().name
        try:
            sent[name] = send_reminders(now=NOW)
        except Exception as exc:
            sent[name] = type(exc).__name__
        finally:
            HeldMail.sending.set()
            connections.close_all()

    first = threading.Thread(target=run, name="first")
    first.start()
    HeldMail.sending.wait(timeout=30)
    second = threading.Thread(target=run, name="second")
    second.start()
    second.join()
    HeldMail.go_on.set()
    first.join()

    assert sent == {"first": 1, "second": 2}
    assert _reminders() == {(code, NOW.date()): 1 for code in DUE}
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_each_reminder_s_questionnaire_and_keeps_a_day_s_first(world):
    """Rows written before the questionnaire was on the row: each gets its link's, and of two
    reminders for the same questionnaire on one day (two runs at once) the first is kept."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = [("measurement", "0002_next_due")]
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Reminder = old.get_model("measurement", "ReminderSent")
        links = [
            issue_link(world.participant, "questionnaire", ref=code, now=NOW).link.pk
            for code in ("phq-9", "phq-9", "gad-7", "phq-9")
        ]
        days = [NOW.date()] * 3 + [NOW.date() + timedelta(days=1)]
        rows = [
            Reminder.objects.create(
                participant_id=world.participant.pk, link_id=link, channel="email", sent_on=day
            ).pk
            for link, day in zip(links, days, strict=True)
        ]
    finally:
        MigrationExecutor(connection).migrate(leaves)

    kept = ReminderSent.objects.order_by("pk").values_list("pk", "instrument", "sent_on")
    assert list(kept) == [
        (rows[0], "phq-9", NOW.date()),
        (rows[2], "gad-7", NOW.date()),
        (rows[3], "phq-9", NOW.date() + timedelta(days=1)),
    ]


def test_the_reminder_s_events_are_the_program_s_own_with_no_role_of_a_person(opted_in):
    send_reminders(now=NOW)

    events = list(
        AuditEvent.objects.filter(
            event_type__in=["measurement.reminder_sent", "link.issued"], participant=opted_in
        )
    )
    assert len(events) == 6
    assert {(e.actor_id, e.role) for e in events} == {(None, "")}
    assert not any("(system)" in trail_line(e) for e in events)
