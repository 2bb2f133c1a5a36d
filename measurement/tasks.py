"""The daily measurement run: reminders for what is due, and the not-on-track review."""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

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
