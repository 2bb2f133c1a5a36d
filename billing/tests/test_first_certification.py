"""A Medicare stay in care with no physician's certification recorded: every one of its
service days is held from billing until one is, so the primary clinician is asked for it on
the worklist, and the certification closes the task."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from billing import services
from billing.tests.builders import cover, payer
from billing.tests.test_medicare_iop import certify, medicare
from participants.models import Episode, EpisodeStatus
from worklist.models import Task, TaskStatus
from worklist.services import complete_task

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/Chicago")
MORNING = datetime(2026, 12, 1, 9, 0, tzinfo=ZONE)


def _ask(world, now=MORNING) -> list[Task]:
    return [
        task
        for task in services.ask_for_recertifications(now=now, programs=[world.program])
        if task.kind == services.CERTIFY_KIND
    ]


def test_a_medicare_stay_never_certified_asks_its_primary_clinician(world):
    cover(world, world.episode, medicare(world))

    [task] = _ask(world)

    assert task.owner == world.users["therapist"]
    assert task.participant == world.participant
    assert task.source_type == "participants.Episode"
    assert task.source_id == str(world.episode.public_id)
    assert task.due_on == date(2026, 9, 8)  # admitted and covered that day
    assert task.title == "Have a physician certify the Medicare IOP need (9 hours a week)"
    assert "service days are held" in task.detail


def test_it_is_due_from_the_day_medicare_began_to_cover_the_stay(world):
    cover(world, world.episode, medicare(world), starts_on=date(2026, 11, 2))

    [task] = _ask(world)

    assert task.due_on == date(2026, 11, 2)


def test_one_task_per_stay_however_often_the_job_runs_or_if_closed_by_hand(world):
    cover(world, world.episode, medicare(world))
    [task] = _ask(world)
    assert _ask(world, MORNING + timedelta(days=1)) == []
    complete_task(task, by=world.users["therapist"], note="Asked Dr Okafor in person")
    assert _ask(world, MORNING + timedelta(days=2)) == []


def test_the_certification_closes_the_task(world):
    cover(world, world.episode, medicare(world))
    [task] = _ask(world)

    certify(world, date(2026, 12, 1))

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.closed_by == world.users["director"]
    assert task.close_note == "Certified on Tue 1 Dec 2026, in force until Sun 28 Feb 2027."
    assert _ask(world, MORNING + timedelta(days=1)) == []


def test_no_task_for_a_certified_stay_another_payer_or_a_stay_out_of_care(world):
    cover(world, world.episode, payer(world))
    assert _ask(world) == []
    cover(world, world.episode, medicare(world))
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.DISCHARGED, discharged_on=date(2026, 11, 20)
    )
    assert _ask(world) == []
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.ACTIVE, discharged_on=None
    )
    certify(world, date(2026, 11, 2))
    assert _ask(world) == []
