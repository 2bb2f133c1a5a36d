"""The synthetic demo's notes: for every active participant a history of individual and
group notes, written through the services like a clinician would. Synthetic text only."""

from tandem.demo import DemoContext


def seed_notes(ctx: DemoContext) -> None:
    """Idempotent: a participant who already has notes is left as they are."""
