"""The demo's program history: with it the director's board shows figures, the history is
the demo program's own past (no second program), the daily pages stay as the demo program
makes them, and `run.py demo` is what asks for it."""

import importlib.util
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Program
from assessments.models import Administration
from audit.models import ListedParticipant
from checkins.models import CheckIn
from discharge.models import PENDING_STATUSES, Discharge, FollowUp, FollowUpAnswers
from monitoring.models import Alert, AlertStatus
from notes.models import AbsenceEntry, GroupNote, NoteKind, ProgressNote
from notes.selectors import sessions_without_note
from outcomes.demo import NUMBERING, seed_history
from participants.access import may
from participants.demo import seed_foundation
from participants.models import (
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
    PlaceEnd,
)
from participants.selectors import caseload_for
from scheduling.models import Enrolment, Group, Session
from scheduling.selectors import program_staff
from screens import panels
from screens.models import DrugScreen

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
        assert session.has_its_note == bool(rolls)
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


def test_every_past_stay_had_a_primary_clinician_who_wrote_its_records(midweek, db):
    """A past participant's chart names the clinician who treated them: each admitted stay
    has a therapist or counsellor of the program as primary clinician, on the care team from
    admission until the discharge ended the place, who decided the discharge and wrote the
    notes and questionnaires; the director wrote none of it, and the stays are spread over
    the clinicians as a program's caseloads are."""
    panels.seed()  # data-migration rows vanish after a transactional test
    context = seed_foundation(3, stdout=lambda line: None)
    context.extras["history"] = 150
    seed_history(context)

    director, nurse = context.staff["director"], context.staff["nurse"]
    clinicians = {c.pk: c for c in context.primary_clinicians()}
    organization = context.organization.pk
    for clinician in clinicians.values():
        assert may(clinician, "primary_clinician.serve", organization)
        assert may(clinician, "caseload.hold", organization)
    assert director.pk not in clinicians
    history = Episode.objects.filter(participant__record_number__startswith=f"{NUMBERING}-")
    admitted = {e.pk: e for e in history.filter(admitted_on__isnull=False)}
    assert len(admitted) > 100
    assert not history.filter(admitted_on__isnull=True, primary_clinician__isnull=False).exists()
    primary = {pk: e.primary_clinician_id for pk, e in admitted.items()}
    assert set(primary.values()) <= set(clinicians)

    places = CareTeamMember.objects.filter(episode__in=history)
    assert sorted(places.values_list("episode_id", flat=True)) == sorted(admitted)
    for place in places:
        episode = admitted[place.episode_id]
        assert place.role == CareTeamRole.PRIMARY_CLINICIAN
        assert place.user_id == place.ended_by_id == primary[episode.pk]
        assert place.started_on == episode.admitted_on
        assert place.ended_on is not None and episode.discharged_on is not None
        assert place.ended_on <= episode.discharged_on
        assert place.ended_how == PlaceEnd.LEFT_CARE

    discharges = Discharge.objects.filter(episode__in=history)
    assert discharges.count() == len(admitted)
    for record in discharges:
        assert record.decided_by_id == record.recorded_by_id == primary[record.episode_id]
    notes = ProgressNote.objects.filter(episode__in=history, kind=NoteKind.INDIVIDUAL)
    assert notes.exists()
    for note in notes:
        assert note.recorded_by_id == note.signed_by_id == primary[note.episode_id]
    administrations = Administration.objects.filter(episode__in=history)
    assert administrations.exists()
    for administration in administrations:
        assert administration.recorded_by_id == primary[administration.episode_id]
    screens = DrugScreen.objects.filter(episode__in=history)
    assert screens.exists()
    for screen in screens:
        assert screen.recorded_by_id == primary[screen.episode_id]
        assert screen.collected_by_id in {primary[screen.episode_id], nurse.pk}
    assert {s.collected_by_id for s in screens} > {nurse.pk}
    for alert in Alert.objects.filter(episode__in=history):
        assert alert.recorded_by_id == primary[alert.episode_id]
        if alert.status == AlertStatus.ACKNOWLEDGED:
            assert alert.acknowledged_by_id == primary[alert.episode_id]
            assert alert.acknowledgement_note and alert.acknowledged_at > alert.recorded_at
    for follow_up in FollowUp.objects.filter(discharge__in=discharges).select_related("discharge"):
        assert follow_up.called_by_id in {None, primary[follow_up.discharge.episode_id]}
    for answers in FollowUpAnswers.objects.filter(participant__episodes__in=history).select_related(
        "follow_up"
    ):
        assert answers.recorded_by_id == answers.follow_up.called_by_id
    assert not CheckIn.objects.filter(episode__in=history, recorded_by__isnull=False).exists()

    people = history.values("participant_id")
    by_director = [
        Participant.objects.filter(pk__in=people, recorded_by=director),
        Discharge.objects.filter(episode__in=history, decided_by=director),
        ProgressNote.objects.filter(participant__in=people, signed_by=director),
        ProgressNote.objects.filter(participant__in=people, recorded_by=director),
        GroupNote.objects.filter(session__enrolments__participant__in=people, signed_by=director),
        Administration.objects.filter(participant__in=people, recorded_by=director),
        DrugScreen.objects.filter(participant__in=people, collected_by=director),
        Alert.objects.filter(participant__in=people, recorded_by=director),
        FollowUp.objects.filter(participant__in=people, called_by=director),
        CareTeamMember.objects.filter(episode__in=history, user=director),
    ]
    assert not any(rows.exists() for rows in by_director)
    assert (
        not Participant.objects.filter(pk__in=people)
        .exclude(recorded_by=context.staff["intake"])
        .exists()
    )

    # Each clinician carried a share, none everyone's: a caseload, not a round robin of one.
    shares = Counter(primary.values())
    assert set(shares) == set(clinicians)
    assert max(shares.values()) < len(admitted) / 2


def test_no_past_participant_joins_a_clinicians_caseload_or_home(midweek, db, signed_in):
    """The past stays' primary clinicians held places that ended with each stay, so a
    clinician's caseload and home page list today's participants only, as before the
    history was written."""
    panels.seed()
    context = seed_foundation(12, stdout=lambda line: None)
    clinicians = context.primary_clinicians()
    before = {c.pk: set(caseload_for(c).values_list("pk", flat=True)) for c in clinicians}
    context.extras["history"] = 150
    seed_history(context)

    people = set(
        Participant.objects.filter(record_number__startswith=f"{NUMBERING}-").values_list(
            "pk", flat=True
        )
    )
    for clinician in clinicians:
        assert Episode.objects.filter(participant__in=people, primary_clinician=clinician).exists()
        assert set(caseload_for(clinician).values_list("pk", flat=True)) == before[clinician.pk]
        assert signed_in(clinician).get(reverse("home")).status_code == 200
        listed = set(
            ListedParticipant.objects.filter(
                event__actor=clinician, event__event_type="home.viewed"
            ).values_list("participant_id", flat=True)
        )
        assert not listed & people
