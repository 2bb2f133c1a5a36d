"""Drafting, signing, revising, acknowledging, co-signing and reviewing a plan."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import LevelOfCare
from assessments.models import Administration
from audit.models import AuditEvent
from participants.models import EpisodeStatus
from participants.services import transition_episode
from placement.tests.builders import record as record_decision
from plans import selectors, services
from plans.models import (
    Acknowledgement,
    Objective,
    PlanSettings,
    Problem,
    TreatmentPlan,
)
from plans.tests.builders import drafted, signed
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput


def test_a_draft_is_signed_with_a_hash_and_audited(world):
    plan = drafted(world)
    done = services.sign_plan(plan, by=world.therapist, expected_version=plan.version)
    assert done.is_signed and len(done.content_sha256) == 64
    assert AuditEvent.objects.filter(event_type="plan.signed", outcome="allowed").count() == 1


def test_an_incomplete_plan_is_not_signed(world):
    plan = services.start_plan(world.episode, by=world.therapist)
    with pytest.raises(InvalidInput, match="at least one problem"):
        services.sign_plan(plan, by=world.therapist, expected_version=plan.version)


def test_a_signed_plan_refuses_every_change(world):
    plan = signed(world)
    problem = Problem.objects.get(plan=plan)
    with pytest.raises(services.SignedPlan):
        services.save_problem(
            plan,
            by=world.therapist,
            expected_version=plan.version,
            domain="housing",
            statement="x",
        )
    with pytest.raises(services.SignedPlan):
        services.remove_part(
            plan, by=world.therapist, expected_version=plan.version, kind="problem", row=problem
        )
    with pytest.raises(services.SignedPlan):
        services.sign_plan(plan, by=world.therapist, expected_version=plan.version)
    assert Problem.objects.get(plan=plan).statement == "Low mood most days"


def test_a_stale_version_is_refused(world):
    plan = drafted(world)
    with pytest.raises(ConcurrentEdit):
        services.sign_plan(plan, by=world.therapist, expected_version=plan.version - 1)


def test_a_peer_drafts_but_does_not_sign(world):
    plan = drafted(world, by=world.peer)
    with pytest.raises(AccessDenied):
        services.sign_plan(plan, by=world.peer, expected_version=plan.version)
    assert not TreatmentPlan.objects.get(pk=plan.pk).is_signed
    assert AuditEvent.objects.filter(event_type="plan.signed", outcome="refused").exists()


def test_a_revision_is_a_new_version_that_says_what_changed(world):
    first = signed(world)
    draft = services.start_revision(first, by=world.therapist, change_summary="Add housing")
    assert draft.number == 2 and draft.revises == first
    old_objective = Objective.objects.get(plan=first)
    new_objective = Objective.objects.get(plan=draft)
    assert new_objective.lineage == old_objective.lineage and new_objective.pk != old_objective.pk
    services.save_problem(
        draft,
        by=world.therapist,
        expected_version=draft.version,
        domain="housing",
        statement="Sleeping at a friend's place",
    )
    problem = Problem.objects.get(plan=draft, domain="housing")
    with pytest.raises(InvalidInput, match="goal"):
        services.sign_plan(draft, by=world.therapist, expected_version=draft.version)
    services.remove_part(
        draft, by=world.therapist, expected_version=draft.version, kind="problem", row=problem
    )
    mood = Problem.objects.get(plan=draft)
    services.save_problem(
        draft,
        by=world.therapist,
        expected_version=draft.version,
        domain="mental_health",
        statement="Low mood and poor sleep",
        problem=mood,
    )
    done = services.sign_plan(draft, by=world.therapist, expected_version=draft.version)
    assert done.changes == [{"change": "changed", "part": "problem", "lineage": str(mood.lineage)}]
    assert selectors.plan_in_force(world.participant) == done
    first.refresh_from_db()
    assert first.is_signed and Problem.objects.get(plan=first).statement == "Low mood most days"
    with pytest.raises(InvalidInput):
        services.start_revision(first, by=world.therapist, change_summary="Older one")


def test_only_one_first_plan_per_episode(world):
    services.start_plan(world.episode, by=world.therapist)
    with pytest.raises(InvalidInput):
        services.start_plan(world.episode, by=world.therapist)


def test_acknowledged_on_the_portal_by_the_participant_once(world):
    plan = signed(world)
    services.acknowledge(plan, by=world.participant_user, via="portal")
    assert Acknowledgement.objects.get(plan=plan).via == "portal"
    with pytest.raises(InvalidInput):
        services.acknowledge(plan, by=world.therapist, via="in_person")


def test_staff_record_an_in_person_acknowledgement_not_a_portal_one(world):
    plan = signed(world)
    with pytest.raises(InvalidInput):
        services.acknowledge(plan, by=world.therapist, via="portal")
    with pytest.raises(InvalidInput):
        services.acknowledge(plan, by=world.participant_user, via="in_person")
    services.acknowledge(plan, by=world.nurse, via="in_person", comment="Agrees")
    assert Acknowledgement.objects.get(plan=plan).recorded_by == world.nurse


def test_a_draft_is_not_acknowledged(world):
    plan = drafted(world)
    with pytest.raises(InvalidInput):
        services.acknowledge(plan, by=world.participant_user, via="portal")


def test_another_participant_cannot_acknowledge(world):
    from accounts.models import User
    from conftest import make_user

    plan = signed(world)
    other = make_user("other_participant", kind=User.Kind.PARTICIPANT)
    with pytest.raises(AccessDenied):
        services.acknowledge(plan, by=other, via="portal")


def test_a_supervisor_cosigns_someone_elses_signature(world):
    plan = signed(world)
    with pytest.raises(AccessDenied):
        services.cosign(plan, by=world.therapist)
    row = services.cosign(plan, by=world.supervisor)
    assert row.recorded_by == world.supervisor
    with pytest.raises(InvalidInput):
        services.cosign(plan, by=world.director)


def test_a_supervisor_does_not_cosign_their_own_signature(world):
    plan = signed(world, by=world.supervisor)
    with pytest.raises(InvalidInput):
        services.cosign(plan, by=world.supervisor)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, tzinfo=ZoneInfo("America/Chicago"))


def test_a_review_falls_due_after_the_program_interval(world):
    plan = signed(world)
    signed_on = timezone.localdate(plan.signed_at, world.program.tz)
    interval = world.program.plan_review_interval_days
    due = signed_on + timedelta(days=interval)
    early = selectors.reviews_due([world.episode], today=due - timedelta(days=30), window_days=7)
    assert early == []
    soon = selectors.reviews_due([world.episode], today=due - timedelta(days=3), window_days=7)
    assert [(r.due_on, r.reason, r.overdue) for r in soon] == [(due, "scheduled", False)]
    late = selectors.reviews_due([world.episode], today=due + timedelta(days=1), window_days=7)
    assert late[0].overdue


def test_a_review_resets_the_interval(world):
    plan = signed(world)
    today = world.program.today()
    services.record_review(
        plan, by=world.therapist, reason="scheduled", note="Still fits.", reviewed_on=today
    )
    rows = selectors.reviews_due(
        [world.episode], today=today + timedelta(days=world.program.plan_review_interval_days)
    )
    assert rows[0].due_on == today + timedelta(days=world.program.plan_review_interval_days)


def test_a_change_of_level_of_care_makes_the_review_due(world):
    from placement.models import LevelOfCareDecision

    first = record_decision(world.episode, by=world.therapist)
    plan = signed(world)
    signed_on = timezone.localdate(plan.signed_at, world.program.tz)
    changed_on = signed_on + timedelta(days=5)
    LevelOfCareDecision.objects.create(
        participant=world.participant,
        episode=world.episode,
        rule_set=first.rule_set,
        chosen_level=LevelOfCare.PHP,
        reason="More support needed now.",
        decided_on=changed_on,
        recorded_by=world.therapist,
    )
    rows = selectors.reviews_due([world.episode], today=changed_on)
    assert [(r.reason, r.due_on, r.overdue) for r in rows] == [("level_of_care", changed_on, False)]
    rows = selectors.reviews_due([world.episode], today=changed_on + timedelta(days=1))
    assert rows[0].overdue


def test_the_same_level_decided_again_is_no_change(world):
    first = record_decision(world.episode, by=world.therapist)
    plan = signed(world)
    signed_on = timezone.localdate(plan.signed_at, world.program.tz)
    from placement.models import LevelOfCareDecision

    LevelOfCareDecision.objects.create(
        participant=world.participant,
        episode=world.episode,
        rule_set=first.rule_set,
        chosen_level=first.chosen_level,
        decided_on=signed_on + timedelta(days=5),
        recorded_by=world.therapist,
    )
    assert selectors.reviews_due([world.episode], today=signed_on + timedelta(days=6)) == []


def test_an_episode_without_a_signed_plan_shows_as_having_none(world):
    rows = selectors.reviews_due([world.episode], today=date(2026, 11, 18))
    assert [(r.reason, r.plan) for r in rows] == [("no_plan", None)]


def test_measure_progress_is_computed_from_the_latest_result(world):
    plan = signed(world)
    for total, day in ((16, date(2026, 10, 1)), (8, date(2026, 11, 1))):
        Administration.objects.create(
            participant=world.participant,
            episode=world.episode,
            instrument="phq-9",
            answers={},
            completed_at=_at(day),
            complete=True,
            total=total,
        )
    view = selectors.plan_view(plan)
    progress = next(iter(view.progress.values()))
    assert (progress.reading.value, progress.reading.on, progress.met) == (
        8,
        date(2026, 11, 1),
        True,
    )


def test_an_objective_bound_to_an_unknown_measure_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        drafted(world, measure="made-up")
    assert caught.value.field == "measure_key"


def test_suggestions_name_the_record_they_came_from(world):
    from intake.services import add_diagnosis

    add_diagnosis(
        world.episode,
        code="F10.20",
        status="confirmed",
        made_on=date(2026, 9, 8),
        by=world.therapist,
    )
    record_decision(world.episode, by=world.therapist)
    found = selectors.suggestions(world.episode)
    assert any(
        s.source == "Diagnosis F10.20, confirmed, made Tue 8 Sep 2026"
        and s.domain == "substance_use"
        for s in found
    )
    rated = [s for s in found if s.dimensions]
    decided = world.episode.placement_decisions.get().decided_on
    assert rated and all(
        s.source.startswith(f"Level-of-care decision of {decided:%a %-d %b %Y}, dimension ")
        for s in rated
    )
    plan = services.start_plan(world.episode, by=world.therapist)
    key = found[0].key
    problem = services.add_suggested_problem(
        plan, by=world.therapist, expected_version=plan.version, key=key, statement="My drinking"
    )
    assert problem.statement == "My drinking" and problem.source == found[0].source
    assert key not in {s.key for s in selectors.suggestions(world.episode, plan)}
    with pytest.raises(InvalidInput):
        services.add_suggested_problem(
            plan, by=world.therapist, expected_version=plan.version, key="made-up"
        )


def test_the_program_may_require_a_signed_plan_before_the_episode_becomes_active(world):
    from participants.models import Episode

    Episode.objects.filter(pk=world.episode.pk).update(status=EpisodeStatus.ADMITTED)
    world.episode.refresh_from_db()
    PlanSettings.objects.create(program=world.program, block_scheduling_until_signed=True)
    with pytest.raises(InvalidInput, match="signed treatment plan"):
        transition_episode(
            world.episode,
            to_status=EpisodeStatus.ACTIVE,
            on=world.program.today(),
            by=world.therapist,
            expected_version=world.episode.version,
        )
    signed(world)
    episode = transition_episode(
        world.episode,
        to_status=EpisodeStatus.ACTIVE,
        on=world.program.today(),
        by=world.therapist,
        expected_version=world.episode.version,
    )
    assert episode.status == EpisodeStatus.ACTIVE


def test_settings_are_the_directors(world):
    with pytest.raises(AccessDenied):
        services.update_settings(
            world.program,
            by=world.supervisor,
            cosign_required=True,
            block_scheduling_until_signed=False,
            expected_version=0,
        )
    row = services.update_settings(
        world.program,
        by=world.director,
        cosign_required=True,
        block_scheduling_until_signed=False,
        expected_version=0,
    )
    assert row.cosign_required and row.version == 1


def _stored_agrees_with_the_rule(world) -> tuple:
    """The stored next review of the world's episode, after checking it is what the rule says."""
    from plans.models import ReviewSchedule

    stored = ReviewSchedule.objects.get(episode=world.episode)
    computed = selectors.reviews_due([world.episode], today=date.min, window_days=10**6)
    expected = (computed[0].due_on, computed[0].reason) if computed else (None, "no_plan")
    assert (stored.due_on, stored.reason) == expected
    return expected


def test_the_stored_review_date_follows_signing_and_review(world):
    plan = signed(world)
    signed_on = timezone.localdate(plan.signed_at, world.program.tz)
    interval = timedelta(days=world.program.plan_review_interval_days)
    assert _stored_agrees_with_the_rule(world) == (signed_on + interval, "scheduled")
    reviewed_on = world.program.today()
    services.record_review(
        plan, by=world.therapist, reason="scheduled", note="Still fits.", reviewed_on=reviewed_on
    )
    assert _stored_agrees_with_the_rule(world) == (reviewed_on + interval, "scheduled")


def test_the_stored_review_date_follows_a_change_of_level_of_care(world):
    import time_machine

    record_decision(world.episode, by=world.therapist)
    plan = signed(world)
    assert plan.signed_at is not None
    later = plan.signed_at + timedelta(days=5)
    with time_machine.travel(later, tick=False):
        record_decision(
            world.episode,
            by=world.therapist,
            level=LevelOfCare.PHP,
            ratings={"1": 1, "2": 0, "3": 3, "4": 2, "5": 3, "6": 2},
            reason="More support is needed for now.",
            refer_to="Partial hospitalization program nearby",
            prerequisites_done=True,
        )
    changed_on = timezone.localdate(later, world.program.tz)
    assert _stored_agrees_with_the_rule(world) == (changed_on, "level_of_care")


def test_the_stored_review_date_clears_when_the_only_signed_plan_is_withdrawn(world):
    plan = signed(world)
    services.mark_plan_in_error(plan, by=world.therapist, reason="Written on the wrong record.")
    assert _stored_agrees_with_the_rule(world) == (None, "no_plan")


def test_an_episode_that_leaves_care_keeps_no_stored_review_row(world):
    from plans.models import ReviewSchedule

    episode = world.referral_episode
    services.keep_review_schedule([episode.pk, world.episode.pk])
    assert ReviewSchedule.objects.filter(episode=episode).exists()
    declined = transition_episode(
        episode,
        to_status=EpisodeStatus.DECLINED,
        on=world.program.today(),
        by=world.director,
        reason="Chose another program.",
        expected_version=episode.version,
        confirmed=True,
    )
    assert not ReviewSchedule.objects.filter(episode=episode).exists()
    services.keep_review_schedule([declined.pk, world.episode.pk])
    assert list(ReviewSchedule.objects.values_list("episode_id", flat=True)) == [world.episode.pk]


def test_a_new_plan_is_started_after_the_only_one_is_withdrawn(world):
    withdrawn = signed(world)
    services.mark_plan_in_error(
        withdrawn, by=world.therapist, reason="Written on the wrong record."
    )
    fresh = services.start_plan(world.episode, by=world.therapist)
    assert (fresh.number, fresh.revises_id, fresh.is_signed) == (2, None, False)


def test_a_signed_plan_is_revised_again_after_its_revision_is_withdrawn(world):
    plan = signed(world)
    first = services.start_revision(plan, by=world.therapist, change_summary="Add housing.")
    services.mark_plan_in_error(first, by=world.therapist, reason="Started on the wrong version.")
    again = services.start_revision(plan, by=world.therapist, change_summary="Add housing.")
    assert (again.number, again.revises_id) == (3, plan.pk)


def test_a_plan_is_not_revised_while_a_newer_version_stands(world):
    plan = signed(world)
    services.start_revision(plan, by=world.therapist, change_summary="Add housing.")
    with pytest.raises(InvalidInput, match="newer version"):
        services.start_revision(plan, by=world.therapist, change_summary="Add work.")


def test_a_modality_added_retired_and_brought_back_is_audited_each_time(world):
    added = services.add_modality(world.program, by=world.director, name="Art therapy")
    services.retire_modality(added, by=world.director)
    services.add_modality(world.program, by=world.director, name="art  therapy")
    events = AuditEvent.objects.filter(event_type="plan.modalities_changed").order_by("pk")
    assert [(e.organization_id, e.record_id, e.details["changes"]) for e in events] == [
        (world.program.organization_id, str(added.public_id), {"active": change})
        for change in (
            {"before": False, "after": True},
            {"before": True, "after": False},
            {"before": False, "after": True},
        )
    ]
