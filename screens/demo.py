"""Synthetic drug screens for the demo program. Every result is made up.

In-care demo participants (the first DEMO_LIMIT) get a urine cup screen each week since
admission (at most four), recorded through the service so each analyte is read against the
demo medication list. Most analytes are negative; a listed medication shows where the
assay detects it, except now and then (an unexpected negative); now and then cannabis
shows (an unexpected positive). Idempotent: participants with a screen are skipped.
"""

import random
from datetime import datetime, time, timedelta

from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from screens import detection, panels, services
from screens.models import Panel, Validity
from screens.selectors import medication_codes_on

DEMO_LIMIT = 60
CUP = "urine-cup-hhs"


def seed(context: DemoContext) -> None:
    panels.seed()
    panel = Panel.objects.filter(code=CUP).prefetch_related("analytes").first()
    if panel is None:
        return
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=IN_CARE_STATUSES,
            participant__record_number__startswith="DEMO-",
            primary_clinician__isnull=False,
        )
        .exclude(participant__drug_screens__isnull=False)
        .select_related("participant", "primary_clinician", "program")
        .order_by("participant__record_number")[:DEMO_LIMIT]
    )
    today = context.program.today()
    made = 0
    for episode in episodes:
        participant = episode.participant
        rng = random.Random(f"{context.rng_seed}:screens:{participant.record_number}")
        day = (episode.admitted_on or episode.referred_on) + timedelta(days=1)
        count = 0
        while day < today and count < 4:
            collected = datetime.combine(day, time(9, 30), tzinfo=context.program.tz)
            meds = medication_codes_on(participant, day)
            results = {}
            for analyte in panel.analytes.all():
                shows = detection.expected_on(meds, analyte.code)
                positive = (shows and rng.random() > 0.1) or (
                    analyte.code == detection.THC and rng.random() < 0.15
                )
                results[analyte.code] = "positive" if positive else "negative"
            services.record_screen(
                participant,
                by=episode.primary_clinician,
                panel=panel,
                results=results,
                collected_at=collected,
                observed=rng.random() < 0.3,
                validity=Validity.VALID,
                note="Synthetic demo screen.",
            )
            made += 1
            count += 1
            day += timedelta(days=7)
    context.stdout(f"  drug screens: {made} synthetic screens")
