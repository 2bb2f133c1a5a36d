"""Queue the daily look for participants without a recent check-in (it re-queues itself)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from checkins.tasks import sweep_engagement
from tandem.tasks import enqueue_after_commit


class Command(BaseCommand):
    help = "Queue the daily engagement sweep of the check-in (run once; it re-queues itself)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            enqueue_after_commit(sweep_engagement)
        self.stdout.write("Queued the check-in engagement sweep.")
