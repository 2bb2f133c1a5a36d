"""Write a synthetic installation at scale (benchmarks); every person in it is invented."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organization
from outcomes.installation import installation
from participants.models import Participant


class Command(BaseCommand):
    help = (
        "Write a synthetic installation in bulk (once per database): several organizations and "
        "programs, clinicians with caseloads, years of history and its audit trail. ALL DATA IS "
        "SYNTHETIC."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--participants", type=int, default=50_000)
        parser.add_argument("--organizations", type=int, default=3)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=7)

    def handle(
        self, *args, participants: int, organizations: int, years: int, seed: int, **options
    ) -> None:
        if participants < 1 or organizations < 1:
            raise CommandError("--participants and --organizations must be at least 1.")
        first = Organization.objects.filter(slug=f"synthetic-{seed}-1").first()
        if first is not None:
            have = Participant.objects.filter(
                organization__slug__startswith=f"synthetic-{seed}-"
            ).count()
            if have != participants:
                raise CommandError(
                    f"This database already holds a synthetic installation of {have:,} "
                    "participants; use an empty database for another size."
                )
            self.stdout.write(f"The synthetic installation of {have:,} participants is there.")
            return
        began = time.perf_counter()
        made = installation(
            participants=participants,
            today=timezone.localdate(),
            organizations=organizations,
            years=years,
            seed=seed,
            say=self.stdout.write,
        )
        seconds = time.perf_counter() - began
        for table, count in sorted(made.rows.items()):
            self.stdout.write(f"{table:<40} {count:>12,}")
        self.stdout.write(f"{'total':<40} {made.total:>12,}")
        self.stdout.write(
            f"Synthetic installation of {participants:,} participants in "
            f"{len(made.organizations)} organizations written in {seconds:.1f} s."
        )
