"""Fill the database with the synthetic demo program; rerunning it changes nothing."""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from outcomes import facts
from participants.demo import SEEDERS, login_lines, seed_foundation


class Command(BaseCommand):
    help = "Create the synthetic demo program (all data is made up). Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--participants", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            help="Also write a past of this many discharged participants, for the outcomes board.",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")
        parser.add_argument(
            "--start-daily-jobs",
            action="store_true",
            help="Then queue the daily jobs as `start_daily_jobs` does (`run.py demo`).",
        )

    def handle(
        self,
        *args,
        participants: int,
        seed: int,
        history: int,
        quiet_logins: bool,
        start_daily_jobs: bool,
        **options,
    ) -> None:
        if not settings.TANDEM_DEMO:
            raise CommandError(
                "seed_demo only runs in demo mode (TANDEM_DEMO=1, as `run.py demo` sets): it "
                "creates accounts whose password is published."
            )
        if participants < 1:
            raise CommandError("--participants must be at least 1.")
        if history < 0:
            raise CommandError("--history cannot be negative.")
        started = time.monotonic()
        self.stdout.write(
            "Seeding the demo program. ALL DATA IS SYNTHETIC: no real person is in it."
        )
        context = seed_foundation(participants, seed=seed, stdout=self.stdout.write)
        context.extras["history"] = history
        # The seeders write through the services, each write marking its outcome facts; the
        # facts are rebuilt once at the end instead of a refresh queued for every write.
        with facts.rebuilt_after([context.organization.pk]):
            for seeder in SEEDERS.implementations():
                self.stdout.write(f"  adding {seeder.name} …")
                seeder.seed(context)
            self.stdout.write("  adding outcome facts …")
        self.stdout.write(f"Demo ready in {time.monotonic() - started:.1f} s.")
        if start_daily_jobs:
            call_command("start_daily_jobs", stdout=self.stdout)
        if not quiet_logins:
            self.stdout.write("")
            for line in login_lines():
                self.stdout.write(line)
