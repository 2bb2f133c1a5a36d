"""The task queue's own daily work: finished rows of the database queue are pruned."""

from datetime import timedelta

from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tandem.tasks import again_tomorrow

KEEP_FINISHED = timedelta(days=14)


@task()
def prune_task_results(then: str = "") -> int:
    """Delete the queue's rows of tasks finished more than 14 days before `then` (ISO; now
    when empty): each task wrote its outcome on its own record, so nothing is lost."""
    now = again_tomorrow(prune_task_results, then)
    deleted, _ = (
        DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_FINISHED).delete()
    )
    return deleted
