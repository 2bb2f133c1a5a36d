"""Background work of the check-in: the daily look for participants who stopped checking in."""

from django_tasks import task

from tandem.tasks import again_tomorrow


@task()
def sweep_engagement(then: str = "") -> int:
    """Raise engagement alerts as of `then` (ISO time; now when empty), tomorrow's sweep
    queued first (a daily job: `manage.py start_daily_jobs` starts it)."""
    from checkins.services import missed_checkins

    return len(missed_checkins(now=again_tomorrow(sweep_engagement, then)))
