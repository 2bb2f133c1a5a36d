"""Local weeks across daylight-saving changes, and the solver problem assembled from the DB."""

import json
from datetime import UTC, date, datetime, time, timedelta

from scheduling.models import (
    Closure,
    Enrolment,
    GroupPreference,
    SchedulingProfile,
    Session,
)
from scheduling.problem_builder import build_week_problem, staff_key
from scheduling.solver import parse_problem
from scheduling.tests.conftest import MONDAY
from scheduling.weeks import local_instant, session_span, week_bounds, week_dates, week_start


def test_week_starts_on_monday():
    assert week_start(date(2026, 11, 1)) == date(2026, 10, 26)  # a Sunday
    assert week_start(date(2026, 11, 2)) == date(2026, 11, 2)
    assert week_dates(date(2026, 11, 2))[-1] == date(2026, 11, 8)


def test_a_nine_oclock_group_stays_at_nine_across_the_autumn_change(world):
    program = world.program  # America/Chicago: clocks go back on Sunday 2026-11-01
    before, _ = session_span(program, date(2026, 10, 26), time(9), 180)
    sunday, sunday_end = session_span(program, date(2026, 11, 1), time(9), 180)
    after, _ = session_span(program, date(2026, 11, 2), time(9), 180)
    assert before == datetime(2026, 10, 26, 14, tzinfo=UTC)  # CDT, UTC-5
    assert sunday == datetime(2026, 11, 1, 15, tzinfo=UTC)  # CST, UTC-6
    assert after == datetime(2026, 11, 2, 15, tzinfo=UTC)
    assert sunday_end - sunday == timedelta(hours=3)
    start, end = week_bounds(program, date(2026, 10, 26))
    assert end - start == timedelta(hours=169)  # the week has one extra hour


def test_a_nine_oclock_group_stays_at_nine_across_the_spring_change(world):
    program = world.program  # clocks go forward on Sunday 2026-03-08
    monday, _ = session_span(program, date(2026, 3, 2), time(9), 180)
    sunday, _ = session_span(program, date(2026, 3, 8), time(9), 180)
    assert monday == datetime(2026, 3, 2, 15, tzinfo=UTC)
    assert sunday == datetime(2026, 3, 8, 14, tzinfo=UTC)
    start, end = week_bounds(program, date(2026, 3, 2))
    assert end - start == timedelta(hours=167)
    assert local_instant(program, date(2026, 3, 8), time(0)) == datetime(2026, 3, 8, 6, tzinfo=UTC)


def test_problem_uses_opaque_ids_and_program_minutes(world, calendar):
    problem = build_week_problem(world.program, MONDAY)
    parse_problem(problem)  # valid input for the solver
    text = json.dumps(problem)
    assert "Robin" not in text and "Testperson" not in text and "Relapse" not in text
    assert {s["id"] for s in problem["sessions"]} == {
        str(g.public_id) for g in [*calendar.morning, *calendar.evening, calendar.online]
    }
    me = next(p for p in problem["participants"] if p["id"] == str(world.participant.public_id))
    assert me["required_minutes"] == 540
    assert me["mode"] == "in_person"
    assert me["individual"] == {"staff": staff_key(world.therapist.pk), "minutes": 50}
    assert {"day": 0, "start": "08:30", "end": "13:00"} in me["availability"]
    monday = next(s for s in problem["sessions"] if s["id"] == str(calendar.morning[0].public_id))
    assert monday == {
        "id": str(calendar.morning[0].public_id),
        "day": 0,
        "start": "09:00",
        "minutes": 180,
        "capacity": 10,
        "min_size": 2,
        "mode": "in_person",
        "staff": [staff_key(world.therapist.pk)],
    }
    assert len(problem["participants"]) == len(calendar.episodes)
    assert problem["current"] == {}


def test_room_capacity_caps_a_group_and_referrals_are_left_out(world, calendar):
    calendar.room.capacity = 6
    calendar.room.save()
    problem = build_week_problem(world.program, MONDAY)
    assert {s["capacity"] for s in problem["sessions"] if s["mode"] == "in_person"} == {6}
    assert str(world.referral.public_id) not in {p["id"] for p in problem["participants"]}


def test_closures_drop_that_days_groups_and_staff_hours(world, calendar):
    Closure.objects.create(program=world.program, date=MONDAY, reason="Holiday")
    problem = build_week_problem(world.program, MONDAY)
    days = {s["day"] for s in problem["sessions"]}
    assert 0 not in days and 2 in days
    for staff in problem["staff"]:
        assert all(w["day"] != 0 for w in staff["availability"])


def test_profile_settings_pins_and_exclusions(world, calendar):
    profile = SchedulingProfile.objects.get(episode=world.episode)
    profile.required_minutes, profile.max_days, profile.individual_minutes = 600, 3, 0
    profile.save()
    GroupPreference.objects.create(profile=profile, group=calendar.morning[0], kind="pin")
    GroupPreference.objects.create(profile=profile, group=calendar.morning[1], kind="exclude")
    calendar.evening[0].is_active = False
    calendar.evening[0].save()
    GroupPreference.objects.create(profile=profile, group=calendar.evening[0], kind="pin")
    problem = build_week_problem(world.program, MONDAY)
    me = next(p for p in problem["participants"] if p["id"] == str(world.participant.public_id))
    assert me["required_minutes"] == 600 and me["max_days"] == 3 and me["individual"] is None
    assert me["pinned"] == [str(calendar.morning[0].public_id)]  # retired group's pin dropped
    assert me["excluded"] == [str(calendar.morning[1].public_id)]


def test_participant_without_profile_gets_the_defaults(world, calendar):
    SchedulingProfile.objects.filter(episode=calendar.episodes[1]).delete()
    problem = build_week_problem(world.program, MONDAY)
    them = next(
        p
        for p in problem["participants"]
        if p["id"] == str(calendar.episodes[1].participant.public_id)
    )
    assert them["availability"] == [] and them["mode"] == "either" and them["max_days"] == 5


def test_current_is_last_weeks_published_groups(world, calendar):
    last_monday = MONDAY - timedelta(days=7)
    group = calendar.morning[1]
    starts, ends = session_span(world.program, last_monday + timedelta(days=2), time(9), 180)
    session = Session.objects.create(
        program=world.program,
        group=group,
        kind=Session.Kind.GROUP,
        title=group.title,
        date=last_monday + timedelta(days=2),
        starts_at=starts,
        ends_at=ends,
        minutes=180,
        mode=group.mode,
    )
    Enrolment.objects.create(session=session, participant=world.participant, episode=world.episode)
    problem = build_week_problem(world.program, MONDAY)
    assert problem["current"] == {str(world.participant.public_id): [str(group.public_id)]}
