"""A recertification due: the worklist asks the certifying physician (or the primary
clinician once they have left) for it, before a Medicare participant's certification ends or
once it has ended while they are in care, and the new certification closes the task."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from billing import services
from billing.models import certified_before, certified_until
from billing.tasks import recertifications_due
from billing.tests.builders import cover, payer
from billing.tests.test_medicare_iop import certify, medicare
from participants.access import Scope
from participants.models import CareTeamMember, Episode, EpisodeStatus
from participants.services import end_care_team_membership
from worklist.models import Task, TaskStatus
from worklist.services import complete_task

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/Chicago")
# Thursday 17 December 2026, 09:00 in the world's zone: 14 days before Thu 31 December.
NOTICE_DAY = datetime(2026, 12, 17, 9, 0, tzinfo=ZONE)


def _ask(world, now=NOTICE_DAY) -> list[Task]:
    return services.ask_for_recertifications(now=now, programs=[world.program])


def _asked() -> list[Task]:
    return list(Task.objects.filter(kind=services.RECERTIFY_KIND).order_by("pk"))


@pytest.fixture
def on_medicare(world):
    cover(world, world.episode, medicare(world))
    return world


def test_a_certification_ending_within_14_days_asks_its_physician(on_medicare):
    world = on_medicare
    certification = certify(world, date(2026, 10, 1))  # in force until Thu 31 Dec 2026
    assert _ask(world, NOTICE_DAY - timedelta(days=1)) == []

    [task] = _ask(world)

    assert task.owner == world.users["prescriber"]
    assert task.participant == world.participant
    assert task.due_on == date(2026, 12, 31) == certification.in_force_until
    assert task.source_id == str(certification.public_id)
    assert task.status == TaskStatus.OPEN
    assert "Thu 1 Oct 2026" in task.detail and "Thu 31 Dec 2026" in task.detail


def test_one_task_per_certification_however_often_the_job_runs(on_medicare):
    world = on_medicare
    certify(world, date(2026, 10, 1))
    [task] = _ask(world)
    assert _ask(world, NOTICE_DAY + timedelta(days=1)) == []
    complete_task(task, by=world.users["prescriber"], note="On paper, entering later")
    assert _ask(world, NOTICE_DAY + timedelta(days=2)) == []
    assert len(_asked()) == 1


def test_a_lapsed_certification_asks_while_the_stay_is_in_care(on_medicare):
    world = on_medicare
    certify(world, date(2026, 9, 10))  # in force until Mon 30 Nov 2026
    [task] = _ask(world, datetime(2026, 12, 1, 9, 0, tzinfo=ZONE))
    assert task.due_on == date(2026, 11, 30)


def test_only_the_stays_latest_certification_is_read(on_medicare):
    world = on_medicare
    certify(world, date(2026, 9, 10))
    certify(world, date(2026, 11, 20))  # in force until 31 January 2027
    assert _ask(world, datetime(2026, 12, 1, 9, 0, tzinfo=ZONE)) == []


def test_no_task_without_medicare_coverage_in_force_or_out_of_care(world):
    cover(world, world.episode, payer(world))
    certify(world, date(2026, 10, 1))
    assert _ask(world) == []
    by_medicare = medicare(world)
    cover(world, world.episode, by_medicare, ends_on=date(2026, 12, 16))
    assert _ask(world) == []
    cover(world, world.episode, by_medicare, starts_on=date(2026, 12, 17))
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 12, 10)
    )
    assert _ask(world) == []
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.ACTIVE, discharged_on=None
    )
    assert len(_ask(world)) == 1


def test_the_primary_clinician_is_asked_when_the_physician_has_left(on_medicare):
    world = on_medicare
    certify(world, date(2026, 10, 1))
    place = CareTeamMember.objects.get(episode=world.episode, user=world.users["prescriber"])
    end_care_team_membership(
        place, by=world.users["director"], reason="Left the program", expected_version=place.version
    )

    [task] = _ask(world)

    assert task.owner == world.users["therapist"]


def test_a_new_certification_closes_the_task(on_medicare):
    world = on_medicare
    certify(world, date(2026, 10, 1))
    [task] = _ask(world)

    with time_machine.travel(NOTICE_DAY, tick=False):
        services.add_certification(
            world.participant,
            by=world.users["prescriber"],
            episode=world.episode,
            physician=world.users["prescriber"],
            certified_on=date(2026, 12, 17),
            needs_nine_hours=True,
            through=Scope.CLINICAL,
        )

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.closed_by == world.users["prescriber"]
    assert task.close_note == "Recertified on Thu 17 Dec 2026, in force until Sun 28 Feb 2027."
    assert _ask(world) == []


def test_a_certification_of_the_same_month_leaves_the_task_open(on_medicare):
    """It ends the same day as the one the task is about, so the need stands."""
    world = on_medicare
    certify(world, date(2026, 10, 1))
    [task] = _ask(world)
    certify(world, date(2026, 10, 20))
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_the_daily_job_asks_at_the_programs_morning(on_medicare, run_tasks):
    world = on_medicare
    certify(world, date(2026, 10, 1))
    with time_machine.travel(NOTICE_DAY, tick=False):
        assert recertifications_due.call(NOTICE_DAY.isoformat()) == 1
        assert recertifications_due.call((NOTICE_DAY + timedelta(hours=1)).isoformat()) == 0
    [task] = _asked()
    assert task.created_by is None


def test_withdrawing_the_certification_cancels_its_task(on_medicare):
    world = on_medicare
    certification = certify(world, date(2026, 10, 1))
    [task] = _ask(world)
    services.mark_certification_in_error(
        certification, by=world.users["director"], reason="Recorded for the wrong participant"
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    [first] = _ask(world)  # no certification of the stay stands: its first is asked for
    assert first.kind == services.CERTIFY_KIND


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_certified_before_reads_certified_until_backwards(year):
    day = date(year, 1, 1)
    while day.year == year:
        limit = certified_before(day)
        assert certified_until(limit - timedelta(days=1)) <= day < certified_until(limit)
        day += timedelta(days=1)


def test_the_oversight_is_asked_when_no_one_on_the_team_can_be(on_medicare):
    world = on_medicare
    certify(world, date(2026, 10, 1))
    for name in ("prescriber", "therapist"):  # the physician and the primary clinician left
        world.users[name].is_active = False
        world.users[name].save(update_fields=["is_active"])

    [task] = _ask(world)

    assert task.owner in (world.users["director"], world.users["supervisor"])
    assert "came to the program's oversight" in task.detail
