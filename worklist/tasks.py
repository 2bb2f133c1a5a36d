"""Background work of the worklist: the daily return of tasks whose owner lost the record."""

from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

SWEEP_EVERY = timedelta(days=1)


@task()
def return_tasks_out_of_reach(then: str = "", *, again: bool = True) -> int:
    """Hand back the open tasks whose owner can no longer open the record, then queue the
    next day's run, so one queued run keeps it going with the worker: an account closed or a
    role ended is written outside any service that could hand the tasks back at once."""
    from worklist import services

    returned = services.return_tasks_out_of_reach()
    if again:
        from tandem.tasks import enqueue_after_commit

        next_at = (datetime.fromisoformat(then) if then else timezone.now()) + SWEEP_EVERY
        enqueue_after_commit(return_tasks_out_of_reach, next_at.isoformat(), run_after=next_at)
    return len(returned)
