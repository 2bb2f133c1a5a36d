"""Synthetic drug screens for the demo program. Every result is made up.

In-care demo participants (the first DEMO_LIMIT) get a urine cup screen each week over the
last four weeks (since admission when that is later), as a program screens weekly, recorded through the service so each analyte is read against the
demo medication list. Most analytes are negative; a listed medication shows where the
assay detects it, except now and then (an unexpected negative); now and then cannabis
shows (an unexpected positive). The prescriber reviews the screens with unexpected results
the day after collection, except the latest of the first few participants who have one, which
wait on the care team's homes for review. Idempotent: participants with a screen are skipped.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from screens import detection, panels, services
from screens.models import DrugScreen, Panel, Validity
from screens.selectors import finding_flags, medication_codes_on

DEMO_LIMIT = 60
CUP = "urine-cup-hhs"
RECENT_WEEKS = 4
LEFT_TO_REVIEW = 3  # participants whose latest unexpected result waits for review
REVIEW_COMMENTS = (
    "Discussed with participant; dose unchanged.",
    "Discussed with participant; observed collection at the next screen.",
    "Sent for confirmation; discussed in team meeting.",
)


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
    flagged: list[list[DrugScreen]] = []
    for episode in episodes:
        participant = episode.participant
        rng = random.Random(f"{context.rng_seed}:screens:{participant.record_number}")
        day = max(
            (episode.admitted_on or episode.referred_on) + timedelta(days=1),
            today - timedelta(weeks=RECENT_WEEKS),
        )
        count = 0
        own: list[DrugScreen] = []
        while day < today and count < RECENT_WEEKS:
            collected = datetime.combine(day, time(9, 30), tzinfo=context.program.tz)
            meds = medication_codes_on(participant, day)
            results = {}
            for analyte in panel.analytes.all():
                shows = detection.expected_on(meds, analyte.code)
                positive = (shows and rng.random() > 0.1) or (
                    analyte.code == detection.THC and rng.random() < 0.15
                )
                results[analyte.code] = "positive" if positive else "negative"
            screen = services.record_screen(
                participant,
                by=episode.primary_clinician,
                panel=panel,
                results=results,
                collected_at=collected,
                observed=rng.random() < 0.3,
                validity=Validity.VALID,
                note="Synthetic demo screen.",
            )
            if finding_flags(screen):
                own.append(screen)
            made += 1
            count += 1
            day += timedelta(days=7)
        if own:
            flagged.append(own)
    reviewed = _review(context, flagged)
    context.stdout(
        f"  drug screens: {made} synthetic screens, {reviewed} unexpected results reviewed"
    )


def _review(context: DemoContext, flagged: list[list[DrugScreen]]) -> int:
    """The prescriber's reviews, the day after each collection (no later than now)."""
    prescriber = context.staff["prescriber"]
    reviewed = 0
    for i, screens in enumerate(flagged):
        for screen in screens[:-1] if i < LEFT_TO_REVIEW else screens:
            services.review_screen(
                screen,
                by=prescriber,
                comment=REVIEW_COMMENTS[reviewed % len(REVIEW_COMMENTS)],
                now=min(screen.collected_at + timedelta(days=1), timezone.now()),
            )
            reviewed += 1
    return reviewed
