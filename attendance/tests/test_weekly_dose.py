"""The stored weekly doses equal the dose summed from the enrolments and roll calls, after
every kind of write that changes them, and the dose read from them is the live one at any
moment of the week."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance import services, weekly
from attendance.dose import at_risk, at_risk_count, weekly_doses
from attendance.models import DAY_PARTS, Attendance, AttendanceStatus, WeeklyDose
from attendance.services import RollCallEntry
from attendance.tests.builders import enrol, make_session
from participants.models import Episode, Participant
from scheduling.models import Enrolment, Session
from scheduling.services import cancel_session, end_future_sessions
from tandem.errors import InvalidInput

MONDAY = date(2026, 11, 16)  # the week of the `midweek` clock (Wednesday 18 November, noon)

# (day from MONDAY, start hour, minutes): last week, this week around the clock, next week.
SESSIONS = [(-3, 9, 180), (0, 9, 180), (1, 13, 90), (2, 9, 180), (2, 13, 60), (3, 9, 180)]
SESSIONS += [(4, 9, 120), (7, 9, 180)]


@pytest.fixture
def week_sessions(midweek, world, roster) -> list[Session]:
    """The sessions, each with the first two participants enrolled; the other two join by
    drop-in or make-up."""
    sessions = [
        make_session(world.program, MONDAY + timedelta(days=day), start=time(hour), minutes=m)
        for day, hour, m in SESSIONS
    ]
    for session in sessions:
        for episode in roster[:2]:
            enrol(session, episode)
    return sessions


def _stored() -> dict:
    return {
        (row.participant_id, row.week): (
            row.organization_id,
            row.scheduled,
            row.attended,
            row.open_minutes,
            row.first_open_end,
            row.last_open_end,
            tuple(getattr(row, name) for name in DAY_PARTS),
        )
        for row in WeeklyDose.objects.all()
    }


def _live() -> dict:
    """The stored form of every participant-week, summed in Python from the rows, with the
    participant's organization."""
    organizations = dict(Participant.objects.values_list("pk", "organization_id"))
    recorded = {
        (a.session_id, a.participant_id): a for a in Attendance.objects.select_related("session")
    }
    totals: dict = defaultdict(lambda: [0, 0, 0, [], []])
    for e in Enrolment.objects.select_related("session"):
        if e.session.status != Session.Status.SCHEDULED:
            continue
        row = totals[e.participant_id, weekly.week_of(e.session.date)]
        row[0] += e.session.minutes
        if (e.session_id, e.participant_id) not in recorded:
            row[2] += e.session.minutes
            row[3].append(e.session.ends_at)
            row[4].append((e.session.date.weekday(), e.session.minutes, e.session.ends_at))
    for a in recorded.values():
        if a.entered_in_error_at is None and a.session.status == Session.Status.SCHEDULED:
            totals[a.participant_id, weekly.week_of(a.session.date)][1] += a.minutes
    return {
        key: (
            organizations[key[0]],
            scheduled,
            attended,
            open_,
            min(ends, default=None),
            max(ends, default=None),
            _by_day(days),
        )
        for key, (scheduled, attended, open_, ends, days) in totals.items()
    }


def _by_day(open_sessions: list[tuple[int, int, datetime]]) -> tuple:
    """Each day's open minutes and first and last open end, Monday first, from the open
    sessions' (weekday, minutes, end)."""
    parts: list = []
    for day in range(7):
        ends = [end for weekday, _, end in open_sessions if weekday == day]
        minutes = sum(m for weekday, m, _ in open_sessions if weekday == day)
        parts += [minutes, min(ends, default=None), max(ends, default=None)]
    return tuple(parts)


def _taken() -> dict[tuple[int, int], bool]:
    """Each enrolment's `roll_call_taken`, by (session, participant)."""
    return {
        (session, person): taken
        for session, person, taken in Enrolment.objects.values_list(
            "session_id", "participant_id", "roll_call_taken"
        )
    }


def _recorded() -> dict[tuple[int, int], bool]:
    """Whether each enrolment has a roll call entry, in force or not: what the mark says."""
    entries = set(Attendance.objects.values_list("session_id", "participant_id"))
    return {key: key in entries for key in _taken()}


def _live_at(now: datetime, person: int, week: date) -> tuple[int, int, int, int]:
    """(scheduled, attended, remaining, unrecorded) of one participant-week at `now`."""
    scheduled = attended = remaining = unrecorded = 0
    for e in Enrolment.objects.filter(participant_id=person).select_related("session"):
        s = e.session
        if s.status != Session.Status.SCHEDULED or weekly.week_of(s.date) != week:
            continue
        scheduled += s.minutes
        if not Attendance.objects.filter(session=s, participant_id=person).exists():
            if s.ends_at > now:
                remaining += s.minutes
            else:
                unrecorded += s.minutes
    for a in Attendance.objects.filter(participant_id=person).select_related("session"):
        s = a.session
        if a.entered_in_error_at is None and s.status == Session.Status.SCHEDULED:
            attended += a.minutes if weekly.week_of(s.date) == week else 0
    return scheduled, attended, remaining, unrecorded


def _write(op: tuple, sessions: list[Session], episodes: list[Episode], by) -> None:
    """One write through its service; a refused one (not allowed now) writes nothing."""
    kind, i, j, status = op
    session = Session.objects.select_related("program").get(pk=sessions[i].pk)
    episode = episodes[j]
    person = episode.participant
    try:
        if kind == "roll call":
            current = Attendance.objects.filter(session=session, participant=person)
            version = current.values_list("version", flat=True).first() or 0
            minutes = session.minutes // 2 if status in ("late", "left_early") else None
            entry = RollCallEntry(person, status, minutes, expected_version=version)
            services.record_roll_call(session, [entry], by=by)
        elif kind == "all present":
            services.mark_all_present(session, by=by)
        elif kind == "drop-in":
            services.add_drop_in(session, person, by=by)
        elif kind == "make-up":
            services.enrol_make_up(session, person, by=by)
        elif kind == "cancel":
            cancel_session(session, by=by, reason="Facilitator ill")
        elif kind == "leave care":
            with transaction.atomic():
                on = session.program.today()
                end_future_sessions(episode, on=on, by=by, now=timezone.now())
    except InvalidInput:
        pass


writes = st.lists(
    st.tuples(
        st.sampled_from(
            ["roll call", "roll call", "all present", "drop-in", "make-up", "cancel", "leave care"]
        ),
        st.integers(0, len(SESSIONS) - 1),
        st.integers(0, 3),
        st.sampled_from(AttendanceStatus.values),
    ),
    max_size=10,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=writes)
def test_the_stored_doses_equal_the_live_sums_after_every_write(
    midweek, world, roster, week_sessions, ops
):
    with transaction.atomic():
        for op in ops:
            _write(op, week_sessions, roster, world.director)
            assert _stored() == _live(), op
            assert _taken() == _recorded(), op
        moments = [
            datetime.combine(MONDAY, time(0), world.program.tz),
            datetime.combine(MONDAY + timedelta(days=2), time(12, 30), world.program.tz),
            datetime.combine(MONDAY + timedelta(days=2), time(13, 30), world.program.tz),
            datetime.combine(MONDAY + timedelta(days=5), time(0), world.program.tz),
        ]
        episodes = list(
            Episode.objects.filter(pk__in=[e.pk for e in roster]).select_related(
                "program", "scheduling_profile"
            )
        )
        for now in moments:
            doses = weekly_doses(episodes, [MONDAY - timedelta(days=7), MONDAY], now=now)
            for (person, week), dose in doses.items():
                live = _live_at(now, person, week)
                assert (dose.scheduled, dose.attended, dose.remaining, dose.unrecorded) == live
            short = [e.participant_id for e, _ in at_risk(world.program, MONDAY, now=now)]
            assert at_risk_count(world.program, MONDAY, now=now) == len(short)
            assert sorted(short) == sorted(
                person
                for (person, week), dose in doses.items()
                if week == MONDAY and sum(_live_at(now, person, week)[1:3]) < dose.required
            )
        transaction.set_rollback(True)


def test_rebuilding_writes_what_the_writes_kept(midweek, world, roster, week_sessions):
    _write(("drop-in", 1, 1, ""), week_sessions, roster, world.director)
    _write(("roll call", 1, 1, "late"), week_sessions, roster, world.director)
    _write(("make-up", 5, 2, ""), week_sessions, roster, world.director)
    kept = _stored()
    assert kept == _live() and kept
    WeeklyDose.objects.all().delete()
    assert weekly.rebuild_doses() == len(kept)
    assert _stored() == kept


def test_the_migration_gives_each_dose_its_participants_organization(
    midweek, world, roster, week_sessions
):
    _write(("drop-in", 1, 2, ""), week_sessions, roster, world.director)
    _write(("roll call", 1, 2, "left_early"), week_sessions, roster, world.director)
    _write(("all present", 0, 0, ""), week_sessions, roster, world.director)
    kept = _stored()
    WeeklyDose.objects.update(organization=world.other_org_participant.organization)
    import_module("attendance.migrations.0009_weekly_dose_organization").fill_organization(
        apps, None
    )
    assert _stored() == kept == _live()


def test_rebuilding_and_the_migration_mark_the_enrolments_with_a_roll_call(
    midweek, world, roster, week_sessions
):
    _write(("roll call", 1, 0, "present"), week_sessions, roster, world.director)
    _write(("drop-in", 2, 2, ""), week_sessions, roster, world.director)
    _write(("all present", 0, 0, ""), week_sessions, roster, world.director)
    kept = _taken()
    assert kept == _recorded() and sum(kept.values()) == 4
    Enrolment.objects.update(roll_call_taken=False)
    weekly.rebuild(Episode.objects.filter(pk__in=[e.pk for e in roster]))
    assert _taken() == kept
    Enrolment.objects.update(roll_call_taken=False)
    import_module("attendance.migrations.0012_fill_roll_call_taken").fill(apps, None)
    assert _taken() == kept


def test_a_roll_call_written_past_the_services_still_leaves_no_minutes_to_come(
    midweek, world, roster, week_sessions
):
    """The mark only narrows what is read: an entry written without it is still seen when
    the clock stands between two open sessions of one day."""
    afternoon = week_sessions[4]  # Wednesday 13:00, an hour, after the 09:00 session
    Attendance.objects.create(
        session=afternoon,
        participant=roster[0].participant,
        episode=roster[0],
        status=AttendanceStatus.PRESENT,
        minutes=0,
        recorded_at=afternoon.starts_at,
    )
    assert not Enrolment.objects.get(
        session=afternoon, participant=roster[0].participant
    ).roll_call_taken
    episode = Episode.objects.select_related("program", "scheduling_profile").get(pk=roster[0].pk)
    now = datetime.combine(MONDAY + timedelta(days=2), time(12, 30), world.program.tz)
    dose = weekly_doses([episode], [MONDAY], now=now)[roster[0].participant_id, MONDAY]
    assert dose.remaining == _live_at(now, roster[0].participant_id, MONDAY)[2]


def test_days_before_and_after_the_clock_are_counted_from_the_stored_dose(
    midweek, world, roster, week_sessions
):
    """A participant whose Monday roll call lags behind the clock has open sessions on both
    sides of it; each whole day is counted from the stored dose, without reading their
    sessions again (an enrolment written past the services is not seen there)."""
    friday = make_session(world.program, MONDAY + timedelta(days=4), start=time(13), minutes=60)
    Enrolment.objects.create(session=friday, participant=roster[0].participant, episode=roster[0])
    episode = Episode.objects.select_related("program", "scheduling_profile").get(pk=roster[0].pk)
    now = datetime.combine(MONDAY + timedelta(days=2), time(8), world.program.tz)
    dose = weekly_doses([episode], [MONDAY], now=now)[roster[0].participant_id, MONDAY]
    # Wednesday's 09:00 and 13:00, Thursday's and Friday's 09:00: the Friday written past
    # the services is not among them.
    assert dose.remaining == 180 + 60 + 180 + 120
    assert dose.unrecorded == 180 + 90  # Monday's and Tuesday's, over without a roll call


def test_the_migration_fills_each_doses_open_days(midweek, world, roster, week_sessions):
    _write(("roll call", 2, 0, "present"), week_sessions, roster, world.director)
    _write(("drop-in", 3, 2, ""), week_sessions, roster, world.director)
    kept = _stored()
    WeeklyDose.objects.update(**{name: 0 if "minutes" in name else None for name in DAY_PARTS})
    import_module("attendance.migrations.0013_weekly_dose_open_days").fill(apps, None)
    assert _stored() == kept == _live()
