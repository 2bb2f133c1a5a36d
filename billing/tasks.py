"""Background work of billing: the daily look for Medicare IOP certifications to renew."""

from django_tasks import task

from accounts.mornings import work_each_morning
from tandem.tasks import again_next_hour


@task()
def recertifications_due(then: str = "") -> int:
    """Ask for the recertifications due at each program's morning hour, as of `then` (ISO
    time; now when empty): the job ticks every hour, the next tick queued first (a daily job:
    `manage.py start_daily_jobs` starts it), and works each program once a program day, so
    the physician finds the task when the day starts."""
    from billing.services import ask_for_recertifications

    now = again_next_hour(recertifications_due, then)
    return sum(
        work_each_morning(
            recertifications_due.module_path,
            now,
            lambda program: len(ask_for_recertifications(now=now, programs=[program])),
        )
    )
