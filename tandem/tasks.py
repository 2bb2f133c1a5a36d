"""Background work through Django's task interface (django-tasks, DEP 14; Django 6 ships it).

A task is a module-level function decorated with ``django_tasks.task``; it takes plain ids
(never model instances) and records its own progress, success or failure on its own record
(for example a ``ScheduleRun``). The queue behind it is set by ``TANDEM_TASK_QUEUE``:
``database`` (django-tasks-db, worked by ``manage.py db_worker``) or ``rq`` (Redis).
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks.base import Task


def enqueue_after_commit(task: Task | str, *args: Any, run_after: datetime | None = None) -> None:
    """Queue ``task(*args)`` once the caller's transaction commits.

    A worker must see the rows the caller just wrote, and a change that rolls back must leave no
    work behind. ``run_after`` holds the work until then (a follow-up weeks after discharge).
    ``task`` may be given by its dotted path, for modules the task itself imports; the path is
    resolved now, so a typo fails in the caller rather than in the worker.
    """
    resolved = import_string(task) if isinstance(task, str) else task
    if not isinstance(resolved, Task):
        raise TypeError(f"{task!r} is not a task: decorate it with django_tasks.task.")
    queued = resolved.using(run_after=run_after) if run_after is not None else resolved
    transaction.on_commit(lambda: queued.enqueue(*args))
