"""Make sure each daily job is queued once: safe to run at every deploy."""

from django.core.management.base import BaseCommand, CommandError
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tandem.tasks import DAILY_JOBS


def waiting(job: Task) -> bool:
    """Whether a run of `job` is queued and not yet started: a running one queued tomorrow's
    when it began, so only a waiting one counts."""
    return DBTaskResult.objects.filter(
        task_path=job.module_path, status=TaskResultStatus.READY
    ).exists()


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
            isinstance(job.get_backend(), DatabaseBackend) for job in jobs
        ):
            raise CommandError(
                "This task queue is not the database's, so whether a daily job already waits "
                "cannot be seen and queueing again would run it twice a day. On a new "
                "installation, run `start_daily_jobs --unchecked` once."
            )
        for job in jobs:
            if not unchecked and waiting(job):
                self.stdout.write(f"Already waiting: {job.module_path}")
                continue
            job.enqueue()
            self.stdout.write(f"Queued: {job.module_path}")
