"""The under-dosed counts and lists, for several programs in one statement, are exactly what the
plain definition gives when worked out participant by participant from the roll calls
themselves: varied weeks with late-recorded roll calls, roll calls entered in error,
cancelled sessions, partial attendance, profiles, admissions and discharges inside the week,
a readmission within the week, and two programs in different time zones."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Program, Site
from attendance import weekly
from attendance.dose import (
    at_risk,
    at_risk_count,
    at_risk_counts,
    at_risk_pages,
    required_minutes,
)
from attendance.models import ABSENT_STATUSES, Attendance
from attendance.tests.builders import enrol, make_session
from conftest import make_participant
from participants.models import IN_CARE_STATUSES, Episode, EpisodeStatus
from scheduling.models import Enrolment, Group, SchedulingProfile, Session
from scheduling.selectors import program_weekdays
from scheduling.weeks import prorated_minutes

MONDAY = date(2026, 11, 16)
# Wednesday 13:00 UTC: Chicago's Wednesday morning, Berlin's Wednesday afternoon.
NOW = datetime(2026, 11, 18, 13, 0, tzinfo=UTC)


def _plain_under_dosed(program: Program, week: date, now: datetime) -> list[int]:
    """Episode ids of the program's participants who cannot reach their requirement, from
    the raw rows: every participant in care (their latest episode in care), their
    requirement pro-rated by the program's group days, the minutes the roll calls in force
    give them at sessions that took place this week (any episode of theirs), and the minutes
    of this week's sessions they are enrolled in that are not over and have no roll call."""
    sunday = week + timedelta(days=6)
    days = program_weekdays([program.pk])[program.pk]
    latest: dict[int, Episode] = {}
    for e in Episode.objects.filter(program=program, status__in=IN_CARE_STATUSES).select_related(
        "program", "scheduling_profile"
    ):
        if e.participant_id not in latest or e.pk > latest[e.participant_id].pk:
            latest[e.participant_id] = e
    short = []
    for pid, e in latest.items():
        required = prorated_minutes(required_minutes(e), week, e.admitted_on, e.discharged_on, days)
        attended = sum(
            a.minutes
            for a in Attendance.objects.filter(participant_id=pid).select_related("session")
            if a.entered_in_error_at is None
            and a.session.status == Session.Status.SCHEDULED
            and week <= a.session.date <= sunday
        )
        recorded = set(Attendance.objects.filter(participant_id=pid).values_list("session_id"))
        remaining = sum(
            en.session.minutes
            for en in Enrolment.objects.filter(participant_id=pid).select_related("session")
            if en.session.status == Session.Status.SCHEDULED
            and week <= en.session.date <= sunday
            and en.session.ends_at > now
            and (en.session_id,) not in recorded
        )
        if attended + remaining < required:
            short.append(e.pk)
    return sorted(short)


def _program(world, name: str, zone: str, minimum: int, weekdays) -> Program:
    program = Program.objects.create(
        organization=world.org, name=name, time_zone=zone, min_weekly_minutes=minimum
    )
    Site.objects.create(program=program, name="Main")
    for day in weekdays:
        Group.objects.create(
            program=program,
            title=f"Group on {day}",
            weekday=day,
            start_time=time(9, 0),
            minutes=180,
            mode="in_person",
            capacity=10,
        )
    return program


def _varied_week(world, rng: random.Random) -> list[Program]:
    world.program.min_weekly_minutes = 540
    world.program.save(update_fields=["min_weekly_minutes"])
    for day in (0, 2, 4):
        Group.objects.create(
            program=world.program,
            title=f"Group {day}",
            weekday=day,
            start_time=time(9, 0),
            minutes=180,
            mode="in_person",
            capacity=10,
        )
    berlin = _program(world, "Evening IOP", "Europe/Berlin", 360, (1, 3))
    programs = [world.program, berlin]
    sessions = {
        p.pk: [
            make_session(
                p,
                MONDAY + timedelta(days=d),
                start=time(hour),
                minutes=rng.choice((60, 90, 180)),
                status=Session.Status.CANCELLED if rng.random() < 0.15 else "scheduled",
                title=f"S{d}-{hour}",
            )
            for d in range(7)
            for hour in (9, 18)
        ]
        for p in programs
    }
    number = 0
    for program in programs:
        site = program.sites.get()
        for _ in range(14):
            number += 1
            person = make_participant(
                world.org, f"T-07{number:04d}", legal_last_name=rng.choice(("Ash", "Birch", "Elm"))
            )
            episodes = []
            if rng.random() < 0.2:  # discharged earlier this week, then readmitted
                episodes.append(
                    Episode.objects.create(
                        participant=person,
                        program=program,
                        site=site,
                        status=EpisodeStatus.DISCHARGED,
                        referred_on=date(2026, 9, 1),
                        admitted_on=date(2026, 9, 8),
                        discharged_on=MONDAY,
                    )
                )
            admitted = rng.choice((date(2026, 9, 8), MONDAY + timedelta(days=rng.randrange(4))))
            episodes.append(
                Episode.objects.create(
                    participant=person,
                    program=program,
                    site=site,
                    status=rng.choice((EpisodeStatus.ACTIVE, EpisodeStatus.ADMITTED)),
                    referred_on=date(2026, 9, 1),
                    admitted_on=admitted,
                    discharged_on=MONDAY + timedelta(days=5) if rng.random() < 0.1 else None,
                )
            )
            if rng.random() < 0.2:
                SchedulingProfile.objects.create(
                    episode=episodes[-1], required_minutes=rng.choice((0, 120, 600))
                )
            for session in rng.sample(sessions[program.pk], rng.randrange(0, 8)):
                episode = rng.choice(episodes)
                enrol(session, episode)
                if session.ends_at > NOW and rng.random() < 0.8:
                    continue  # still to come, no roll call yet
                if rng.random() < 0.2:
                    continue  # over, not recorded yet
                status = rng.choice(
                    ("present", "late", "left_early", "virtual", "excused", "unexcused")
                )
                minutes = (
                    0
                    if status in ABSENT_STATUSES
                    else session.minutes
                    if status in ("present", "virtual")
                    else rng.randrange(10, session.minutes)
                )
                late = rng.random() < 0.3  # recorded days after the session
                withdrawn = rng.random() < 0.15  # entered in error
                Attendance.objects.create(
                    session=session,
                    participant=person,
                    episode=episode,
                    status=status,
                    minutes=minutes,
                    recorded_at=session.ends_at + timedelta(days=3 if late else 0),
                    entered_in_error_at=session.ends_at if withdrawn else None,
                    entered_in_error_by=world.director if withdrawn else None,
                    entered_in_error_reason="Wrong participant" if withdrawn else "",
                )
    for program in programs:
        weekly.rebuild(Episode.objects.filter(program=program))
    return programs


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_and_pages_match_the_plain_definition(world, seed):
    programs = _varied_week(world, random.Random(seed))
    plain = {p.pk: _plain_under_dosed(p, MONDAY, NOW) for p in programs}
    assert any(plain.values())

    with CaptureQueriesContext(connection) as counting:
        counts = at_risk_counts([(p, MONDAY) for p in programs], now=NOW)
    assert counts == {pk: len(short) for pk, short in plain.items()}
    assert len(counting) == 2  # the programs' group days, then every program's count
    for program in programs:
        assert at_risk_count(program, MONDAY, now=NOW) == len(plain[program.pk])

    # Every page of each program, asked for together, holds the list worked out in Python
    # (largest gap first), and each pager counts the whole list.
    expected = {p.pk: [e.pk for e, _ in at_risk(p, MONDAY, now=NOW)] for p in programs}
    assert {pk: sorted(eps) for pk, eps in expected.items()} == plain
    shown: dict[int, list[int]] = {p.pk: [] for p in programs}
    for number in range(1, 5):
        for found in at_risk_pages([(p, MONDAY, number) for p in programs], size=3, now=NOW):
            assert found.page.paginator.count == len(plain[found.program.pk])
            if found.page.number == number:
                shown[found.program.pk] += [e.pk for e, _ in found.rows]
    assert shown == expected


def test_programs_asked_about_different_weeks_are_each_counted_in_their_own_week(world):
    """Programs whose current weeks differ (a Monday reached in one time zone and not yet in
    another) share the statement but each is worked out over its own week's minutes."""
    programs = _varied_week(world, random.Random(3))
    weeks = [(p, MONDAY + timedelta(days=7 * (i % 2))) for i, p in enumerate(programs)]
    assert len({week for _, week in weeks}) == 2
    plain = {p.pk: _plain_under_dosed(p, week, NOW) for p, week in weeks}
    assert plain[programs[1].pk] != _plain_under_dosed(programs[1], MONDAY, NOW)

    assert at_risk_counts(weeks, now=NOW) == {pk: len(short) for pk, short in plain.items()}
    found = at_risk_pages([(p, week, 1) for p, week in weeks], size=1000, now=NOW)
    assert {f.program.pk: sorted(e.pk for e, _ in f.rows) for f in found} == plain
    assert [f.week_start for f in found] == [week for _, week in weeks]
