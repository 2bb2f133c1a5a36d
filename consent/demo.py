"""Synthetic consents and disclosures for the demo program, recorded through the services.
Every one is made up.

Each in-care demo participant (the first DEMO_LIMIT by record number, so a large benchmark seed
stays quick) signed a consent to treatment and a single 42 CFR Part 2 consent for treatment,
payment and health care operations on the day of admission (of referral before one); those
who attend virtual sessions only signed a consent to telehealth too. Idempotent: a participant
with any consent is left as they are.

A few of them (the one with the demo's portal login first) were given copies of their record,
so the accounting of disclosures has rows to show: their own printed copy, and a copy to a
health plan under their TPO consent. Idempotent: nothing more once any demo copy is logged.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from consent import services
from consent.models import (
    TPO_PURPOSE,
    TPO_RECIPIENTS,
    Consent,
    ConsentKind,
    DisclosedCopy,
    Disclosure,
    Expiry,
)
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from scheduling.models import AttendanceMode

DEMO_LIMIT = 60
INFORMATION = (
    "My substance use disorder treatment records: my stays, diagnoses, assessments, level of "
    "care, treatment plans and attendance (synthetic)"
)
# The parts of the record the TPO consent covers, ticked beside its words.
PARTS = (
    "episodes",
    "diagnoses",
    "assessments",
    "level_of_care",
    "treatment_plan",
    "attendance",
)


def seed(context: DemoContext) -> None:
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=IN_CARE_STATUSES,
            participant__record_number__startswith="DEMO-",
        )
        .exclude(participant__consents__isnull=False)
        .select_related("participant", "primary_clinician", "scheduling_profile")
        .order_by("participant__record_number")[:DEMO_LIMIT]
    )
    made = 0
    for episode in episodes:
        participant = episode.participant
        by = episode.primary_clinician or context.staff["director"]
        signed_on = episode.admitted_on or episode.referred_on
        services.record_consent(
            participant, by=by, episode=episode, kind=ConsentKind.TREATMENT, signed_on=signed_on
        )
        services.record_consent(
            participant,
            by=by,
            episode=episode,
            kind=ConsentKind.PART2,
            signed_on=signed_on,
            discloser=context.program.name,
            information=INFORMATION,
            parts=PARTS,
            tpo=True,
            recipients=TPO_RECIPIENTS,
            recipients_hipaa=True,
            purpose=TPO_PURPOSE,
            expiry=Expiry.NONE,
        )
        made += 2
        profile = getattr(episode, "scheduling_profile", None)
        if profile is not None and profile.mode == AttendanceMode.VIRTUAL:
            services.record_consent(
                participant,
                by=by,
                episode=episode,
                kind=ConsentKind.TELEHEALTH,
                signed_on=signed_on,
            )
            made += 1
    context.stdout(f"  consents: {made} synthetic consents")


# How many demo participants were given copies, and to whom the copies under a TPO consent went.
DISCLOSURE_LIMIT = 5
HEALTH_PLAN = "Prairie Health Plan, claims review (synthetic)"
# What a claims review needs of the record, of the parts the TPO consent covers.
HEALTH_PLAN_PARTS = ("episodes", "diagnoses", "level_of_care", "treatment_plan", "attendance")


def seed_disclosures(context: DemoContext) -> None:
    if Disclosure.objects.filter(participant__record_number__startswith="DEMO-").exists():
        return
    consents = list(
        Consent.objects.current()
        .filter(
            participant__record_number__startswith="DEMO-",
            episode__program=context.program,
            episode__status__in=IN_CARE_STATUSES,
            kind=ConsentKind.PART2,
            tpo=True,
        )
        .select_related("participant", "episode__primary_clinician", "revocation")
        .order_by("participant__record_number")
    )
    # The participant with the portal login first, so their portal shows the list too.
    consents.sort(key=lambda c: c.participant.user_id is None)
    now = timezone.now()
    zone = context.program.tz
    made = 0
    for index, consent in enumerate(consents[:DISCLOSURE_LIMIT]):
        participant, episode = consent.participant, consent.episode
        by = (episode.primary_clinician if episode else None) or context.staff["director"]
        signed = datetime.combine(consent.signed_on, time(10, 0), zone)
        for days_ago, copy in ((9 + index, DisclosedCopy.EXPORT), (2 + index, DisclosedCopy.PRINT)):
            moment = min(max(now - timedelta(days=days_ago), signed), now)
            to_health_plan = copy == DisclosedCopy.EXPORT
            services.disclose_record(
                participant,
                by=by,
                what=copy,
                to_participant=not to_health_plan,
                recipient=HEALTH_PLAN if to_health_plan else "",
                consent=consent if to_health_plan else None,
                parts=HEALTH_PLAN_PARTS if to_health_plan else (),
                now=moment,
            )
            made += 1
    context.stdout(f"  disclosures: {made} synthetic copies of the record logged")
