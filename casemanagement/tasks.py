"""Delayed work of case management: the check that a referral's appointment happened."""

from django_tasks import task

from casemanagement.models import ReferralStatus, ResourceReferral
from casemanagement.services import VERIFY_KIND, program_of
from participants.models import CareTeamRole
from tandem.templatetags.clock import day
from worklist.services import create_task_for_first


@task()
def verify_referral(referral_id: int) -> None:
    """On the check day, give the referral's owner a task: did they get there?

    A referral rescheduled since this job was queued waits for its own later job; one already
    closed needs no check. When the owner has left the care team the task goes to the case
    manager, else to the primary clinician, else to the program's oversight.
    """
    referral = ResourceReferral.objects.select_related(
        "participant", "resource", "owner", "episode__program"
    ).get(pk=referral_id)
    if referral.status != ReferralStatus.APPOINTMENT_SET or referral.verify_on is None:
        return
    program = program_of(referral)
    if program is not None and program.today() < referral.verify_on:
        return
    create_task_for_first(
        [referral.owner, CareTeamRole.CASE_MANAGER, CareTeamRole.PRIMARY_CLINICIAN],
        participant=referral.participant,
        title=f"Check whether the appointment at {referral.resource.name} happened",
        due_on=referral.verify_on,
        source=referral,
        kind=VERIFY_KIND,
        by=None,
        detail=f"Appointment on {day(referral.appointment_on)}. "
        "Record attended or not on the Case management tab.",
    )
