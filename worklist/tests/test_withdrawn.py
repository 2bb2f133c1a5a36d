"""A record entered in error leaves every list: the open tasks about it, or made from it,
end cancelled with the reason, in the withdrawal's own transaction."""

import pytest

from assessments import services as assessments
from assessments.models import Mode
from audit.models import AuditEvent
from participants.services import mark_entered_in_error
from worklist.models import Task, TaskStatus
from worklist.services import create_task
from worklist.tests.conftest import DUE

pytestmark = pytest.mark.django_db

PHQ9_CALM = {str(i): 0 for i in range(1, 10)}


def test_a_participant_entered_in_error_leaves_their_tasks_cancelled(world, task):
    """The front desk may withdraw a duplicate record, though it may not close clinical tasks
    itself: the withdrawal's decision stands for the cancellation."""
    done = create_task(
        title="Done already",
        due_on=DUE,
        participant=world.participant,
        owner=world.casemanager,
        by=world.therapist,
    )
    Task.objects.filter(pk=done.pk).update(
        status=TaskStatus.DONE, closed_by=world.therapist, closed_at=done.created_at
    )

    mark_entered_in_error(world.participant, by=world.frontdesk, reason="Duplicate of T-000099")

    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert "Duplicate of T-000099" in task.close_note
    assert (task.closed_by, task.version) == (world.frontdesk, 2)
    assert Task.objects.get(pk=done.pk).status == TaskStatus.DONE
    assert not Task.objects.filter(owner=world.casemanager, status=TaskStatus.OPEN).exists()
    event = AuditEvent.objects.get(event_type="worklist.task_cancelled")
    assert (event.participant, event.record_id) == (world.participant, str(task.public_id))


def test_a_task_made_from_a_record_entered_in_error_is_cancelled(world, task):
    administration = assessments.record_administration(
        world.participant,
        code="phq-9",
        answers=PHQ9_CALM,
        mode=Mode.STAFF_ENTERED,
        by=world.therapist,
    )
    from_it = create_task(
        title="Go over the PHQ-9",
        due_on=DUE,
        participant=world.participant,
        owner=world.casemanager,
        source=administration,
        kind="phq9.review",
        by=world.therapist,
    )

    assessments.mark_entered_in_error(administration, by=world.therapist, reason="Wrong person")

    assert Task.objects.get(pk=from_it.pk).status == TaskStatus.CANCELLED
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
