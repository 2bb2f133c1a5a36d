"""Two unexcused absences in a row raise one alert for the clinician and the case manager."""

from datetime import timedelta

import pytest
from django.utils import timezone

from attendance import services
from attendance.tests.builders import enrol, make_session
from monitoring import kinds
from monitoring.models import Alert, AlertStatus
from monitoring.services import acknowledge
from scheduling.models import Session


@pytest.fixture
def sequence(world):
    """Five past group sessions of the world's participant, one a day, oldest first."""
    today = timezone.localdate(timezone.now(), world.program.tz)
    sessions = [
        make_session(world.program, today - timedelta(days=10 - i), title=f"Group {i}")
        for i in range(5)
    ]
    for s in sessions:
        enrol(s, world.episode)
    return sessions


def _mark(world, session, status: str, version: int = 0):
    return services.record_attendance(
        session, world.participant, status=status, by=world.director, expected_version=version
    )


def test_two_in_a_row_raise_one_alert_for_clinician_and_case_manager(world, sequence):
    _mark(world, sequence[0], "present")
    _mark(world, sequence[1], "unexcused")
    assert not Alert.objects.exists()

    _mark(world, sequence[2], "unexcused")

    alert = Alert.objects.get()
    assert alert.kind == "missed-sessions" and alert.status == AlertStatus.OPEN
    assert alert.title == "Missed 2 sessions in a row without an excuse"
    first, second = (s.date for s in sequence[1:3])
    assert alert.detail.startswith(
        f"Unexcused absences: {first:%a} {first.day} {first:%b} {first.year}, "
        f"{second:%a} {second.day} {second:%b} {second.year}."
    )
    assert set(alert.assigned_to.all()) == {world.therapist, world.casemanager}
    assert alert.dedupe_key == f"missed-sessions:{sequence[1].public_id}"
    assert kinds.label("missed-sessions") == "Missed sessions"


def test_a_streak_is_alerted_once_even_after_acknowledgement(world, sequence):
    _mark(world, sequence[1], "unexcused")
    _mark(world, sequence[2], "unexcused")
    acknowledge(Alert.objects.get(), by=world.therapist, note="Called; car broke down.")

    _mark(world, sequence[3], "unexcused")

    assert Alert.objects.count() == 1
    # A new streak after an attended session is a new alert.
    _mark(world, sequence[4], "present")
    later = make_session(world.program, sequence[4].date + timedelta(days=1), title="Late group")
    even_later = make_session(world.program, later.date + timedelta(days=1), title="Later group")
    for s in (later, even_later):
        enrol(s, world.episode)
    _mark(world, later, "unexcused")
    _mark(world, even_later, "unexcused")
    assert Alert.objects.count() == 2


def test_an_excused_absence_or_an_attended_session_breaks_the_streak(world, sequence):
    _mark(world, sequence[0], "unexcused")
    _mark(world, sequence[1], "excused")
    _mark(world, sequence[2], "unexcused")
    services.record_attendance(
        sequence[3],
        world.participant,
        status="late",
        minutes=60,
        by=world.director,
        expected_version=0,
    )
    assert not Alert.objects.exists()


def test_consecutive_means_in_the_participants_own_sessions(world, sequence):
    # A session of the program the participant is not in does not separate their absences.
    between = make_session(
        world.program, sequence[1].date, title="Someone else's group", staff=[world.outsider]
    )
    assert between.enrolments.count() == 0
    _mark(world, sequence[0], "unexcused")
    _mark(world, sequence[1], "unexcused")
    assert Alert.objects.count() == 1


def test_a_session_without_a_roll_call_yet_is_not_skipped(world, sequence):
    _mark(world, sequence[0], "unexcused")
    _mark(world, sequence[2], "unexcused")  # sequence[1] is not recorded yet
    assert not Alert.objects.exists()

    _mark(world, sequence[1], "unexcused")  # recorded late: now three in a row

    alert = Alert.objects.get()
    assert alert.title == "Missed 3 sessions in a row without an excuse"
    assert alert.dedupe_key == f"missed-sessions:{sequence[0].public_id}"


def test_cancelled_sessions_are_not_in_the_sequence(world, sequence):
    Session.objects.filter(pk=sequence[1].pk).update(status=Session.Status.CANCELLED)
    _mark(world, sequence[0], "unexcused")
    _mark(world, sequence[2], "unexcused")
    assert Alert.objects.count() == 1
