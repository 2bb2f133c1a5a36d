"""A task belongs to someone who can act on it: once a day, the open tasks whose owner can no
longer open the participant's record (their account closed, their role in the organization
ended) go back to the holder of the task's care-team role, else the primary clinician."""

from contextlib import nullcontext
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import AuditEvent
from audit.selectors import sentence
from monitoring.models import Alert
from monitoring.services import raise_alert
from participants.access import decisions_for_one_request
from participants.models import CareTeamMember, CareTeamRole, Program
from participants.services import end_care_team_membership
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


def _queries_of_the_return(remembering: bool) -> int:
    """The queries of one daily return, everything it wrote undone afterwards, but for its
    audit event's append: that costs a statement more on PostgreSQL after an undo moved the
    chain's head back from where this process last left it."""
    from worklist.services import return_tasks_out_of_reach

    remembered = decisions_for_one_request() if remembering else nullcontext()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, remembered:
            assert len(return_tasks_out_of_reach()) == 1
        transaction.set_rollback(True)
    return sum("audit_" not in query["sql"] for query in queries.captured_queries)


def test_the_daily_return_asks_once_whether_the_one_taking_a_task_back_may_own_it(world):
    """Handing a task back asks the policy about its new owner once, while choosing them: the
    decisions a request remembers would save the return nothing."""
    _task(world, world.casemanager, role=CareTeamRole.CASE_MANAGER)
    Membership.objects.filter(user=world.casemanager).update(is_active=False)

    assert _queries_of_the_return(remembering=False) == _queries_of_the_return(remembering=True)


def _primary_gone(world) -> None:
    world.therapist.is_active = False
    world.therapist.save(update_fields=["is_active"])


def test_a_task_no_one_on_the_care_team_can_take_goes_on_the_oversights_list(world, login):
    """The owner's account closed and they were the primary clinician: no one on the team can
    take their task back, so it stays open in their name and the directors and supervisors
    see it as work without an owner who can reach it, on their home and the overdue board,
    until one of them hands it to someone."""
    from worklist.services import hand_over, return_tasks_out_of_reach

    task = _task(world, world.therapist)  # the primary clinician's own
    _primary_gone(world)

    assert return_tasks_out_of_reach() == []
    assert return_tasks_out_of_reach() == []

    left = Task.objects.get(pk=task.pk)
    assert left.status == TaskStatus.OPEN and left.out_of_reach_since is not None
    [event] = AuditEvent.objects.filter(event_type="worklist.task_out_of_reach")
    assert (event.actor, event.participant, event.record_id) == (
        None,
        world.participant,
        str(task.public_id),
    )
    assert sentence(event) == (
        "Tandem put a task on the list of work without an owner who can reach it, as no one"
        " on the care team could take it over"
    )
    client = login(world.director)
    home = client.get(reverse("home")).content.decode()
    assert "1 without an owner who can reach it" in home
    board = client.get(reverse("worklist:overdue")).content.decode()
    assert "Work without an owner who can reach it" in board
    assert f"/tasks/{task.public_id}/" in board
    viewed = AuditEvent.objects.filter(event_type="worklist.overdue_viewed").latest()
    assert viewed.details["tasks"] == [str(task.public_id)]
    assert viewed.details["participants"] == [str(world.participant.public_id)]

    hand_over(left, by=world.director, to=world.supervisor)

    board = client.get(reverse("worklist:overdue")).content.decode()
    assert "Work without an owner who can reach it" not in board
    assert "without an owner who can reach" not in client.get(reverse("home")).content.decode()


def _overdue_panel(client) -> str:
    home = client.get(reverse("home")).content.decode()
    start = home.index('aria-labelledby="overdue-heading"')
    return home[start : home.index("</section>", start)]


def test_the_home_panel_names_tasks_needing_an_owner_when_none_is_overdue(world, login):
    """Before its due date a task no one can take back is not overdue: the director's panel
    is headed by the tasks needing an owner, never an overdue count of nought."""
    from worklist.services import return_tasks_out_of_reach

    with time_machine.travel(datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        _task(world, world.therapist)
        _primary_gone(world)
        return_tasks_out_of_reach()
        panel = _overdue_panel(login(world.director))
    assert "Tasks needing an owner (1)" in panel
    assert "could take it back. No task is overdue." in panel
    assert "Overdue tasks" not in panel
    assert "See the tasks needing an owner" in panel


def test_the_home_panel_counts_overdue_tasks_and_those_needing_an_owner(world, login):
    from worklist.services import return_tasks_out_of_reach

    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        _task(world, world.therapist)
        _primary_gone(world)
        return_tasks_out_of_reach()
        panel = _overdue_panel(login(world.director))
    assert "Overdue tasks (1)" in panel
    assert "1 without an owner who can reach it" in panel
    assert "Tasks needing an owner" not in panel


def test_an_owner_who_can_reach_the_record_again_leaves_the_list(world, login):
    task = _task(world, world.therapist)
    _primary_gone(world)
    from worklist.services import return_tasks_out_of_reach

    return_tasks_out_of_reach()
    world.therapist.is_active = True
    world.therapist.save(update_fields=["is_active"])
    return_tasks_out_of_reach()

    assert Task.objects.get(pk=task.pk).out_of_reach_since is None
    board = login(world.director).get(reverse("worklist:overdue")).content.decode()
    assert "Work without an owner who can reach it" not in board


def test_a_task_leaving_the_list_because_its_owner_reaches_the_record_again_is_audited(world):
    """Taking a task off the oversight's list is in the trail as putting it on is: one event
    per task, by the program, naming the participant, and none when a later return finds
    nothing to take off."""
    from worklist.services import return_tasks_out_of_reach

    tasks = [_task(world, world.therapist), _task(world, world.therapist)]
    _primary_gone(world)
    return_tasks_out_of_reach()
    world.therapist.is_active = True
    world.therapist.save(update_fields=["is_active"])

    return_tasks_out_of_reach()
    return_tasks_out_of_reach()

    events = AuditEvent.objects.filter(event_type="worklist.task_back_in_reach").order_by("pk")
    assert [(e.actor, e.participant, e.record_id) for e in events] == [
        (None, world.participant, str(t.public_id)) for t in tasks
    ]
    assert {e.details["owner"] for e in events} == {world.therapist.pk}
    assert sentence(events[0]) == (
        "Tandem took a task off the list of work without an owner who can reach it, as its"
        " owner could open the record again"
    )


def test_work_left_by_someone_taken_off_the_team_that_no_one_there_can_take(world, login):
    """Taken off the care team by hand while the primary clinician's account is closed: their
    task goes on the oversight's list in the same write, and their alert to the program's
    oversight, who may take it over, instead of staying with someone who no longer sees it."""
    task = _task(world, world.peer)
    alert = raise_alert(
        world.participant,
        kind="manual",
        severity="high",
        title="Missed two days",
        assign_to=[world.peer],
    )
    _primary_gone(world)
    peer = CareTeamMember.objects.get(episode=world.episode, user=world.peer)

    end_care_team_membership(
        peer, by=world.director, reason="Moved to another program.", expected_version=1
    )

    left = Task.objects.get(pk=task.pk)
    assert (left.owner, left.status) == (world.peer, TaskStatus.OPEN)
    assert left.out_of_reach_since is not None
    event = AuditEvent.objects.get(event_type="worklist.task_out_of_reach")
    assert event.actor == world.director
    assigned = set(Alert.objects.get(pk=alert.pk).assigned_to.all())
    assert assigned == {world.director, world.supervisor}
    moved = AuditEvent.objects.get(event_type="alert.reassigned")
    assert "the program's oversight has it" in moved.details["reason"]
    home = login(world.supervisor).get(reverse("home")).content.decode()
    assert "1 without an owner who can reach it" in home


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
    assert "2 of your open tasks are about people whose records you can no longer open" in page
    assert "Check the appointment" not in page


def test_someone_taken_off_the_team_who_still_opens_the_record_keeps_it_off_the_list(world):
    """A supervisor who stood in as case manager still opens the record as the program's
    oversight: a task no one on the team can take stays theirs, not work without an owner."""
    from participants.services import add_care_team_member

    place = add_care_team_member(
        world.episode, user=world.supervisor, role=CareTeamRole.CASE_MANAGER, by=world.director
    )
    task = _task(world, world.supervisor)
    _primary_gone(world)

    end_care_team_membership(
        place, by=world.director, reason="The new case manager starts.", expected_version=1
    )

    kept = Task.objects.get(pk=task.pk)
    assert (kept.owner, kept.status, kept.out_of_reach_since) == (
        world.supervisor,
        TaskStatus.OPEN,
        None,
    )
    assert not AuditEvent.objects.filter(event_type="worklist.task_out_of_reach").exists()
