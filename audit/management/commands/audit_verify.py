"""Check every audit chain end to end, and against a signed checkpoint when given one."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import check_against
from audit.services import verify_chain
from tandem.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Verify the audit trail's chains (keyed MACs and links); with --checkpoint, also prove "
        "that no event up to the signed heads was changed, dropped or replaced."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--checkpoint", metavar="FILE")
        parser.add_argument("--key", metavar="PEM", help="public key (AUDIT_VERIFY_KEY_FILE)")

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain broken at event #{report.first_broken_seq}: {report.problem} "
                f"({report.checked} events before it verified)."
            )
        if options["checkpoint"]:
            try:
                checkpoint = json.loads(Path(options["checkpoint"]).read_text())
                result = check_against(checkpoint, verify_key=options["key"])
            except InvalidInput as exc:
                raise CommandError(exc.message) from None
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the checkpoint: {exc}") from None
            if not result.ok:
                raise CommandError(
                    "Audit trail differs from the checkpoint: " + "; ".join(result.problems)
                )
            self.stdout.write(f"Checkpoint matches: {result.chains} chain heads found unchanged.")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified.")
        )
