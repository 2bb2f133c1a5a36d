"""The demo seeds a realistic, synthetic program and is safe to run twice."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership, Role, User
from assessments.models import Administration
from audit.models import AuditEvent
from conftest import FACTS_REFRESH
from measurement.home import completion
from notes.models import ProgressNote
from notes.selectors import board_counts
from outcomes import facts
from outcomes.models import EpisodeFacts, NoteFacts
from outcomes.tests.conftest import stored_facts
from participants.demo import STAFF, login_lines
from participants.home import referral_queue
from participants.models import (
    LEAVING_CARE_STATUSES,
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
    PlaceEnd,
)
from participants.selectors import admitted_in_care
from participants.services import ADMISSION_END_REASON, left_care_end_reason
from placement import demo as placement_demo
from plans.models import PlanReview, Problem, ReviewSchedule
from plans.selectors import caseload_reviews_due

pytestmark = pytest.mark.usefixtures("demo_mode")


def test_seed_demo_refuses_outside_demo_mode(db, settings):
    """It creates accounts with a published password: never on a real installation."""
    settings.TANDEM_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo", "--participants", "5", "--quiet-logins")
    assert not User.objects.exists()


def test_seed_demo_is_idempotent_and_spreads_statuses(db, capsys):
    call_command("seed_demo", "--participants", "40")
    first = (Participant.objects.count(), Episode.objects.count(), User.objects.count())
    out = capsys.readouterr().out
    assert "SYNTHETIC" in out and "tandem-demo" in out
    call_command("seed_demo", "--participants", "40")
    assert (Participant.objects.count(), Episode.objects.count(), User.objects.count()) == first
    assert first[0] == 40
    statuses = set(Episode.objects.values_list("status", flat=True))
    assert statuses == set(EpisodeStatus.values)
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    for login in [
        "director",
        "supervisor",
        "therapist",
        "counsellor",
        "prescriber",
        "nurse",
        "casemanager",
        "peer",
        "intake",
        "frontdesk",
        "billing",
        "auditor",
    ]:
        assert User.objects.get(username=login).check_password("tandem-demo")
    # Every login the demo makes is among those it prints, and every one printed is made.
    printed = {line.split()[0] for line in login_lines()[1:]}
    assert set(User.objects.values_list("username", flat=True)) == printed


def test_demo_logins_prints_every_login_and_the_password(capsys):
    """What `run.py demo` prints last, once the server answers."""
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert out.startswith("Demo logins (password for all: tandem-demo)\n")
    for login in [*STAFF, "participant", "family"]:
        assert f"\n  {login} " in out
    assert "\n  family       Support person (Avery, sister of" in out


def test_demo_therapist_has_a_caseload_and_some_charts_are_outside_it(db, client):
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    client.post("/accounts/login/", {"username": "therapist", "password": "tandem-demo"})
    assert b"DEMO-" in client.get("/").content
    outside = (
        Participant.objects.exclude(episodes__care_team__user__username="therapist")
        .exclude(episodes__status__in=["referred", "screening"])
        .first()
    )
    assert outside is not None
    assert client.get(f"/participants/{outside.public_id}/").status_code == 403


def test_demo_care_team_places_end_as_real_ones_do(db):
    """The intake clinician's place ends at admission and every place of a stay that ended
    ends with it, each with who, when, how and why in the words the real ends write."""
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    ended = CareTeamMember.objects.filter(ended_on__isnull=False).select_related("episode")
    assert {p.ended_how for p in ended} == {PlaceEnd.ADMISSION, PlaceEnd.LEFT_CARE}
    for place in ended:
        episode = place.episode
        assert place.ended_by is not None and place.ended_at is not None
        if place.ended_how == PlaceEnd.ADMISSION:
            assert (place.role, place.ended_on) == (CareTeamRole.INTAKE, episode.admitted_on)
            assert place.end_reason == ADMISSION_END_REASON
        else:
            assert episode.status in LEAVING_CARE_STATUSES
            assert place.end_reason == left_care_end_reason(episode.status)
    admitted = Episode.objects.filter(admitted_on__isnull=False)
    assert not admitted.exclude(care_team__ended_how=PlaceEnd.ADMISSION).exists()


def test_seed_demo_scales_with_participants_option(db):
    call_command("seed_demo", "--participants", "75", "--quiet-logins")
    assert Participant.objects.count() == 75


@pytest.mark.django_db(transaction=True)
def test_the_seeding_queues_no_refresh_of_the_outcome_facts_and_ends_with_them_rebuilt():
    """Each seeder's writes through the services commit one by one, as under `run.py demo`,
    and each marks outcome facts; the seeding rebuilds them once at its end instead, so the
    demo's worker starts with no refresh that rebuild made redundant, and the stored facts
    are the ones a rebuild writes."""
    call_command("seed_demo", "--participants", "20", "--history", "30", "--quiet-logins")
    assert not DBTaskResult.objects.filter(task_path=FACTS_REFRESH).exists()
    seeded = stored_facts()
    assert EpisodeFacts.objects.count() == Episode.objects.count()
    assert NoteFacts.objects.exists()
    facts.rebuild()
    assert stored_facts() == seeded


def test_the_demo_s_first_batch_runs_the_daily_jobs_and_queues_tomorrow_s(db, run_tasks):
    """`run.py demo` seeds with the daily jobs started, and its first worker batch runs them:
    nothing fails, and each job waits for tomorrow, so starting the demo again sends today's
    reminders no second time."""
    from django.core import mail

    from measurement.models import ReminderSent
    from tandem.tasks import DAILY_JOBS

    call_command("seed_demo", "--participants", "20", "--quiet-logins", "--start-daily-jobs")
    run_tasks()
    sent = len(mail.outbox)
    assert sent == ReminderSent.objects.count() < Participant.objects.count()

    call_command("seed_demo", "--participants", "20", "--quiet-logins", "--start-daily-jobs")
    run_tasks()
    assert len(mail.outbox) == sent
    daily = sorted(job.module_path for job in DAILY_JOBS.implementations())
    waiting = DBTaskResult.objects.filter(task_path__in=daily, status="READY")
    assert sorted(waiting.values_list("task_path", flat=True)) == daily


def test_the_demo_program_is_well_run_with_a_few_genuine_exceptions(db):
    """Program directors judge Tandem by the demo's homes, so it looks like a program that
    keeps up: most plans reviewed and questionnaires given on time, a referral queue of days,
    each written through the services that write them in use, and each panel still showing a
    few genuine items."""
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    program = Episode.objects.select_related("program").earliest("pk").program
    today = program.today()
    in_care = admitted_in_care().filter(program=program)

    # Plans are reviewed when the program's interval comes round: one or two may have
    # slipped, most have not, and a few come due this week.
    due = [
        row.due_on
        for row in ReviewSchedule.objects.filter(episode__in=in_care)
        if row.due_on is not None
    ]
    overdue = [day for day in due if day < today]
    assert len(due) == in_care.count()
    assert 1 <= len(overdue) <= len(due) // 5
    assert caseload_reviews_due(User.objects.get(username="prescriber"))
    reviews = PlanReview.objects.all()
    assert reviews.exists() and all(r.reviewed_on < today for r in reviews)
    assert AuditEvent.objects.filter(event_type="plan.reviewed").count() == reviews.count()

    # Most in care have nothing due; a minority are behind, so the due lists have names.
    (figures,) = completion([program], now=timezone.now())
    assert figures.in_care == in_care.count()
    assert figures.in_care * 2 / 3 <= figures.up_to_date < figures.in_care

    # A supervisor co-signs within days: the queue holds the last few days' notes.
    board = board_counts(User.objects.get(username="director"), now=timezone.now())
    needing = ProgressNote.objects.filter(cosign_required=True).count()
    queue_shown = board["queue"]  # "99+" past 99: a demo's queue must be far shorter
    assert isinstance(queue_shown, int) and 1 <= queue_shown <= needing / 3

    # A referral is screened within days and settled within about two weeks: HEDIS IET
    # counts treatment begun within 14 days of the diagnosis. One stuck case may wait longer.
    queue = referral_queue(User.objects.get(username="director"))
    waits = sorted((today - episode.referred_on).days for episode in queue)
    assert len(waits) >= 2
    assert sum(wait > 14 for wait in waits) <= 1
    settled = Episode.objects.filter(status_reason__in=placement_demo.DECLINED_BECAUSE)
    settled = settled | Episode.objects.filter(status_reason__startswith="Referred on to")
    assert settled.exists()
    for episode in settled:
        assert episode.discharged_on is None or episode.discharged_on < today
        assert AuditEvent.objects.filter(
            event_type="episode.status_changed", record_id=str(episode.public_id)
        ).exists()


def test_each_in_care_participant_s_latest_questionnaires_went_through_the_service(db):
    """The demo writes as the program writes: each in-care participant's latest
    administration of every questionnaire they have was recorded by the assessments service,
    with its own audit event naming who recorded it; only older history is bulk-written."""
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    recorded = {
        event.record_id: event.actor_id
        for event in AuditEvent.objects.filter(event_type="assessment.recorded")
    }
    latest: dict[tuple[int, str], Administration] = {}
    in_care = Administration.objects.filter(episode__in=admitted_in_care())
    for administration in in_care.order_by("completed_at", "pk"):
        latest[(administration.participant_id, administration.instrument)] = administration
    assert len({participant for participant, _ in latest}) == admitted_in_care().count()
    for administration in latest.values():
        assert recorded.get(str(administration.public_id)) == administration.recorded_by_id


def test_the_demo_s_newest_admissions_went_through_the_episode_service(db):
    """Each episode in the "admitted" status (admitted, not yet active) was admitted as intake
    admits: its status change recorded by the episode service on its admission day, after its
    level-of-care decision, with the primary clinician put on the team and intake's place
    ended."""
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    admitted = Episode.objects.filter(status=EpisodeStatus.ADMITTED)
    assert admitted.exists()
    for episode in admitted:
        (event,) = AuditEvent.objects.filter(
            event_type="episode.status_changed",
            record_id=str(episode.public_id),
            details__changes__status__after=EpisodeStatus.ADMITTED,
        )
        assert event.actor == User.objects.get(username="intake")
        assert episode.admitted_on is not None
        assert episode.placement_decisions.get().decided_on <= episode.admitted_on
        assert AuditEvent.objects.filter(
            event_type="care_team.member_added", participant=episode.participant
        ).exists()
        assert episode.care_team.get(role=CareTeamRole.INTAKE).ended_on == episode.admitted_on


def test_the_demo_s_admitted_not_yet_active_were_admitted_in_the_last_fortnight(db):
    """A participant admitted and not yet active has just come in: a chart that reads
    "Admitted" over months of sessions and scores would make the status look broken."""
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    admitted = Episode.objects.filter(status=EpisodeStatus.ADMITTED).select_related("program")
    assert admitted.count() >= 3
    for episode in admitted:
        today = episode.program.today()
        assert episode.admitted_on is not None
        assert 0 <= (today - episode.admitted_on).days <= 14
        assert 0 <= (today - episode.referred_on).days <= 21


def test_the_demo_s_plans_speak_to_the_diagnoses_their_problems_address(db):
    """A clinician reads the demo's plans as real ones: a problem that addresses opioid use
    does not set a goal about drinking, each disorder's objective is bound to the
    questionnaire that measures it, and the team's reviews fall on weekdays."""
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    measured_by = {"F43.1": "pcl-5", "F41": "gad-7", "F33": "phq-9", "F32": "phq-9"}
    seen: set[str] = set()
    problems = Problem.objects.prefetch_related("diagnoses", "goals__objectives")
    for problem in problems:
        codes = [d.code for d in problem.diagnoses.all()]
        goals = list(problem.goals.all())
        if codes and not any(c.startswith("F10") for c in codes):
            assert not any("drink" in g.text.lower() for g in goals), (codes, goals)
        measures = {o.measure_key for g in goals for o in g.objectives.all() if o.measure_key}
        for prefix, key in measured_by.items():
            if any(c.startswith(prefix) for c in codes):
                assert measures == {key}, (codes, measures)
                seen.add(key)
    assert seen == {"pcl-5", "gad-7", "phq-9"}
    assert all(r.reviewed_on.weekday() < 5 for r in PlanReview.objects.all())
