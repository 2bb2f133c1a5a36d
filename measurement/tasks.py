"""Measurement's background work: the daily run at each program's morning (reminders for what
is due, and the not-on-track review), a reminder that reached nobody sent again, and rewriting
a program's stored due moments after its schedule changed."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import Program
from accounts.mornings import work_each_morning
from measurement import next_due
from tandem.tasks import again_next_hour


@task()
def daily(then: str = "") -> dict:
    """Send reminders and look for participants not on track, at each program's morning hour
    of its own day, as of `then` (ISO; now when empty): the job ticks every hour, the next
    tick queued first (a daily job: `manage.py start_daily_jobs` starts it), and works for
    each program once a program day, so nobody gets a reminder at 3 am in their time zone.
    A day worked late (the chain started, or the worker back, in the evening) sends no
    reminders (`reminders_too_late`), and still reviews who is not on track for the staff.
    The reviews come first, so a failed reminder never holds them up."""
    from measurement.services import check_not_on_track, reminders_too_late, send_reminders

    now = again_next_hour(daily, then)

    def morning(program: Program) -> tuple[int, int]:
        # The staff's reviews first: a mail server that is down never holds them up.
        reviews = len(check_not_on_track(now=now, programs=[program]))
        reminders = (
            0 if reminders_too_late(program, now) else send_reminders(now=now, programs=[program])
        )
        return reminders, reviews

    done = work_each_morning(daily.module_path, now, morning)
    return {"reminders": sum(r for r, _ in done), "reviews": sum(r for _, r in done)}


@task()
def retry_reminder(reminder_id: int) -> bool:
    """Send again, an hour after, a reminder whose last attempt reached nobody (queued by the
    failed attempt, `services.send_reminders` or the attempt before this one)."""
    from measurement.services import retry_reminder as retry

    return retry(reminder_id, now=timezone.now())


@task()
def refresh_program_due(program_id: int) -> int:
    """Rewrite the stored due moments of every episode in care in the program, after its
    schedule changed: a job, so saving the schedule answers at once however many are in
    care (each participant's own changes still refresh their rows in the request)."""
    with transaction.atomic():
        return next_due.refresh_program(program_id)
