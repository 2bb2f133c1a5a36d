"""The demo's program history: with it the director's board shows figures, the history is
the demo program's own past (no second program), the daily pages stay as the demo program
makes them, and `run.py demo` is what asks for it."""

import importlib.util
from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Program
from discharge.models import PENDING_STATUSES, FollowUp
from monitoring.models import Alert, AlertStatus
from notes.models import AbsenceEntry, GroupNote, ProgressNote
from notes.selectors import sessions_without_note
from outcomes.demo import NUMBERING, seed_history
from participants.demo import seed_foundation
from participants.models import Episode, EpisodeStatus, Participant
from scheduling.models import Enrolment, Group, Session
from scheduling.selectors import program_staff
from screens import panels

pytestmark = pytest.mark.usefixtures("demo_mode")


def _run_py():
    spec = importlib.util.spec_from_file_location("run", settings.BASE_DIR / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_command_asks_for_the_history_and_seed_demo_alone_does_not():
    run = _run_py()
    redis = {"TANDEM_TASK_QUEUE": "rq"}
    assert run.demo_seed_args(["--participants", "60"], redis) == [
        "--participants",
        "60",
        "--history",
        str(run.DEMO_HISTORY),
    ]
    assert run.demo_seed_args(["--history", "0"], redis) == ["--history", "0"]
    assert run.demo_seed_args(["--history=5"], redis) == ["--history=5"]


def test_the_demo_command_starts_the_daily_jobs_on_the_database_queue():
    """Reminders and the check-in sweep run in the demo as on an installation."""
    run = _run_py()
    assert run.demo_seed_args(["--history", "0"], {}) == ["--history", "0", "--start-daily-jobs"]
    assert run.demo_seed_args([], {"TANDEM_TASK_QUEUE": "database"})[-1] == "--start-daily-jobs"


def test_without_the_option_no_history_is_written(db):
    context = seed_foundation(3, stdout=lambda line: None)
    seed_history(context)
    assert not Participant.objects.filter(record_number__startswith=f"{NUMBERING}-").exists()


def test_with_the_history_the_board_shows_figures_and_nothing_is_left_in_care(
    midweek, db, signed_in
):
    panels.seed()  # data-migration rows vanish after a transactional test
    context = seed_foundation(3, stdout=lambda line: None)
    context.extras["history"] = 150
    seed_history(context)

    board = signed_in(context.staff["director"]).get(reverse("outcomes:board")).context["board"]
    assert board.completion.total.rate is not None
    assert board.retention.shown and board.retention.median_days is not None
    assert board.dose.shown and board.dose.share_under is not None
    assert board.waiting.shown and board.waiting.median_days is not None
    assert board.abstinence.self_rate is not None
    assert board.stages and board.stages[0].reach_rate is not None
    phq9 = next(m for m in board.measures if m.code == "phq-9")
    assert phq9.people is not None and phq9.mean_change is not None
    assert board.notes.shown and board.notes.on_time_rate is not None

    history = Episode.objects.filter(participant__record_number__startswith=f"{NUMBERING}-")
    assert set(history.values_list("status", flat=True)) <= {
        EpisodeStatus.DISCHARGED,
        EpisodeStatus.TRANSFERRED_OUT,
        EpisodeStatus.DECLINED,
    }
    assert set(history.values_list("program_id", flat=True)) == {context.program.pk}
    assert Program.objects.filter(organization=context.organization).count() == 1
    past_groups = Group.objects.filter(program=context.program, sessions__isnull=False)
    assert past_groups.exists() and not past_groups.filter(is_active=True).exists()
    people = history.values("participant_id")
    monday = midweek.date() - timedelta(days=midweek.weekday())
    assert not Session.objects.filter(group__in=past_groups, date__gte=monday).exists()
    assert not Enrolment.objects.filter(participant__in=people, session__date__gte=monday).exists()
    assert not Alert.objects.filter(participant__in=people, status=AlertStatus.OPEN).exists()
    assert not ProgressNote.objects.filter(participant__in=people, signed_at__isnull=True).exists()
    assert not FollowUp.objects.filter(participant__in=people, status__in=PENDING_STATUSES).exists()

    seed_history(context)
    assert history.count() == 150


def test_every_past_session_was_led_and_documented_by_staff_who_may_lead_it(midweek, db, signed_in):
    """A real program names who led each session, the same lead for months with now and then
    someone covering, and that person takes the roll call and signs the group note, so the
    supervisor's notes board lists none of the history as led by no one or as without its
    note."""
    context = seed_foundation(3, stdout=lambda line: None)
    context.extras["history"] = 150
    seed_history(context)

    may_lead = set(program_staff(context.program).values_list("pk", flat=True))
    groups = Group.objects.filter(program=context.program, is_active=False)
    for group in groups:
        assert {u.pk for u in group.facilitators.all()} <= may_lead
        assert group.facilitators.count() == 1
    sessions = list(
        Session.objects.filter(group__in=groups)
        .prefetch_related("staff", "attendance", "group_notes", "enrolments")
        .order_by("group_id", "date")
    )
    assert len(sessions) > 100
    leads = {}
    for session in sessions:
        staff = {u.pk for u in session.staff.all()}
        assert len(staff) == 1 and staff <= may_lead, session
        assert session.enrolments.all(), "a session no one was expected at"
        (leads[session.pk],) = staff
        rolls = session.attendance.all()
        assert {a.recorded_by_id for a in rolls} <= staff
        if rolls:
            (note,) = session.group_notes.all()
            assert note.recorded_by_id == note.signed_by_id == leads[session.pk]
            assert note.signed_at is not None and note.signed_at < midweek
    # The same lead week after week, with cover now and then.
    following = [
        leads[a.pk] == leads[b.pk] for a, b in pairwise(sessions) if a.group_id == b.group_id
    ]
    assert 0.75 < sum(following) / len(following) < 1
    members = ProgressNote.objects.filter(group_note__session__group__in=groups)
    assert members.exists() and AbsenceEntry.objects.exists()
    assert not members.exclude(signed_by__isnull=False).exists()
    for note in members.select_related("group_note"):
        assert note.recorded_by_id == note.signed_by_id == note.group_note.signed_by_id
    assert not members.filter(cosign_required=True, cosignature__isnull=True).exists()
    assert GroupNote.objects.filter(session__group__in=groups).count() == len(
        [s for s in sessions if s.attendance.all()]
    )

    supervisor = context.staff["supervisor"]
    assert not sessions_without_note(supervisor, now=midweek).filter(group__in=groups).exists()
    page = signed_in(supervisor).get(reverse("notes:board"))
    assert page.status_code == 200
    assert "No one named to lead it" not in page.content.decode()
