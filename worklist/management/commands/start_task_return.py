"""Queue the daily return of tasks whose owner can no longer open the record (it re-queues
itself)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from tandem.tasks import enqueue_after_commit
from worklist.tasks import return_tasks_out_of_reach


class Command(BaseCommand):
    help = "Queue the daily return of tasks whose owner lost the record (run once; it re-queues)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            enqueue_after_commit(return_tasks_out_of_reach)
        self.stdout.write("Queued the daily return of tasks out of their owner's reach.")
