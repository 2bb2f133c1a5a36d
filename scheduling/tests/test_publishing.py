"""Publishing a proposal: dated sessions and enrolments, idempotent, replacing only the future."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from participants.models import EpisodeStatus
from scheduling import publishing, services
from scheduling.models import Closure, Enrolment, Publication, ScheduleRun, Session
from scheduling.tests.conftest import MONDAY, admit
from scheduling.weeks import local_instant
from tandem.errors import AccessDenied


@pytest.fixture
def run(world, calendar, run_tasks) -> ScheduleRun:
    run = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=5)
    assert run_tasks() == 1
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE
    return run


def _snapshot() -> set[tuple]:
    return set(
        Enrolment.objects.values_list("pk", "session__public_id", "participant_id", "source")
    )


def _sessions_of(participant) -> list[Session]:
    return list(Session.objects.filter(enrolments__participant=participant).order_by("starts_at"))


def test_publish_creates_the_weeks_sessions_and_enrolments(world, calendar, run):
    publication = publishing.publish_run(run, by=world.director)

    assert (publication.starts_on, publication.ends_on) == (MONDAY, MONDAY + timedelta(days=6))
    me = run.result["participants"][str(world.participant.public_id)]
    mine = _sessions_of(world.participant)
    groups = [s for s in mine if s.kind == Session.Kind.GROUP]
    assert {str(s.group.public_id) if s.group else None for s in groups} == set(me["sessions"])
    for session in groups:
        assert session.group is not None
        local = session.starts_at.astimezone(world.program.tz)
        assert local.time() == time(9) and session.minutes == 180
        assert session.date == MONDAY + timedelta(days=session.group.weekday)
        assert set(session.staff.all()) == set(session.group.facilitators.all())
    individual = [s for s in mine if s.kind == Session.Kind.INDIVIDUAL]
    assert len(individual) == (1 if me["individual"] else 0)
    running = {sid for sid, r in run.result["sessions"].items() if r["runs"]}
    assert Session.objects.filter(kind="group").count() == len(running)
    assert not Enrolment.objects.exclude(source=Enrolment.Source.SCHEDULE).exists()
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.PUBLISHED
    events = AuditEvent.objects.filter(
        record_type="scheduling.Enrolment", record_id=str(publication.public_id)
    )
    assert events.count() == len(calendar.episodes)  # one event per participant's new week
    assert events.filter(participant=world.participant).exists()


def test_publishing_twice_changes_nothing(world, calendar, run):
    publishing.publish_run(run, by=world.director)
    sessions = set(Session.objects.values_list("pk", "starts_at", "status"))
    enrolments = _snapshot()

    publishing.publish_run(run, by=world.director)

    assert set(Session.objects.values_list("pk", "starts_at", "status")) == sessions
    assert _snapshot() == enrolments
    assert Publication.objects.count() == 2


def test_republishing_replaces_future_enrolments_but_not_attended_sessions(world, calendar, run):
    publishing.publish_run(run, by=world.director)
    me = str(world.participant.public_id)
    first, second = run.result["participants"][me]["sessions"][:2]
    attended = Session.objects.get(group__public_id=first, date__gte=MONDAY)
    with services.ATTENDANCE_PROBES.only(lambda ids: {attended.pk} & set(ids)):
        for sid in (first, second):
            publishing.edit_proposal(
                run, by=world.director, participant_id=me, session_id=sid, action="remove"
            )
        run.refresh_from_db()

        publishing.publish_run(run, by=world.director)

    groups = {str(s.group.public_id) for s in _sessions_of(world.participant) if s.group}
    assert first in groups  # attendance recorded: never touched
    assert second not in groups  # future, unattended: replaced


def test_sessions_that_already_started_are_left_alone(world, calendar, run):
    publishing.publish_run(run, by=world.director)
    before = _snapshot()
    me = str(world.participant.public_id)
    for sid in run.result["participants"][me]["sessions"]:
        publishing.edit_proposal(
            run, by=world.director, participant_id=me, session_id=sid, action="remove"
        )
    run.refresh_from_db()
    after_the_week = local_instant(world.program, MONDAY + timedelta(days=7), time(0))

    publishing.publish_run(run, by=world.director, not_before=after_the_week)

    assert _snapshot() == before


def _running_group(run, calendar):
    groups = [*calendar.morning, *calendar.evening, calendar.online]
    return next(g for g in groups if run.result["sessions"][str(g.public_id)]["runs"])


def test_several_weeks_repeat_the_pattern_and_skip_closures(world, calendar, run):
    group = _running_group(run, calendar)
    first_day = MONDAY + timedelta(days=group.weekday)
    closed = first_day + timedelta(days=7)  # that weekday in the second week
    Closure.objects.create(program=world.program, date=closed, reason="Holiday")
    publishing.publish_run(
        run, by=world.director, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=20)
    )
    dates = sorted(Session.objects.filter(group=group).values_list("date", flat=True))
    assert dates == [first_day, first_day + timedelta(days=14)]
    assert not Session.objects.filter(date=closed).exists()
    weekly = Session.objects.filter(kind="group", date__lt=MONDAY + timedelta(days=7))
    that_day = weekly.filter(date=first_day).count()
    assert Session.objects.filter(kind="group").count() == 3 * weekly.count() - that_day


def test_a_week_across_the_autumn_clock_change_keeps_local_times(world, calendar, run, login):
    first = date(2026, 10, 26)  # clocks go back on Sunday 2026-11-01 in Chicago
    publishing.publish_run(
        run,
        by=world.director,
        starts_on=first,
        ends_on=first + timedelta(days=13),
        not_before=datetime(2026, 1, 1, tzinfo=UTC),
    )
    # Only world.participant was admitted back then: follow one of their groups.
    mine = run.result["participants"][str(world.participant.public_id)]["sessions"]
    group = next(g for g in [*calendar.morning, *calendar.evening] if str(g.public_id) in mine)
    day = first + timedelta(days=group.weekday)
    start = datetime.combine(day, group.start_time)
    assert [s.starts_at for s in Session.objects.filter(group=group).order_by("date")] == [
        (start + timedelta(hours=5)).replace(tzinfo=UTC),  # CDT, UTC-5
        (start + timedelta(days=7, hours=6)).replace(tzinfo=UTC),  # CST, UTC-6
    ]
    client = login(world.frontdesk)
    label = f"{group.start_time:%H:%M}–"
    for week in ("2026-10-26", "2026-11-02"):
        page = client.get(
            reverse("scheduling:week", args=[world.program.public_id]) + f"?start={week}"
        ).content.decode()
        assert label in page and "14:00–17:00" not in page and "15:00–18:00" not in page


def test_no_sessions_before_admission_or_after_discharge(world, calendar, run):
    late = calendar.episodes[1]
    late.admitted_on = MONDAY + timedelta(days=3)
    late.save()
    gone = calendar.episodes[2]
    gone.status = EpisodeStatus.DISCHARGED
    gone.save()
    publishing.publish_run(run, by=world.director)
    assert all(s.date >= late.admitted_on for s in _sessions_of(late.participant))
    assert not _sessions_of(gone.participant)


def test_only_the_director_publishes(world, calendar, run):
    with pytest.raises(AccessDenied):
        publishing.publish_run(run, by=world.supervisor)
    assert not Session.objects.exists()


def test_republishing_drops_the_discharged_and_keeps_people_outside_the_run(world, calendar, run):
    publishing.publish_run(run, by=world.director)
    gone = calendar.episodes[1]
    assert _sessions_of(gone.participant)
    gone.status = EpisodeStatus.DISCHARGED
    gone.save()
    newcomer = admit(world, "T-40000", "Zed")  # admitted after the run was built
    session = Session.objects.filter(kind=Session.Kind.GROUP).first()
    assert session is not None
    Enrolment.objects.create(session=session, participant=newcomer.participant, episode=newcomer)

    publishing.publish_run(run, by=world.director)

    assert not _sessions_of(gone.participant)
    assert _sessions_of(newcomer.participant) == [session]
    assert (
        AuditEvent.objects.filter(
            participant=gone.participant, record_type="scheduling.Enrolment"
        ).count()
        == 2
    )  # their first week, then its removal
