"""A task belongs to someone who can act on it: once a day, the open tasks whose owner can no
longer open the participant's record (their account closed, their role in the organization
ended) go back to the holder of the task's care-team role, else the primary clinician."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Membership, Role
from audit.models import AuditEvent
from participants.models import CareTeamRole, Program
from worklist.models import Task, TaskStatus
from worklist.services import create_task
from worklist.tests.conftest import DUE

pytestmark = pytest.mark.django_db


def _task(world, owner, role=""):
    return create_task(
        title="Check the appointment at the food bank happened",
        due_on=DUE,
        participant=world.participant,
        owner=None if role else owner,
        owner_role=role,
        by=world.director,
    )


def _successor(task) -> Task:
    return Task.objects.get(handed_over_from=task)


def test_a_task_of_someone_whose_role_ended_goes_to_the_primary_clinician(world, run_tasks, login):
    from tandem.tasks import enqueue_after_commit
    from worklist import tasks

    task = _task(world, world.casemanager, role=CareTeamRole.CASE_MANAGER)
    kept = _task(world, world.counsellor)
    Membership.objects.filter(user=world.casemanager).update(is_active=False)

    then = datetime(2026, 11, 16, 6, 0, tzinfo=ZoneInfo("America/Chicago"))
    with time_machine.travel(then, tick=False):
        enqueue_after_commit(tasks.return_tasks_out_of_reach, then.isoformat())
        run_tasks()

    old = Task.objects.get(pk=task.pk)
    assert (old.status, old.closed_by) == (TaskStatus.HANDED_OVER, None)
    successor = _successor(old)
    assert (successor.owner, successor.owner_role, successor.status) == (
        world.therapist,
        CareTeamRole.PRIMARY_CLINICIAN,
        TaskStatus.OPEN,
    )
    assert Task.objects.get(pk=kept.pk).status == TaskStatus.OPEN
    event = AuditEvent.objects.get(event_type="worklist.task_handed_over")
    assert (event.actor, event.participant) == (None, world.participant)
    page = login(world.director).get(f"/tasks/{old.public_id}/").content.decode()
    assert "by the program" in page


def test_a_closed_account_s_task_goes_to_whoever_holds_its_care_team_role(world):
    """A peer-support task the nurse covered goes back to the peer specialist when the
    nurse's account is closed; a task only the closed account's holder could take stays."""
    from worklist.services import return_tasks_out_of_reach

    covered = _task(world, world.nurse)
    Task.objects.filter(pk=covered.pk).update(owner_role=CareTeamRole.PEER)
    world.nurse.is_active = False
    world.nurse.save(update_fields=["is_active"])

    [successor] = return_tasks_out_of_reach()

    assert successor.handed_over_from.pk == covered.pk
    assert (successor.owner, successor.owner_role) == (world.peer, CareTeamRole.PEER)


def test_a_task_no_one_on_the_care_team_can_take_stays_for_the_overdue_board(world):
    from worklist.services import return_tasks_out_of_reach

    task = _task(world, world.therapist)  # the primary clinician's own
    world.therapist.is_active = False
    world.therapist.save(update_fields=["is_active"])

    assert return_tasks_out_of_reach() == []
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN


def test_the_task_list_says_how_many_of_its_tasks_it_leaves_out_until_they_go_back(world, login):
    """Before the daily return, the task list of someone whose role ended leaves out the
    tasks about that organization's participants and says so, rather than reading
    'You have no open task' with tasks still in their name."""
    _task(world, world.casemanager)
    _task(world, world.casemanager)
    Membership.objects.filter(user=world.casemanager, organization=world.org).update(
        is_active=False
    )
    elsewhere = Program.objects.get(name="Other IOP").organization
    Membership.objects.create(
        user=world.casemanager, organization=elsewhere, role=Role.CASE_MANAGER
    )

    page = login(world.casemanager).get("/tasks/").content.decode()

    assert "You have no open task" not in page
    assert "2 tasks on this page are about people whose records you can no longer open" in page
    assert "Check the appointment" not in page
