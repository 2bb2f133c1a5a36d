"""What a clinician and a director find in the seeded demo: a program run as real ones are.

The demo is seeded once for the module (`conftest.demo_seeded_once`): these tests only read it.
"""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from accounts.models import User
from assessments.models import Administration
from audit.models import AuditEvent
from conftest import demo_seeded_once
from measurement.home import completion
from notes.models import ProgressNote
from notes.selectors import board_counts
from participants.demo import NICKNAMES
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
from plans.models import (
    CLOSING_OUTCOMES,
    Objective,
    PlanReview,
    Problem,
    ReviewedObjective,
    ReviewSchedule,
)
from plans.selectors import caseload_reviews_due
from screens import panels as shared_panels
from screens.models import DrugScreen, Panel


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with demo_seeded_once(django_db_blocker, 40):
        yield


def test_demo_therapist_has_a_caseload_and_some_charts_are_outside_it(seeded, db, client):
    client.post("/accounts/login/", {"username": "therapist", "password": "tandem-demo"})
    assert b"DEMO-" in client.get("/").content
    outside = (
        Participant.objects.exclude(episodes__care_team__user__username="therapist")
        .exclude(episodes__status__in=["referred", "screening"])
        .first()
    )
    assert outside is not None
    assert client.get(f"/participants/{outside.public_id}/").status_code == 403


def test_demo_care_team_places_end_as_real_ones_do(seeded, db):
    """The intake clinician's place ends at admission and every place of a stay that ended
    ends with it, each with who, when, how and why in the words the real ends write."""
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


def test_the_demo_program_is_well_run_with_a_few_genuine_exceptions(seeded, db):
    """Program directors judge Tandem by the demo's homes, so it looks like a program that
    keeps up: most plans reviewed and questionnaires given on time, a referral queue of days,
    each written through the services that write them in use, and each panel still showing a
    few genuine items."""
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


def test_each_in_care_participant_s_latest_questionnaires_went_through_the_service(seeded, db):
    """The demo writes as the program writes: each in-care participant's latest
    administration of every questionnaire they have was recorded by the assessments service,
    with its own audit event naming who recorded it; only older history is bulk-written."""
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


def test_the_demo_s_newest_admissions_went_through_the_episode_service(seeded, db):
    """Each episode in the "admitted" status (admitted, not yet active) was admitted as intake
    admits: its status change recorded by the episode service on its admission day, after its
    level-of-care decision, with the primary clinician put on the team and intake's place
    ended."""
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


def test_the_demo_s_admitted_not_yet_active_were_admitted_in_the_last_fortnight(seeded, db):
    """A participant admitted and not yet active has just come in: a chart that reads
    "Admitted" over months of sessions and scores would make the status look broken."""
    admitted = Episode.objects.filter(status=EpisodeStatus.ADMITTED).select_related("program")
    assert admitted.count() >= 3
    for episode in admitted:
        today = episode.program.today()
        assert episode.admitted_on is not None
        assert 0 <= (today - episode.admitted_on).days <= 14
        assert 0 <= (today - episode.referred_on).days <= 21


def test_the_demo_s_plans_speak_to_the_diagnoses_their_problems_address(seeded, db):
    """A clinician reads the demo's plans as real ones: a problem that addresses opioid use
    does not set a goal about drinking, each disorder's objective is bound to the
    questionnaire that measures it, and the team's reviews fall on weekdays."""
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


def test_the_demo_s_reviews_judge_the_objectives_whose_date_has_come(seeded, db, client):
    """A review takes up each objective due by its day that no earlier review closed, so the
    Plan tab shows the team's judgement beside the measured progress."""
    judged = list(ReviewedObjective.objects.select_related("review", "objective"))
    assert {row.outcome for row in judged} >= {"met", "continued"}
    closed: dict[int, object] = {}
    for row in sorted(judged, key=lambda row: row.review.reviewed_on):
        assert row.objective.target_date <= row.review.reviewed_on
        assert row.objective.plan_id == row.review.plan_id
        assert row.objective_id not in closed
        if row.outcome in CLOSING_OUTCOMES:
            closed[row.objective_id] = row
        # The demo's readings are not drawn to agree with a judgement: a measured objective
        # judged met could show "Not met yet" beside it.
        assert not (row.objective.measure_key and row.is_met)
    met = next(row for row in judged if row.is_met)
    client.force_login(met.review.recorded_by)
    page = client.get(f"/plans/{met.review.plan.participant.public_id}/").content.decode()
    assert "Met (plan review" in page


def test_no_demo_plan_sets_the_same_objective_twice(seeded, db):
    """Two problems of one plan (a depression diagnosis and a level-of-care dimension, say)
    each take an objective of their own, as a clinician writes them."""
    texts = Objective.objects.values_list("plan_id", "text")
    assert texts.exists()
    assert len(set(texts)) == texts.count()


def test_demo_preferred_names_are_real_short_forms(seeded, db):
    preferred = set(
        Participant.objects.exclude(preferred_name="").values_list("preferred_name", flat=True)
    )
    assert preferred
    assert preferred <= set(NICKNAMES.values())


def test_the_demo_s_drug_screens_are_weekly_and_recent(seeded, db):
    """A program screens every week, so each in-care participant's screens are of the last
    four weeks, a week apart, the latest within the last week (not their first month)."""
    in_care = Episode.objects.filter(status__in=[EpisodeStatus.ACTIVE, EpisodeStatus.ADMITTED])
    screened = 0
    for episode in in_care.select_related("participant", "program"):
        days = sorted(
            timezone.localtime(s.collected_at, episode.program.tz).date()
            for s in DrugScreen.objects.filter(participant=episode.participant)
        )
        if not days:
            continue
        screened += 1
        today = episode.program.today()
        assert today - days[-1] <= timedelta(days=7)
        assert today - days[0] <= timedelta(weeks=4)
        assert all(later - earlier == timedelta(days=7) for earlier, later in pairwise(days))
    assert screened >= 10


def test_the_demo_organization_keeps_an_own_panel_beside_the_shared_ones(seeded, db, client):
    """The director's Settings page shows the shared panels and the organization's own: one
    in use, which the chart offers for recording a screen, and the one it replaced, retired,
    to bring back. Every cut-off is the shared cup's (clinical reference §10) or as printed
    on the device."""
    own = Panel.objects.filter(organization__isnull=False).prefetch_related("analytes")
    assert {p.is_active for p in own} == {True, False}
    cup = {code: cutoff for code, _, cutoff, _ in shared_panels.CUP}
    for panel in own:
        assert panel.source.startswith("Synthetic demo panel")
        for analyte in panel.analytes.all():
            assert analyte.cutoff == cup[analyte.code], (panel.name, analyte.code)
    client.post("/accounts/login/", {"username": "director", "password": "tandem-demo"})
    page = client.get("/drug-screens/panels/").content.decode()
    retired = next(p for p in own if not p.is_active)
    in_use = next(p for p in own if p.is_active)
    assert "(shared)" in page and f"Bring back {retired.name}" in page
    assert f"Retire {in_use.name}" in page
    client.post("/accounts/login/", {"username": "therapist", "password": "tandem-demo"})
    someone = Participant.objects.filter(episodes__care_team__user__username="therapist").first()
    assert someone is not None
    tab = client.get(f"/drug-screens/{someone.public_id}/").content.decode()
    assert str(in_use.public_id) in tab and str(retired.public_id) not in tab
