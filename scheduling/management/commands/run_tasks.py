"""The background worker for TANDEM_TASK_RUNNER=worker: claim queued tasks and run them."""

import time

from django.core.management.base import BaseCommand

from tandem.tasks import run_pending


class Command(BaseCommand):
    help = (
        "Run queued background tasks (schedule runs, mid-week placements). Use with "
        "TANDEM_TASK_RUNNER=worker; keeps polling unless --once is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between checks.")

    def handle(self, *args, once: bool, poll: float, **options) -> None:
        while True:
            ran = run_pending()
            if ran:
                self.stdout.write(f"ran {ran} task{'s' if ran != 1 else ''}")
            if once:
                return
            if not ran:
                time.sleep(poll)
