"""Create the audit trail's keys: the chain's MAC key and the checkpoint signing key pair."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import create_keys
from tandem.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Write a new audit MAC key (audit.key) and Ed25519 checkpoint key pair "
        "(audit-signing.pem, audit-verify.pem) into DIR; existing keys are never overwritten."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--create", metavar="DIR", required=True)

    def handle(self, *args, **options) -> None:
        try:
            paths = create_keys(Path(options["create"]))
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
        for path in paths:
            self.stdout.write(f"wrote {path}")
        self.stdout.write(
            "Set AUDIT_KEY_FILE to audit.key on the application servers; keep audit-signing.pem "
            "with whoever writes checkpoints (AUDIT_SIGNING_KEY_FILE) and audit-verify.pem with "
            "whoever verifies them (AUDIT_VERIFY_KEY_FILE)."
        )
