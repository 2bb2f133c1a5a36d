"""Set again, for every session, whether it has its note, from the notes written."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from notes import session_notes


class Command(BaseCommand):
    help = (
        "Recompute whether each session has its note (the notes due and the notes board count "
        "the sessions without one) from the group notes and progress notes: after a bulk "
        "import, a restore, or to check nothing drifted."
    )

    def handle(self, *args, **options) -> None:
        began = time.perf_counter()
        with transaction.atomic():
            read = session_notes.rebuild()
        self.stdout.write(f"{read:,} sessions read in {time.perf_counter() - began:.1f} s.")
