"""List the daily jobs' runs (and their retries') that failed, with what the home page leaves
out."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from composition.daily_work import DAYS_SHOWN, failed_runs, on_the_database


class Command(BaseCommand):
    help = (
        "Print each run of a daily job, or of its retry (a reminder sent again), that failed "
        "in the last days (the task's path, when it was queued and when it failed, the "
        "exception's class and the queue row's id, whose arguments and traceback the queue's "
        "table holds). Exits 0 whatever it finds."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=DAYS_SHOWN, help="How many days back to look."
        )

    def handle(self, *args, days: int, **options) -> None:
        if not on_the_database():
            self.stdout.write(
                "This task queue is not the database's, so its failed runs are not kept in "
                "Tandem's tables: look in the queue's own tools (Redis: rq's failed job registry)."
            )
            return
        runs = failed_runs(now=timezone.now(), days=days)
        if not runs:
            self.stdout.write(f"No daily job failed in the last {days} days.")
            return
        for run in runs:
            since = "finished successfully since" if run.finished_since else "not finished since"
            self.stdout.write(
                f"{run.path}  queued {run.enqueued_at.isoformat()}  "
                f"failed {run.finished_at.isoformat()}  {run.exception}  row {run.id}  ({since})"
            )
