"""A background job's task goes to the first person who can own it, and when no one on the
care team can, to the program's oversight to hand on: never to no one, and one person's
leaving never stops a job."""

from datetime import date

import pytest

from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from participants.models import CareTeamRole
from tandem.errors import InvalidInput
from worklist.models import Task, TaskStatus
from worklist.services import NO_ONE_ON_THE_TEAM, create_task, create_task_for_first

pytestmark = pytest.mark.django_db

DUE = date(2026, 11, 20)


def _ask(world, owners, due_on: date = DUE) -> Task | None:
    return create_task_for_first(
        owners,
        participant=world.participant,
        title="Check the appointment",
        due_on=due_on,
        by=None,
        kind="test.job",
        source=world.episode,
        detail="Appointment on Thu 19 Nov 2026.",
    )


def _leave(*users: User) -> None:
    """Staff who left the program: their accounts closed."""
    User.objects.filter(pk__in=[u.pk for u in users]).update(is_active=False)
    for user in users:
        user.refresh_from_db()


def test_the_first_who_can_own_it_gets_it(world):
    task = _ask(world, [world.casemanager, CareTeamRole.PRIMARY_CLINICIAN])
    assert task is not None and task.owner == world.casemanager
    assert task.detail == "Appointment on Thu 19 Nov 2026."


def test_a_role_stands_for_whoever_holds_it_and_one_who_left_is_passed_over(world):
    _leave(world.casemanager)
    task = _ask(world, [None, world.casemanager, CareTeamRole.PRIMARY_CLINICIAN])
    assert task is not None
    assert (task.owner, task.owner_role) == (world.therapist, CareTeamRole.PRIMARY_CLINICIAN)


def test_with_no_one_on_the_team_it_goes_to_the_least_busy_overseer_saying_why(world):
    _leave(world.therapist)  # the primary clinician, on the team and named on the stay
    for _ in range(2):
        create_task(
            title="Sign the week's group notes",
            due_on=DUE,
            participant=world.participant,
            owner=world.supervisor,
            by=world.director,
        )

    task = _ask(world, [CareTeamRole.PRIMARY_CLINICIAN])

    assert task is not None and task.owner == world.director
    assert task.detail == f"Appointment on Thu 19 Nov 2026. {NO_ONE_ON_THE_TEAM}"
    assert task.status == TaskStatus.OPEN and task.created_by is None
    event = AuditEvent.objects.get(event_type="worklist.task_created", record_id=task.public_id)
    assert event.details["owner"] == world.director.pk


def test_with_no_one_overseeing_either_nothing_is_opened_and_the_trail_says_so(world):
    _leave(world.therapist)
    Membership.objects.filter(
        organization=world.org, role__in=[Role.DIRECTOR, Role.SUPERVISOR]
    ).update(is_active=False)

    assert _ask(world, [CareTeamRole.PRIMARY_CLINICIAN]) is None

    assert not Task.objects.filter(kind="test.job").exists()
    event = AuditEvent.objects.get(event_type="worklist.task_without_owner")
    assert event.participant_id == world.participant.pk
    assert event.details["kind"] == "test.job"


def test_input_the_owner_does_not_explain_is_still_refused(world):
    with pytest.raises(InvalidInput) as refused:
        _ask(world, [world.casemanager], due_on=date(1800, 1, 1))
    assert refused.value.field == "due_on"
    assert not Task.objects.filter(kind="test.job").exists()
