"""The demo program's measurement schedule (the default rows, written out) and e-mail
reminder opt-ins for some participants (synthetic addresses). Idempotent."""

import random

from django.db import transaction

from audit.services import record_event
from measurement import next_due
from measurement.models import ProgramMeasurement, ReminderChoice
from measurement.schedule import DEFAULT
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Participant


def seed(context: DemoContext) -> None:
    rng = random.Random(context.rng_seed + 12)
    with transaction.atomic():
        _settings, created = ProgramMeasurement.objects.get_or_create(
            program=context.program, defaults={"rows": [r.to_dict() for r in DEFAULT]}
        )
        people = list(
            Participant.objects.filter(
                episodes__program=context.program,
                episodes__status__in=IN_CARE_STATUSES,
                reminder_choice__isnull=True,
            )
            .exclude(email="")
            .distinct()
            .order_by("record_number")
        )
        chosen = [p for p in people if rng.random() < 0.4]
        ReminderChoice.objects.bulk_create(
            [ReminderChoice(participant=p, email=True) for p in chosen], batch_size=2000
        )
        record_event(
            actor=None,
            event_type="measurement.settings_changed",
            organization=context.organization,
            details={"demo": True, "schedule written": created, "reminder opt-ins": len(chosen)},
        )
    context.stdout(f"    measurement schedule; {len(chosen)} synthetic e-mail reminder opt-ins")


def seed_next_due(context: DemoContext) -> None:
    """After every other seeder: their bulk writes bypass the services that keep the stored
    due moments current, so all of them are worked out once here."""
    with transaction.atomic():
        count = next_due.refresh_program(context.program.pk)
    context.stdout(f"    {count} stored due moments")
