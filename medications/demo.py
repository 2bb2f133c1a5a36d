"""Synthetic medication lists for the demo program. Every entry is made up.

In-care demo participants (the first DEMO_LIMIT by record number, so a large benchmark seed
stays quick) get one substance-use treatment medication or none, and sometimes a
psychiatric one. Idempotent: participants with any medication are skipped.
"""

import random
from datetime import timedelta

from django.db import transaction

from medications.models import Medication
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode

DEMO_LIMIT = 60
TREATMENT = (
    ("buprenorphine-naloxone", "Buprenorphine/naloxone", "16 mg/4 mg daily (synthetic)"),
    ("methadone", "Methadone", "80 mg daily at the opioid treatment program (synthetic)"),
    ("naltrexone-xr", "Naltrexone extended-release injection", "monthly (synthetic)"),
    ("acamprosate", "Acamprosate", "three times daily (synthetic)"),
    None,
)
PSYCHIATRIC = (
    ("sertraline", "Sertraline", "daily (synthetic)"),
    ("quetiapine", "Quetiapine", "at night (synthetic)"),
    ("bupropion", "Bupropion", "daily (synthetic)"),
    None,
    None,
)
ELSEWHERE = "Community health center prescriber (synthetic)"


def seed(context: DemoContext) -> None:
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=IN_CARE_STATUSES,
            participant__record_number__startswith="DEMO-",
        )
        .exclude(participant__medications__isnull=False)
        .select_related("participant")
        .order_by("participant__record_number")[:DEMO_LIMIT]
    )
    prescriber = context.staff.get("prescriber")
    rows = []
    for episode in episodes:
        rng = random.Random(f"{context.rng_seed}:medications:{episode.participant.record_number}")
        start = episode.admitted_on or episode.referred_on
        for options, here in ((TREATMENT, True), (PSYCHIATRIC, False)):
            choice = rng.choice(options)
            if choice is None:
                continue
            code, name, dose = choice
            rows.append(
                Medication(
                    participant=episode.participant,
                    code=code,
                    name=name,
                    dose=dose,
                    prescribed_by=prescriber if here else None,
                    prescribed_elsewhere="" if here else ELSEWHERE,
                    started_on=start - timedelta(days=rng.randint(0, 120)),
                    recorded_by=prescriber,
                    note="Synthetic demo entry.",
                )
            )
    with transaction.atomic():
        Medication.objects.bulk_create(rows)
    context.stdout(f"  medications: {len(rows)} synthetic entries")
