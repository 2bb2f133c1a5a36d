"""Delayed work after discharge: each task takes plain ids and does nothing when the row has
moved on (answered, called, opted out) since it was queued."""

from datetime import date, timedelta

from django.utils import timezone
from django_tasks import task

from discharge import followups
from discharge.models import Aftercare, AppointmentKept
from participants.models import CareTeamRole
from worklist.services import create_task_for_first

# The worklist task kind asking whether the first aftercare appointment happened.
FIRST_APPOINTMENT = "aftercare_first_appointment"


@task()
def send_follow_up(follow_up_id: int) -> None:
    """A follow-up day has come: send the outcomes questionnaire."""
    followups.send(follow_up_id, now=timezone.now())


@task()
def check_unanswered(follow_up_id: int) -> None:
    """Days after sending with no answer: put the follow-up on the staff call list."""
    followups.check_unanswered(follow_up_id)


@task()
def check_first_appointment(aftercare_id: int, appointment_on: str) -> None:
    """The day after the first aftercare appointment: a task for the discharging clinician
    (else the primary clinician, else the program's oversight) asking whether it happened,
    unless the answer is in or the appointment moved (its own
    check was queued then)."""
    plan = Aftercare.objects.select_related("discharge", "participant").get(pk=aftercare_id)
    if plan.first_appointment_kept != AppointmentKept.UNKNOWN:
        return
    if plan.first_appointment_on != date.fromisoformat(appointment_on):
        return
    create_task_for_first(
        [plan.discharge.decided_by, CareTeamRole.PRIMARY_CLINICIAN],
        title="Did the first aftercare appointment happen? Record it on the aftercare plan.",
        due_on=plan.first_appointment_on + timedelta(days=1),
        by=None,
        participant=plan.participant,
        source=plan,
        kind=FIRST_APPOINTMENT,
    )
