"""Rebuild the outcomes board's stored facts from the records."""

import time

from django.core.management.base import BaseCommand

from outcomes import facts


class Command(BaseCommand):
    help = (
        "Recompute every episode's stored outcome facts (the director's board reads them) from "
        "the records: after a bulk import, a restore, or to check nothing drifted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--organization", type=int, action="append", help="Only this organization's (by id)."
        )

    def handle(self, *args, organization: list[int] | None, **options) -> None:
        began = time.perf_counter()
        written = facts.rebuild(organization)
        self.stdout.write(
            f"Outcome facts of {written:,} episodes written in {time.perf_counter() - began:.1f} s."
        )
