from datetime import date

import pytest

from audit.models import AuditEvent, Outcome
from participants.models import CareTeamRole
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from worklist import selectors
from worklist.models import Task, TaskStatus
from worklist.services import (
    cancel_task,
    complete_task,
    create_task,
    hand_over,
    hand_over_or_cancel_for_participant,
)
from worklist.tests.conftest import DUE

pytestmark = pytest.mark.django_db


def test_a_care_team_role_resolves_to_the_person_holding_it(world):
    task = create_task(
        title="Check the referral",
        due_on=DUE,
        participant=world.participant,
        owner_role=CareTeamRole.CASE_MANAGER,
        by=world.therapist,
    )
    assert task.owner == world.casemanager
    assert task.owner_role == CareTeamRole.CASE_MANAGER
    event = AuditEvent.objects.get(event_type="worklist.task_created")
    assert event.participant == world.participant
    assert event.outcome == Outcome.ALLOWED


def test_a_role_no_one_holds_is_refused_and_nothing_is_written(world):
    with pytest.raises(InvalidInput) as exc:
        create_task(
            title="Intake call",
            due_on=DUE,
            participant=world.participant,
            owner_role=CareTeamRole.INTAKE,
            by=world.therapist,
        )
    assert exc.value.field == "owner"
    assert not Task.objects.exists()


def test_someone_outside_the_care_team_cannot_make_a_task_about_the_participant(world):
    with pytest.raises(AccessDenied):
        create_task(
            title="Snooping",
            due_on=DUE,
            participant=world.participant,
            owner=world.outsider,
            by=world.outsider,
        )
    assert not Task.objects.exists()
    assert AuditEvent.objects.filter(outcome=Outcome.REFUSED).exists()


def test_the_owner_must_be_able_to_open_the_record(world):
    with pytest.raises(InvalidInput) as exc:
        create_task(
            title="Call",
            due_on=DUE,
            participant=world.participant,
            owner=world.outsider,
            by=world.therapist,
        )
    assert exc.value.field == "owner"
    with pytest.raises(InvalidInput):
        create_task(
            title="Call",
            due_on=DUE,
            participant=world.participant,
            owner=world.stranger,
            by=world.therapist,
        )


def test_bad_input_names_the_field(world):
    with pytest.raises(InvalidInput) as exc:
        create_task(
            title="",
            due_on=DUE,
            participant=world.participant,
            owner=world.therapist,
            by=world.therapist,
        )
    assert exc.value.field == "title"
    with pytest.raises(InvalidInput) as exc:
        create_task(
            title="Call",
            due_on=date(1800, 1, 1),
            participant=world.participant,
            owner=world.therapist,
            by=world.therapist,
        )
    assert exc.value.field == "due_on"
    assert not Task.objects.exists()


def test_one_open_task_per_source_and_kind(world):
    first = create_task(
        title="Verify",
        due_on=DUE,
        participant=world.participant,
        owner=world.casemanager,
        source=world.episode,
        kind="episode.check",
        by=None,
    )
    again = create_task(
        title="Verify",
        due_on=DUE,
        participant=world.participant,
        owner=world.casemanager,
        source=world.episode,
        kind="episode.check",
        by=None,
    )
    assert again.pk == first.pk
    assert selectors.tasks_for_source(world.episode) == [first]


def test_complete_says_who_and_when(world, task):
    done = complete_task(task, by=world.casemanager, note="Pass mailed", expected_version=1)
    assert done.status == TaskStatus.DONE
    assert done.closed_by == world.casemanager
    assert done.closed_at is not None
    assert done.version == 2
    with pytest.raises(InvalidInput):
        complete_task(task, by=world.casemanager)


def test_a_stale_version_is_a_concurrent_edit(world, task):
    with pytest.raises(ConcurrentEdit):
        complete_task(task, by=world.casemanager, expected_version=7)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_cancel_needs_a_reason(world, task):
    with pytest.raises(InvalidInput) as exc:
        cancel_task(task, by=world.casemanager, reason=" ")
    assert exc.value.field == "reason"
    cancelled = cancel_task(task, by=world.casemanager, reason="Got a ride from family")
    assert cancelled.status == TaskStatus.CANCELLED
    assert cancelled.close_note == "Got a ride from family"


def test_outsiders_cannot_close_a_task(world, task):
    with pytest.raises(AccessDenied):
        complete_task(task, by=world.outsider)
    with pytest.raises(AccessDenied):
        complete_task(task, by=world.frontdesk)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_hand_over_ends_the_old_task_and_opens_a_new_one(world, task):
    new = hand_over(task, by=world.supervisor, to=world.peer, note="Peer knows the route")
    task.refresh_from_db()
    assert task.status == TaskStatus.HANDED_OVER
    assert task.closed_by == world.supervisor
    assert task.handed_over_to == new
    assert new.owner == world.peer
    assert new.is_open
    assert new.title == task.title
    with pytest.raises(InvalidInput):
        hand_over(new, by=world.supervisor, to=world.peer)


def test_hand_over_to_a_role(world, task):
    new = hand_over(task, by=world.therapist, to_role=CareTeamRole.PEER)
    assert new.owner == world.peer


def test_discharge_closes_or_hands_over_every_open_task(world, task):
    other = create_task(
        title="Check the benefits letter",
        due_on=DUE,
        participant=world.participant,
        owner=world.therapist,
        by=world.therapist,
    )
    ended = hand_over_or_cancel_for_participant(
        world.participant, by=world.therapist, reason="Discharged", to=world.therapist
    )
    assert {t.owner for t in ended} == {world.therapist}
    task.refresh_from_db()
    other.refresh_from_db()
    assert task.status == TaskStatus.HANDED_OVER
    assert other.status == TaskStatus.CANCELLED
    assert [t.owner for t in selectors.open_tasks_for_participant(world.participant)] == [
        world.therapist
    ]


def test_a_program_task_without_a_participant(world):
    task = create_task(
        title="Update the resource directory",
        due_on=DUE,
        organization=world.org,
        owner=world.casemanager,
        by=world.director,
    )
    with pytest.raises(AccessDenied):
        complete_task(task, by=world.therapist)
    with pytest.raises(AccessDenied):
        complete_task(task, by=world.stranger)
    assert complete_task(task, by=world.casemanager).status == TaskStatus.DONE


def test_my_tasks_overdue_first(world, task):
    later = create_task(
        title="Later",
        due_on=date(2026, 12, 1),
        participant=world.participant,
        owner=world.casemanager,
        by=world.therapist,
    )
    own = selectors.own_open_tasks(world.casemanager)
    tasks = selectors.mark_overdue(selectors.tasks_in_order(own.reachable), date(2026, 11, 25))
    assert tasks == [task, later]
    assert [t.overdue for t in tasks] == [True, False]
    board = selectors.overdue_board(world.supervisor, today=date(2026, 11, 25))
    owner = world.casemanager.get_full_name() or world.casemanager.username
    assert board.by_owner == [(owner, 1)]
    assert board.total == 1
    assert selectors.overdue_board(world.therapist, today=date(2026, 11, 25)).by_owner == []
    assert selectors.overdue_board(world.stranger, today=date(2026, 11, 25)).by_owner == []
