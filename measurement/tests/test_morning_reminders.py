"""Questionnaire reminders go out at each program's morning in its own time zone: the daily
run ticks every hour and sends a program's reminders once a program day, from the program's
morning hour (08:00 unless set), never at 3 am there, and one day's worth after an outage."""

import smtplib
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem

from accounts.models import Program, ProgramMorning
from accounts.services import create_program
from audit.models import AuditEvent
from conftest import make_participant
from measurement.models import ReminderChoice, ReminderSent
from measurement.services import NOT_ON_TRACK
from measurement.tests.conftest import T0, phq9_answers
from monitoring.models import Alert
from participants.models import Episode, EpisodeStatus, Participant
from tandem.tasks import enqueue_after_commit
from tandem.tests.refusing_mail import REFUSING_MAIL

CHICAGO = ZoneInfo("America/Chicago")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# Summer time ends in both programs on Sunday 1 November 2026 at 02:00 local. The chain
# starts at 05:00 in Chicago, 03:00 in Los Angeles.
START = datetime(2026, 10, 31, 10, 0, tzinfo=UTC)
EIGHT = time(8, 0)


@pytest.fixture
def two_programs(world):
    """The world's participant in Chicago and one in a program in Los Angeles, both in care
    with the same questionnaires due (PHQ-9, GAD-7, PCL-5) and opted in to e-mail."""
    coastal = create_program(world.org, name="Coastal IOP", time_zone="America/Los_Angeles")
    sam = make_participant(world.org, "T-000010", legal_first_name="Sam")
    Episode.objects.create(
        participant=sam,
        program=coastal,
        status=EpisodeStatus.ACTIVE,
        referred_on=world.episode.referred_on,
        admitted_on=world.episode.admitted_on,
        primary_clinician=world.therapist,
    )
    for person in (world.participant, sam):
        person.email = f"{person.record_number}@example.invalid"
        person.save(update_fields=["email"])
        ReminderChoice.objects.create(participant=person, email=True)
    return {world.participant.pk: CHICAGO, sam.pk: LOS_ANGELES}


def _start_the_chain(then: datetime) -> None:
    from measurement.tasks import daily

    enqueue_after_commit(daily, then.isoformat())


def _tick(run_tasks, start: datetime, hours: int) -> None:
    """The worker at every whole hour from `start`."""
    for hour in range(hours):
        with time_machine.travel(start + timedelta(hours=hour), tick=False):
            run_tasks()


def _sent(zones) -> Counter:
    """How many reminders each participant got at each local time of their program."""
    local = (
        (pk, at.astimezone(zones[pk]))
        for pk, at in ReminderSent.objects.values_list("participant_id", "created_at")
    )
    return Counter((pk, at.date(), at.time()) for pk, at in local)


def test_reminders_go_out_at_08_00_in_each_program_once_a_day_across_the_change_of_time(
    world, two_programs, run_tasks
):
    _start_the_chain(START)
    _tick(run_tasks, START, 4 * 24)

    days = [date(2026, 10, 31) + timedelta(days=n) for n in range(4)]
    assert _sent(two_programs) == {(pk, day, EIGHT): 3 for pk in two_programs for day in days}
    # 08:00 is a different hour in UTC on each side of the change, and in each program.
    utc_hours = {
        (pk, at.astimezone(UTC).hour)
        for pk, at in ReminderSent.objects.values_list("participant_id", "created_at")
    }
    chicago, los_angeles = two_programs
    assert utc_hours == {(chicago, 13), (chicago, 14), (los_angeles, 15), (los_angeles, 16)}
    assert {r.sent_on for r in ReminderSent.objects.all()} == set(days)


def test_a_program_s_own_morning_hour_is_kept_and_nothing_goes_out_before_it(
    world, two_programs, run_tasks
):
    world.program.morning_hour = 10
    world.program.save(update_fields=["morning_hour"])
    chicago, los_angeles = two_programs
    early = datetime(2026, 11, 2, 4, 0, tzinfo=CHICAGO)  # 02:00 in Los Angeles
    _start_the_chain(early)

    _tick(run_tasks, early, 6)  # up to 09:00 in Chicago, 07:00 in Los Angeles
    assert not ReminderSent.objects.exists()
    _tick(run_tasks, early + timedelta(hours=6), 18)
    assert _sent(two_programs) == {
        (chicago, date(2026, 11, 2), time(10, 0)): 3,
        (los_angeles, date(2026, 11, 2), time(8, 0)): 3,
    }


def test_a_worker_back_after_days_away_sends_one_day_s_reminders_then_each_morning(
    world, two_programs, run_tasks
):
    """The tick due three days ago runs once when the worker is back (16:00 in Chicago): one
    reminder per questionnaire due, as of that day, none for the days missed; the next go out
    at the next morning in each program."""
    _start_the_chain(START)
    back = datetime(2026, 11, 3, 22, 0, tzinfo=UTC)
    _tick(run_tasks, back, 24)

    chicago, los_angeles = two_programs
    assert _sent(two_programs) == {
        (chicago, date(2026, 11, 3), time(16, 0)): 3,
        (los_angeles, date(2026, 11, 3), time(14, 0)): 3,
        (chicago, date(2026, 11, 4), time(8, 0)): 3,
        (los_angeles, date(2026, 11, 4), time(8, 0)): 3,
    }


def test_a_day_first_worked_late_in_the_evening_sends_no_reminders_that_night(
    world, two_programs, run_tasks
):
    """The chain starts at 22:00 in Chicago (20:00 in Los Angeles): past the hours reminders
    go out in both, so that day's reminders are left to the next morning's run. The day is
    still worked for the staff (the not-on-track review), and the next morning's go out."""
    chicago, los_angeles = two_programs
    late = datetime(2026, 11, 2, 22, 0, tzinfo=CHICAGO)
    _start_the_chain(late)
    _tick(run_tasks, late, 1)

    assert not ReminderSent.objects.exists()
    programs = {world.program.pk, Episode.objects.get(participant_id=los_angeles).program_id}
    worked = ProgramMorning.objects.filter(program_id__in=programs, worked_on=date(2026, 11, 2))
    assert worked.count() == 2
    _tick(run_tasks, late + timedelta(hours=1), 12)
    assert _sent(two_programs) == {
        (chicago, date(2026, 11, 3), EIGHT): 3,
        (los_angeles, date(2026, 11, 3), EIGHT): 3,
    }


def test_a_program_with_a_late_morning_hour_still_gets_its_reminders(world, two_programs):
    from measurement.tasks import daily

    world.program.morning_hour = 18
    world.program.save(update_fields=["morning_hour"])
    evening = datetime(2026, 11, 2, 21, 0, tzinfo=CHICAGO)  # 19:00 in Los Angeles

    with time_machine.travel(evening, tick=False):
        assert daily.call(evening.isoformat())["reminders"] == 6


class RefusingOneAddress(locmem.EmailBackend):
    """A mail server that refuses one address, quoting it back, and delivers the rest."""

    refused = ""

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"5.1.1 unknown")})
        return super().send_messages(messages)


def test_one_refused_address_never_stops_the_other_programs_reminders(
    world, two_programs, run_tasks, settings
):
    """Both programs' mornings fall on one tick; the first program's mail is refused."""
    coastal = Program.objects.get(name="Coastal IOP")
    coastal.morning_hour = 6  # 06:00 in Los Angeles is 08:00 in Chicago
    coastal.save(update_fields=["morning_hour"])
    settings.EMAIL_BACKEND = f"{__name__}.RefusingOneAddress"
    RefusingOneAddress.refused = world.participant.email
    tick = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    _start_the_chain(tick)

    with time_machine.travel(tick, tick=False), pytest.raises(AssertionError) as failed:
        run_tasks()

    assert "3 of 3 reminders were not sent" in str(failed.value)
    assert world.participant.email not in str(failed.value)
    sam = next(pk for pk, zone in two_programs.items() if zone == LOS_ANGELES)
    assert [m.to for m in mail.outbox] == [[Participant.objects.get(pk=sam).email]] * 3
    not_delivered = AuditEvent.objects.filter(event_type="measurement.reminder_not_delivered")
    assert {e.participant_id for e in not_delivered} == {world.participant.pk}
    assert not_delivered.count() == 3
    worked = dict(ProgramMorning.objects.values_list("program__name", "worked_on"))
    assert (worked["Adult IOP"], worked["Coastal IOP"]) == (None, date(2026, 11, 2))


def test_a_mail_server_down_never_holds_up_the_not_on_track_reviews(
    world, give, run_tasks, settings
):
    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    ReminderChoice.objects.create(participant=world.participant, email=True)
    give("phq-9", phq9_answers(8), T0)
    give("phq-9", phq9_answers(16), T0 + timedelta(days=14))
    settings.EMAIL_BACKEND = REFUSING_MAIL
    morning = datetime.combine(T0.date() + timedelta(days=15), EIGHT, tzinfo=CHICAGO)
    _start_the_chain(morning)

    with time_machine.travel(morning, tick=False), pytest.raises(AssertionError) as failed:
        run_tasks()

    assert "reminders were not sent" in str(failed.value)
    assert Alert.objects.filter(participant=world.participant, kind=NOT_ON_TRACK).exists()
