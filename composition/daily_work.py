"""The daily jobs' runs that failed, for the director's home and for whoever runs Tandem.

A daily job that raised leaves its failure only in the database queue's table (tomorrow's
run is still queued, `tandem.tasks.again_tomorrow`), so nobody would know the morning's
reminders did not go out. So does a job's retry (`DailyJob.retry`: a reminder that reached
nobody sent again) that raised, its last attempt included. The home names the job or the
retry and when it failed, never its message, arguments or traceback (any may carry
participant data or name a record); `manage.py failed_daily_work` gives the rest.
On the Redis queue the table is not used, and there is nothing to read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, Window
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from accounts.http import SignedInRequest
from participants.access import organizations_with
from tandem.tasks import DAILY_JOBS

DAYS_SHOWN = 7
# An hourly job failing all week fails 168 times: the home lists the newest and counts them.
PANEL_ROWS = 20


@dataclass(frozen=True)
class FailedRun:
    id: UUID  # the queue row's
    path: str
    label: str  # what the job or its retry does, as it was registered
    enqueued_at: datetime
    finished_at: datetime
    exception: str  # the exception's class path, never its message
    # A later run of the same job succeeded; for a retry, a later attempt of the same record.
    finished_since: bool
    failed: int  # how many runs failed in the period, of every daily job and retry


def on_the_database() -> bool:
    """Whether the daily jobs run on the database queue, whose table keeps their outcomes."""
    return all(
        isinstance(task.get_backend(), DatabaseBackend)
        for job in DAILY_JOBS.implementations()
        for task in (job.task, job.retry)
        if task is not None
    )


def failed_runs(
    *, now: datetime, days: int = DAYS_SHOWN, limit: int | None = None
) -> list[FailedRun]:
    """The runs of the daily jobs and of their retries that failed in the `days` before `now`,
    newest first, each saying whether the same job finished successfully after it (for a
    retry, a later attempt for the same record: another reminder's says nothing of this one):
    one query, which reads neither the message nor the traceback."""
    jobs = DAILY_JOBS.implementations()
    daily = {job.path: job.label for job in jobs}
    retries = {job.retry.module_path: job.retry_label for job in jobs if job.retry is not None}
    labels = daily | retries
    later_success = DBTaskResult.objects.successful().filter(
        Q(task_path__in=list(daily)) | Q(args_kwargs=OuterRef("args_kwargs")),
        task_path=OuterRef("task_path"),
        finished_at__gt=OuterRef("finished_at"),
    )
    rows = (
        DBTaskResult.objects.failed()
        .filter(
            task_path__in=list(labels),
            finished_at__gte=now - timedelta(days=days),
        )
        .annotate(finished_since=Exists(later_success), failed=Window(Count("pk")))
        .order_by("-finished_at", "-enqueued_at")
        .values_list(
            "id",
            "task_path",
            "enqueued_at",
            "finished_at",
            "exception_class_path",
            "finished_since",
            "failed",
        )
    )
    return [
        FailedRun(
            pk, path, labels[path], enqueued, cast(datetime, finished), exception, since, failed
        )
        for pk, path, enqueued, finished, exception, since, failed in (
            rows[:limit] if limit is not None else rows
        )
    ]  # a failed row always has its `finished_at`, which the filter above compared


def failed_work_panel(request: SignedInRequest) -> dict | None:
    """The daily work (a job's run, a retry's attempt) that did not finish this week, for
    staff who oversee a program: the queue is the whole installation's, so overseeing any
    program is enough. Nothing when every run finished, or when the queue is not the
    database's."""
    if not on_the_database() or not organizations_with(request.user, "program.oversee"):
        return None
    runs = failed_runs(now=timezone.now(), limit=PANEL_ROWS)
    if not runs:
        return None
    return {
        "template": "composition/_failed_daily_work_panel.html",
        "runs": runs,
        "more": runs[0].failed - len(runs),
        "days": DAYS_SHOWN,
    }
