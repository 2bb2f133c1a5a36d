"""Measurement's background work: the daily run (reminders for what is due, and the
not-on-track review), and rewriting a program's stored due moments after its schedule changed."""

from django.db import transaction
from django_tasks import task

from measurement import next_due
from tandem.tasks import again_tomorrow


@task()
def daily(then: str = "") -> dict:
    """Send reminders and look for participants not on track as of `then` (ISO; now when
    empty), tomorrow's run queued first (a daily job: `manage.py start_daily_jobs` starts it)."""
    from measurement.services import check_not_on_track, send_reminders

    now = again_tomorrow(daily, then)
    return {"reminders": send_reminders(now=now), "reviews": len(check_not_on_track(now=now))}


@task()
def refresh_program_due(program_id: int) -> int:
    """Rewrite the stored due moments of every episode in care in the program, after its
    schedule changed: a job, so saving the schedule answers at once however many are in
    care (each participant's own changes still refresh their rows in the request)."""
    with transaction.atomic():
        return next_due.refresh_program(program_id)
