"""A task belongs to someone who can open the record: when the primary clinician is
replaced and leaves the care team, their open tasks about the participant go to the new one."""

import pytest

from audit.models import AuditEvent
from participants.models import CareTeamRole
from participants.services import add_care_team_member
from worklist.models import Task, TaskStatus
from worklist.services import create_task
from worklist.tests.conftest import DUE

pytestmark = pytest.mark.django_db


def _task(world, owner, title="Check the appointment at the food bank happened"):
    return create_task(
        title=title, due_on=DUE, participant=world.participant, owner=owner, by=world.director
    )


def test_the_replaced_primary_clinician_s_open_tasks_go_to_the_new_one(world, task):
    theirs = _task(world, world.therapist)

    add_care_team_member(
        world.episode,
        user=world.outsider,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        by=world.director,
        replaces=world.therapist,
    )

    old = Task.objects.get(pk=theirs.pk)
    assert old.status == TaskStatus.HANDED_OVER
    successor = Task.objects.get(handed_over_from=old)
    assert (successor.owner, successor.title, successor.status) == (
        world.outsider,
        theirs.title,
        TaskStatus.OPEN,
    )
    assert not Task.objects.filter(owner=world.therapist, status=TaskStatus.OPEN).exists()
    assert Task.objects.get(pk=task.pk).owner == world.casemanager  # still on the team
    event = AuditEvent.objects.get(event_type="worklist.task_handed_over")
    assert (event.actor, event.participant) == (world.director, world.participant)


def test_a_replaced_primary_clinician_still_on_the_team_keeps_their_tasks(world):
    add_care_team_member(
        world.episode, user=world.therapist, role=CareTeamRole.THERAPIST, by=world.director
    )
    theirs = _task(world, world.therapist)

    add_care_team_member(
        world.episode,
        user=world.outsider,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        by=world.director,
        replaces=world.therapist,
    )

    assert Task.objects.get(pk=theirs.pk).owner == world.therapist
    assert Task.objects.get(pk=theirs.pk).status == TaskStatus.OPEN
