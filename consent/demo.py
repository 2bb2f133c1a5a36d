"""Synthetic consents for the demo program, recorded through the service. Every one is made up.

Each in-care demo participant (the first DEMO_LIMIT by record number, so a large benchmark seed
stays quick) signed a consent to treatment and a single 42 CFR Part 2 consent for treatment,
payment and health care operations on the day of admission (of referral before one); those
who attend virtual sessions only signed a consent to telehealth too. Idempotent: a participant
with any consent is left as they are.
"""

from consent import services
from consent.models import TPO_PURPOSE, TPO_RECIPIENTS, ConsentKind, Expiry
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from scheduling.models import AttendanceMode

DEMO_LIMIT = 60
INFORMATION = (
    "My substance use disorder treatment records: diagnoses, assessments, treatment plans, "
    "attendance, medications and drug screen results (synthetic)"
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
