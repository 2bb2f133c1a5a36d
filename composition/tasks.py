"""The task queue's own daily work: finished rows of the database queue are pruned."""

from datetime import timedelta

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tandem.tasks import again_tomorrow

KEEP_FINISHED_DAYS = 14


@task()
def prune_task_results(then: str = "") -> None:
    """Delete the queue's rows of tasks finished more than 14 days before the time this run
    works as of (`then`, ISO; now when empty or more than a day behind, as `again_tomorrow`
    decides), in every queue: each task wrote its outcome on its own record, so nothing is
    lost. Counted from the run's own time, not the clock's, so a run that starts late keeps
    the same two weeks as one on time."""
    as_of = again_tomorrow(prune_task_results, then)
    DBTaskResult.objects.finished().filter(
        finished_at__lte=as_of - timedelta(days=KEEP_FINISHED_DAYS)
    ).delete()
