"""Measurement's background work: the daily run (reminders for what is due, and the
not-on-track review), and rewriting a program's stored due moments after its schedule changed."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from measurement import next_due

EVERY = timedelta(days=1)


@task()
def daily(then: str = "") -> dict:
    """Send reminders and look for participants not on track as of `then` (ISO; now when
    empty), then queue tomorrow's run."""
    from measurement.services import check_not_on_track, send_reminders
    from tandem.tasks import enqueue_after_commit

    now = datetime.fromisoformat(then) if then else timezone.now()
    result = {"reminders": send_reminders(now=now), "reviews": len(check_not_on_track(now=now))}
    next_at = now + EVERY
    enqueue_after_commit(daily, next_at.isoformat(), run_after=next_at)
    return result


@task()
def refresh_program_due(program_id: int) -> int:
    """Rewrite the stored due moments of every episode in care in the program, after its
    schedule changed: a job, so saving the schedule answers at once however many are in
    care (each participant's own changes still refresh their rows in the request)."""
    with transaction.atomic():
        return next_due.refresh_program(program_id)
