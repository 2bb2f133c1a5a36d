"""The weekly attended-minutes summary the outcomes board reads agrees with the roll calls."""

from datetime import timedelta

from attendance import services, weekly
from attendance.models import WeeklyMinutes
from attendance.services import RollCallEntry
from attendance.tests.builders import enrol, make_session
from participants.models import Episode


def _summary(episode) -> dict:
    """The episode's weeks, each row carrying the episode's participant."""
    rows = WeeklyMinutes.objects.filter(episode=episode)
    assert {row.participant_id for row in rows} <= {episode.participant_id}
    assert not WeeklyMinutes.objects.filter(participant=episode.participant).exclude(
        episode=episode
    )
    return {row.week: row.minutes for row in rows}


def test_the_summary_follows_each_roll_call_and_its_corrections(midweek, world):
    today = world.program.today()
    monday = weekly.week_of(today)
    last_monday = monday - timedelta(days=7)
    sessions = [
        make_session(world.program, last_monday),
        make_session(world.program, last_monday + timedelta(days=2)),
        make_session(world.program, monday),
    ]
    for session in sessions:
        enrol(session, world.episode)
    by, person = world.director, world.participant
    services.record_attendance(sessions[0], person, status="present", by=by, expected_version=0)
    services.record_roll_call(sessions[1], [RollCallEntry(person, "late", 120)], by=by)
    services.mark_all_present(sessions[2], by=by)
    assert _summary(world.episode) == {last_monday: 300, monday: 180}
    services.record_attendance(sessions[2], person, status="excused", by=by, expected_version=1)
    expected = {last_monday: 300, monday: 0}
    assert _summary(world.episode) == expected
    weekly.rebuild(Episode.objects.filter(pk=world.episode.pk))
    assert _summary(world.episode) == expected
