"""Background work of the check-in: the daily look for participants who stopped checking in."""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = timedelta(days=1)


@task()
def sweep_engagement(then: str = "", *, again: bool = True) -> int:
    """Raise engagement alerts as of `then` (ISO time; now when empty), then queue the next
    day's sweep, so one queued sweep keeps the check going with the worker."""
    from checkins.services import missed_checkins

    now = datetime.fromisoformat(then) if then else timezone.now()
    raised = missed_checkins(now=now)
    if again:
        from tandem.tasks import enqueue_after_commit

        next_at = now + SWEEP_EVERY
        enqueue_after_commit(sweep_engagement, next_at.isoformat(), run_after=next_at)
    return len(raised)
