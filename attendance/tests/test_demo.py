"""The attendance demo: a roll call for every past session, deterministic and idempotent."""

from datetime import time, timedelta

from django.utils import timezone

from attendance.demo import seed_attendance
from attendance.dose import current_week, program_week
from attendance.models import Attendance
from attendance.tests.builders import active_participant, enrol, make_session
from conftest import demo_context
from monitoring.models import Alert
from participants.demo import DemoContext
from scheduling.models import Session


def _program_with_history(world) -> list:
    """Twelve participants in two 3-hour groups three days a week (540 minutes each), over
    the last two weeks and this one."""
    episodes = [world.episode] + [
        active_participant(world, f"T-0006{n:02d}", "Demo", f"Person{n}") for n in range(11)
    ]
    first = current_week(world.program) - timedelta(days=14)
    for offset in range(21):
        day = first + timedelta(days=offset)
        if day.weekday() in (0, 2, 4):
            title, start, members = "Morning group", time(9), episodes[:6]
        elif day.weekday() in (1, 3, 5):
            title, start, members = "Afternoon group", time(13), episodes[6:]
        else:
            continue
        session = make_session(
            world.program, day, start=start, title=title, staff=[world.counsellor]
        )
        for episode in members:
            enrol(session, episode)
    return episodes


def _context(world, seed: int = 2026) -> DemoContext:
    return demo_context(world, {"frontdesk": world.frontdesk}, seed)


def test_demo_history_is_deterministic_idempotent_and_realistic(world):
    _program_with_history(world)
    seed_attendance(_context(world))
    first = sorted(
        Attendance.objects.values_list("session_id", "participant_id", "status", "minutes")
    )
    alerts = Alert.objects.filter(kind="missed-sessions").count()

    seed_attendance(_context(world))

    assert (
        sorted(Attendance.objects.values_list("session_id", "participant_id", "status", "minutes"))
        == first
    )
    assert Alert.objects.filter(kind="missed-sessions").count() == alerts == 2
    statuses = {status for _, _, status, _ in first}
    assert {"present", "late", "left_early", "excused", "unexcused"} <= statuses
    present = sum(1 for row in first if row[2] == "present")
    assert present / len(first) > 0.6
    over = Attendance.objects.filter(session__ends_at__gt=timezone.now())
    assert not over.exists()  # only sessions that are over get a roll call
    for row in Attendance.objects.filter(status__in=["late", "left_early"]).select_related(
        "session"
    ):
        assert 1 <= row.minutes < row.session.minutes
    assert set(
        Alert.objects.filter(kind="missed-sessions").values_list("assigned_to__username", flat=True)
    ) == {"therapist", "casemanager"}


def test_demo_leaves_a_few_under_dosed_this_week(midweek, world):
    _program_with_history(world)
    week = current_week(world.program)
    assert Session.objects.filter(date__gte=week, ends_at__lte=timezone.now()).exists()
    seed_attendance(_context(world))
    doses = [d for _, d in program_week(world.program, week)]
    short = [d for d in doses if d.under_dose]
    assert 0 < len(short) < len(doses)


def test_demo_without_sessions_does_nothing(world):
    seed_attendance(_context(world))
    assert not Attendance.objects.exists()
