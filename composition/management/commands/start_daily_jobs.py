"""Make sure each daily job is queued once: safe to run at every deploy, and at once by two."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tandem.tasks import DAILY_JOBS, DailyJob

# PostgreSQL's advisory lock held while the command looks for waiting jobs and queues the
# missing ones: any fixed number no other code takes.
QUEUEING_LOCK = 7_201_118_326


def waiting(job: DailyJob) -> bool:
    """Whether a run of `job` is queued and not yet started: a running one queued tomorrow's
    when it began, so only a waiting one counts."""
    return DBTaskResult.objects.filter(task_path=job.path, status=TaskResultStatus.READY).exists()


def hold_the_queue() -> None:
    """Keep every other `start_daily_jobs` out until this transaction ends, so two deploy steps
    running it at once cannot both see no job waiting and both queue it.

    PostgreSQL takes a transaction-level advisory lock; SQLite takes the database's write lock
    when the transaction begins (Tandem opens its transactions IMMEDIATE), so the second
    command waits there and then sees the first one's job."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [QUEUEING_LOCK])


class Command(BaseCommand):
    help = (
        "Queue each daily job (questionnaire reminders, the check-in sweep, the return of "
        "tasks out of reach, pruning the queue) unless one is already waiting; run it at "
        "every deploy."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--unchecked",
            action="store_true",
            help="Queue every daily job without looking for a waiting one (a queue other than "
            "the database's, whose waiting jobs this command cannot see: run it there once).",
        )

    def handle(self, *args, unchecked: bool, **options) -> None:
        jobs = DAILY_JOBS.implementations()
        if not unchecked and not all(
            isinstance(job.task.get_backend(), DatabaseBackend) for job in jobs
        ):
            raise CommandError(
                "This task queue is not the database's, so whether a daily job already waits "
                "cannot be seen and queueing again would run it twice a day. On a new "
                "installation, run `start_daily_jobs --unchecked` once."
            )
        with transaction.atomic():
            if not unchecked:
                hold_the_queue()
            for job in jobs:
                if not unchecked and waiting(job):
                    self.stdout.write(f"Already waiting: {job.path}")
                    continue
                job.task.enqueue()
                self.stdout.write(f"Queued: {job.path}")
