"""Synthetic safety plans for the demo program. Every word is made up.

In-care demo participants (the first DEMO_LIMIT) get a confirmed plan written with their
primary clinician; every third one also has a newer draft open. Idempotent: participants
with a plan are skipped.
"""

import random

from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from safety import services

DEMO_LIMIT = 60
CHOICES = {
    "warning_signs": [
        "Skipping meals",
        "Not answering my phone",
        "Staying in bed all day",
        "Thinking nobody would notice if I was gone",
        "Driving past my old dealer's street",
    ],
    "internal_coping": [
        "Walk around the block",
        "Play guitar",
        "Cold shower",
        "Breathing exercise from group",
        "Write in my journal",
    ],
    "distractions": [
        "Coffee shop on 3rd Street",
        "Library",
        "My cousin's house",
        "Recovery meeting at the church hall",
    ],
    "people_to_ask": [
        "Sam (sponsor) — 555-0100",
        "My sister — 555-0142",
        "Alex from group — 555-0187",
    ],
    "professionals": ["My therapist at the program, weekdays"],
    "making_safe": [
        "Medications kept by my sister",
        "No alcohol at home",
        "Car keys with my partner at night",
    ],
    "reasons_for_living": [
        "My daughter",
        "My dog",
        "Finishing my course",
        "Seeing the ocean again",
    ],
}


def seed(context: DemoContext) -> None:
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=IN_CARE_STATUSES,
            participant__record_number__startswith="DEMO-",
            primary_clinician__isnull=False,
        )
        .exclude(participant__safety_plans__isnull=False)
        .select_related("participant", "primary_clinician")
        .order_by("participant__record_number")[:DEMO_LIMIT]
    )
    for index, episode in enumerate(episodes):
        rng = random.Random(f"{context.rng_seed}:safety:{episode.participant.record_number}")
        steps = {
            field: "\n".join(rng.sample(options, k=min(len(options), rng.randint(1, 3))))
            for field, options in CHOICES.items()
        }
        clinician = episode.primary_clinician
        draft = services.save_draft(
            episode.participant, by=clinician, steps=steps, expected_version=None
        )
        services.confirm(
            draft, by=clinician, expected_version=draft.version, written_with_participant=True
        )
        if index % 3 == 0:
            services.save_draft(
                episode.participant,
                by=clinician,
                steps={"internal_coping": steps["internal_coping"] + "\nCall my sponsor first"},
                expected_version=None,
            )
    context.stdout(f"  safety plans: {len(episodes)} synthetic plans")
