"""Background work of the check-in: the daily look for participants who stopped checking in."""

from django_tasks import task

from accounts.mornings import work_each_morning
from tandem.tasks import again_next_hour


@task()
def sweep_engagement(then: str = "") -> int:
    """Raise engagement alerts at each program's morning hour, as of `then` (ISO time; now
    when empty): the sweep ticks every hour, the next tick queued first (a daily job:
    `manage.py start_daily_jobs` starts it), and sweeps each program once a program day, so
    the peer specialist finds the day's alerts when the program's day starts (or as soon as
    the job runs, late in the day too: staff want to know)."""
    from checkins.services import missed_checkins

    now = again_next_hour(sweep_engagement, then)
    return sum(
        work_each_morning(
            sweep_engagement.module_path,
            now,
            lambda program: len(missed_checkins(now=now, programs=[program])),
        )
    )
