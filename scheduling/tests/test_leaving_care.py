"""Leaving care ends future group enrolments and releases the individual slot."""

from datetime import date, datetime, time

from attendance.tests.builders import active_participant, enrol, make_session
from audit.models import AuditEvent
from discharge.tests.builders import discharge_world
from participants.models import CareTeamMember, Episode
from scheduling.models import Enrolment, Session

DISCHARGE_DAY = date(2026, 11, 20)


def _discharge(world, type="completed"):
    """Discharge through the discharge workflow, which runs the leaving-care hooks."""
    now = datetime.combine(DISCHARGE_DAY, time(15, 0), tzinfo=world.program.tz)
    discharge_world(world, type=type, on=DISCHARGE_DAY, now=now)
    return Episode.objects.get(pk=world.episode.pk)


def test_discharge_ends_future_enrolments_and_cancels_the_individual_session(world):
    program = world.program
    yesterday = make_session(program, date(2026, 11, 19), title="Yesterday")
    this_morning = make_session(program, DISCHARGE_DAY, start=time(9, 0), title="Morning")
    this_evening = make_session(program, DISCHARGE_DAY, start=time(18, 0), title="Evening")
    next_week = make_session(program, date(2026, 11, 23), title="Next week")
    individual = make_session(
        program,
        date(2026, 11, 24),
        title="Individual session",
        kind=Session.Kind.INDIVIDUAL,
        capacity=1,
        minutes=50,
    )
    for session in (yesterday, this_morning, this_evening, next_week, individual):
        enrol(session, world.episode)
    other = active_participant(world, "T-000010", "Sam", "Other")
    enrol(this_evening, other)

    episode = _discharge(world)

    kept = set(
        Enrolment.objects.filter(episode=world.episode).values_list("session__title", flat=True)
    )
    assert kept == {"Yesterday", "Morning"}
    assert Enrolment.objects.filter(session=this_evening, episode=other).exists()
    individual.refresh_from_db()
    assert individual.status == Session.Status.CANCELLED
    next_week.refresh_from_db()
    assert next_week.status == Session.Status.SCHEDULED

    event = AuditEvent.objects.filter(
        record_id=str(episode.public_id), event_type="episode.status_changed"
    ).latest("seq")
    assert sorted(event.details["enrolments_ended"]) == sorted(
        [str(this_evening.public_id), str(next_week.public_id)]
    )
    assert event.details["individual_sessions_released"] == [str(individual.public_id)]


def test_leaving_care_ends_every_care_team_membership_on_that_date_and_keeps_the_rows(world):
    before = CareTeamMember.objects.filter(episode=world.episode).count()
    _discharge(world, type="stepped_down")
    rows = CareTeamMember.objects.filter(episode=world.episode)
    assert rows.count() == before
    assert set(rows.values_list("ended_on", flat=True)) == {DISCHARGE_DAY}
