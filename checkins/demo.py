"""Synthetic daily check-ins for the demo: most days for everyone in care, the last three
weeks. Participants who already have check-ins are skipped, so a second run changes nothing.
Written in bulk with one summary audit event; no escalation rule runs on demo rows."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from checkins.lists import SUBSTANCES, TRIGGERS
from checkins.models import CheckIn, Via
from medications.models import Medication
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode

DAYS = 21


def seed(context: DemoContext) -> None:
    rng = random.Random(context.rng_seed + 11)
    now = timezone.now()
    episodes = list(
        Episode.objects.filter(
            program=context.program, status__in=IN_CARE_STATUSES, admitted_on__isnull=False
        )
        .exclude(participant__checkins__isnull=False)
        .select_related("participant", "program")
        .order_by("participant__record_number")
    )
    on_medication = set(
        Medication.objects.current()
        .filter(participant__in=[e.participant for e in episodes], stopped_on__isnull=True)
        .values_list("participant_id", flat=True)
    )
    rows = []
    tz = context.program.tz
    for episode in episodes:
        if episode.admitted_on is None:
            continue
        start = max(episode.admitted_on, (now - timedelta(days=DAYS)).astimezone(tz).date())
        mood, craving = rng.randint(3, 7), rng.randint(1, 7)
        day = start
        while day < now.astimezone(tz).date():
            if rng.random() < 0.8:
                mood = max(0, min(10, mood + rng.choice((-1, 0, 0, 1))))
                craving = max(0, min(10, craving + rng.choice((-1, 0, 0, 1))))
                used = rng.random() < 0.05
                rows.append(
                    CheckIn(
                        participant=episode.participant,
                        episode=episode,
                        recorded_by=episode.participant.user,
                        recorded_at=datetime.combine(day, time(19, rng.randint(0, 59)), tzinfo=tz),
                        mood=mood,
                        craving=craving,
                        used=used,
                        substances=[rng.choice(SUBSTANCES)[0]] if used else [],
                        triggers=[rng.choice(TRIGGERS)[0]] if rng.random() < 0.3 else [],
                        hours_slept=rng.choice((5, 6, 6.5, 7, 7.5, 8)),
                        safety=False,
                        medications_taken=(
                            rng.choices(("all", "some", "none"), (85, 12, 3))[0]
                            if episode.participant_id in on_medication
                            else ""
                        ),
                        via=Via.PORTAL,
                    )
                )
            day += timedelta(days=1)
    with transaction.atomic():
        CheckIn.objects.bulk_create(rows, batch_size=2000)
        record_event(
            actor=None,
            event_type="checkin.recorded",
            organization=context.organization,
            details={"demo": True, "synthetic check-ins": len(rows), "participants": len(episodes)},
        )
    context.stdout(f"    {len(rows)} synthetic check-ins for {len(episodes)} participants")
