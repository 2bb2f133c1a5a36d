"""Sign every chain's head and write the checkpoint to a file kept off the database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.checkpoints import make_checkpoint
from tandem.errors import InvalidInput


class Command(BaseCommand):
    help = "Write a signed checkpoint of the audit chains' heads to FILE."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", metavar="FILE", required=True)
        parser.add_argument("--key", metavar="PEM", help="signing key (AUDIT_SIGNING_KEY_FILE)")

    def handle(self, *args, **options) -> None:
        try:
            checkpoint = make_checkpoint(now=timezone.now(), signing_key=options["key"])
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
        Path(options["output"]).write_text(json.dumps(checkpoint, indent=2) + "\n")
        chains = checkpoint["checkpoint"]["chains"]
        events = sum(c["seq"] for c in chains)
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint of {len(chains)} chains ({events} events) written to "
                f"{options['output']}."
            )
        )
