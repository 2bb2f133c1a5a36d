"""Rebuild every participant's stored weekly dose from the enrolments and roll calls."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from attendance import weekly
from participants.models import Participant


class Command(BaseCommand):
    help = (
        "Recompute every participant's stored weekly dose (the dose page and the under-dosed "
        "panel read it) from the enrolments and roll calls: after installing it, a bulk "
        "import, a restore, or to check nothing drifted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--organization", type=int, action="append", help="Only this organization's (by id)."
        )

    def handle(self, *args, organization: list[int] | None, **options) -> None:
        began = time.perf_counter()
        chosen = None
        if organization:
            chosen = Participant.objects.filter(organization_id__in=organization).values("pk")
        with transaction.atomic():
            written = weekly.rebuild_doses(chosen)
        self.stdout.write(
            f"Weekly doses of {written:,} participant-weeks written "
            f"in {time.perf_counter() - began:.1f} s."
        )
