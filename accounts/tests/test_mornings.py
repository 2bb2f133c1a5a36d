"""A program's day of a daily job is worked by one tick: a tick that overruns its hour and
the next one started beside it never both work it, and work that raised (or a worker that
died holding the day) leaves it to a later tick."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.mail.backends import locmem
from django.db import connection, connections

from accounts.models import Program, ProgramMorning
from accounts.mornings import work_each_morning
from measurement.models import ReminderChoice, ReminderSent
from tests.concurrency import wait_until_blocked

JOB = "measurement.tasks.daily"
CHICAGO = ZoneInfo("America/Chicago")
NINE = datetime(2026, 11, 2, 9, 0, tzinfo=CHICAGO)
HOUR = timedelta(hours=1)


class Outage(Exception):
    pass


def _worked(world, now: datetime) -> list[int]:
    """The world's program, if a tick as of `now` works its day."""
    return [p for p in work_each_morning(JOB, now, lambda p: p.pk) if p == world.program.pk]


def _fail(program: Program) -> None:
    raise Outage


@pytest.mark.django_db
def test_work_that_raised_is_tried_again_at_the_next_tick(world):
    with pytest.raises(Outage):
        work_each_morning(JOB, NINE, _fail)

    assert _worked(world, NINE + HOUR) == [world.program.pk]
    assert _worked(world, NINE + 2 * HOUR) == []


@pytest.mark.django_db
def test_the_next_tick_beside_one_still_working_leaves_the_day_to_it(world):
    beside: list[list[int]] = []

    def overrun(program: Program) -> int:
        if program == world.program:
            beside.append(_worked(world, NINE + HOUR))
        return program.pk

    work_each_morning(JOB, NINE, overrun)

    assert beside == [[]]
    assert _worked(world, NINE + 2 * HOUR) == []


@pytest.mark.django_db
def test_a_day_held_by_a_worker_that_died_is_taken_over_by_the_tick_after_next(world):
    # What the 09:00 tick leaves when its worker is killed mid-work: the day held, not given back.
    ProgramMorning.objects.create(program=world.program, job=JOB, claimed_at=NINE)

    assert _worked(world, NINE + HOUR) == []
    assert _worked(world, NINE + 2 * HOUR) == [world.program.pk]


class HeldMail(locmem.EmailBackend):
    """Django's test mail backend, holding the 09:00 tick's first e-mail until the 10:00 tick
    is done or waiting: that tick is then mid-send, its reminders not yet recorded."""

    sending = threading.Event()
    go_on = threading.Event()

    def send_messages(self, messages):
        if threading.current_thread().name == "09:00":
            HeldMail.sending.set()
            HeldMail.go_on.wait(timeout=30)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_send_a_program_s_reminders_once(world, settings):
    """The 09:00 tick is still sending the program's reminders when the 10:00 tick starts
    beside it (a run that overran its hour)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    from measurement.tasks import daily

    settings.EMAIL_BACKEND = f"{__name__}.HeldMail"
    world.participant.email = "T-000001@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    sent: dict[str, int | str] = {}

    def tick(now: datetime) -> None:
        name = threading.current_thread().name
        try:
            sent[name] = daily.call(now.isoformat())["reminders"]
        except Exception as exc:
            sent[name] = type(exc).__name__
        finally:
            HeldMail.sending.set()
            connections.close_all()

    with time_machine.travel(NINE + HOUR, tick=False):
        first = threading.Thread(target=tick, args=(NINE,), name="09:00")
        first.start()
        HeldMail.sending.wait(timeout=30)
        second = threading.Thread(target=tick, args=(NINE + HOUR,), name="10:00")
        second.start()
        wait_until_blocked(lambda: not second.is_alive())
        HeldMail.go_on.set()
        first.join()
        second.join()

    assert sent == {"09:00": 3, "10:00": 0}
    assert ReminderSent.objects.filter(participant=world.participant).count() == 3
