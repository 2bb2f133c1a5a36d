"""Background work through Django's task interface (django-tasks, DEP 14; Django 6 ships it).

A task is a module-level function decorated with ``django_tasks.task``; it takes plain ids
(never model instances) and records its own progress, success or failure on its own record
(for example a ``ScheduleRun``). The queue behind it is set by ``TANDEM_TASK_QUEUE``:
``database`` (django-tasks-db, worked by ``manage.py db_worker``) or ``rq`` (Redis).

Work done once a day is a task registered in `DAILY_JOBS`, as a `DailyJob` with its label, that
starts with `again_tomorrow`, or, when it is done at each program's morning, ticks every hour
with `again_next_hour`; ``manage.py start_daily_jobs`` queues each one that is not already
waiting.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from tandem.hooks import Hook

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class DailyJob:
    """A task run once a day, with what it does in a program director's words ("questionnaire
    reminders"): the home names a failed run by them, while the task's docstring is written
    for whoever maintains it. `retry`, when the job has one, is the task it queues to try
    again later what a run could not do for one record (a reminder that reached nobody),
    with its own `retry_label`: a retry that failed is the job's failed work too."""

    task: Task
    label: str
    retry: Task | None = None
    retry_label: str = ""

    @property
    def path(self) -> str:
        """The task's dotted path, as the queue's rows name it."""
        return self.task.module_path


# The tasks that run once a day and re-queue themselves, one per task path; each module
# registers its own from its `AppConfig.ready()`.
DAILY_JOBS: Hook[DailyJob] = Hook("tandem.daily_jobs", key=lambda job: job.path)


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


def again_tomorrow(job: Task, then: str, *, now: datetime | None = None) -> datetime:
    """Queue the next run of the daily `job` a day after the time this run works as of, before
    this run works, and return that time: `then` (ISO), or `now` (when the run starts; the
    clock's when not given) if `then` is empty or more than a day behind it.

    Queued first and at once, not at the run's commit: a run that fails still leaves
    tomorrow's waiting, so one bad day never ends the chain. A run late by more than a day
    (the worker was down) works once as of now and the chain goes on from now, rather than
    running each missed day back to back (every missed day's reminders sent at once).
    """
    as_of = _as_of(then, now, late=DAY)
    _queue(job, as_of + DAY)
    return as_of


def again_next_hour(job: Task, then: str, *, now: datetime | None = None) -> datetime:
    """Queue the next tick of `job`, a daily job that works at each program's morning
    (`accounts.mornings`), at the next whole hour in UTC, before this tick works, and return
    the time this tick works as of: `then` (ISO), or `now` if `then` is empty or more than an
    hour behind it, as `again_tomorrow` does for a day.

    A worker back after days away ticks once as of its return: each program then gets one
    morning's work, today's, not one for each missed day."""
    as_of = _as_of(then, now, late=HOUR)
    hour = as_of.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    _queue(job, hour + HOUR)
    return as_of


def _as_of(then: str, now: datetime | None, *, late: timedelta) -> datetime:
    started = now if now is not None else timezone.now()
    as_of = datetime.fromisoformat(then) if then else started
    return started if started - as_of > late else as_of


def _queue(job: Task, at: datetime) -> None:
    job.using(run_after=at).enqueue(at.isoformat())
