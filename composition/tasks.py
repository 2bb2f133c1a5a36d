"""The task queue's own daily work: finished rows of the database queue are pruned."""

from django.core.management import call_command
from django_tasks import task

from tandem.tasks import again_tomorrow

KEEP_FINISHED_DAYS = 14


@task()
def prune_task_results(then: str = "") -> None:
    """Delete the queue's rows of tasks finished more than 14 days ago, in every queue, with
    django-tasks-db's own `prune_db_task_results`: each task wrote its outcome on its own
    record, so nothing is lost. `then` (ISO; now when empty) keeps tomorrow's run queued."""
    again_tomorrow(prune_task_results, then)
    call_command(
        "prune_db_task_results", queue_name="*", min_age_days=KEEP_FINISHED_DAYS, verbosity=0
    )
