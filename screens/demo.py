"""Synthetic drug screens for the demo program. Every result is made up.

In-care demo participants (the first DEMO_LIMIT) get a urine cup screen each week over the
last four weeks (since admission when that is later), as a program screens weekly, recorded
through the service so each analyte is read against the demo medication list. Most analytes are negative; a listed medication shows where the
assay detects it, except now and then (an unexpected negative); now and then cannabis
shows (an unexpected positive). The prescriber reviews the screens with unexpected results
the day after collection, except the latest of the first few participants who have one, which
wait on the care team's homes for review. Idempotent: participants with a screen are skipped.

The demo organization also keeps panels of its own, added and retired by its director through
the services, so the Settings page shows shared and own panels side by side: an opioid cup
with a fentanyl strip in use, and the cup it replaced, retired. Their cut-offs are the shared
cup's (`screens.panels.CUP`: the HHS urine initial-test cut-offs of clinical reference §10)
or, where HHS sets none, as printed on the device. Idempotent: a panel of that name is kept.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from screens import detection, panels, services
from screens.models import DrugScreen, Method, Panel, Specimen, Validity
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
# The organization's own panels: (name, analyte codes of the shared cup, in use).
OWN_PANELS = (
    ("Opioid cup, 5 analytes", ("OPI", "OXY", "6AM", "BUP", "MTD"), False),
    (
        "Opioid cup with fentanyl strip, 7 analytes",
        ("OPI", "HCD", "OXY", "6AM", "FYL", "BUP", "MTD"),
        True,
    ),
)
OWN_SOURCE = (
    "Synthetic demo panel: HHS urine initial-test cut-offs (90 FR 4662, 2025) where HHS sets "
    "one; buprenorphine and methadone as printed on the device."
)


def seed(context: DemoContext) -> None:
    panels.seed()
    own_panels = _own_panels(context)
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
        f"  drug screens: {made} synthetic screens, {reviewed} unexpected results reviewed, "
        f"{own_panels} panels of the organization's own added"
    )


def _own_panels(context: DemoContext) -> int:
    """The organization's own panels that are missing, added (and the old cup retired) by
    the director; the number added."""
    director = context.staff["director"]
    cup = {code: (name, cutoff) for code, name, cutoff, _ in panels.CUP}
    added = 0
    for name, codes, in_use in OWN_PANELS:
        if Panel.objects.filter(organization=context.organization, name=name).exists():
            continue
        analytes = []
        for code in codes:
            analyte, cutoff = cup[code]
            printed = cutoff is None
            analytes.append(
                services.NewAnalyte(
                    code, analyte, "" if printed else str(cutoff), "" if printed else "ng/mL"
                )
            )
        panel = services.add_panel(
            context.organization,
            by=director,
            name=name,
            specimen=Specimen.URINE,
            method=Method.POINT_OF_CARE,
            source=OWN_SOURCE,
            analytes=analytes,
        )
        if not in_use:
            services.retire_panel(panel, by=director)
        added += 1
    return added


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
