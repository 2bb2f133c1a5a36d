"""Synthetic intakes and diagnoses for the demo program. Every detail is made up.

Each demo participant at or past screening gets an intake (signed once admitted) and
diagnoses: most co-occurring (an SUD with an independent mental disorder), a few with a
substance-induced disorder only. Idempotent (episodes that have an intake are skipped),
deterministic (one seeded generator per record number) and bulk-inserted.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from intake import icd10
from intake.models import Diagnosis, DiagnosisStatus, Intake, IntakeSection, IntakeStatus
from intake.services import content_hash
from participants.demo import DemoContext
from participants.models import Episode, EpisodeStatus

AT_OR_PAST_SCREENING = (
    EpisodeStatus.SCREENING,
    EpisodeStatus.ADMITTED,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.DISCHARGED,
    EpisodeStatus.DECLINED,
    EpisodeStatus.TRANSFERRED_OUT,
)
SIGNED_STATUSES = frozenset(
    {
        EpisodeStatus.ADMITTED,
        EpisodeStatus.ACTIVE,
        EpisodeStatus.DISCHARGED,
        EpisodeStatus.TRANSFERRED_OUT,
    }
)

# (SUD code, independent MH code, TEDS primary substance, usual TEDS routes, in plain words)
CO_OCCURRING = (
    ("F10.20", "F33.1", "2", ("1",), "Drinking most days"),
    ("F11.20", "F43.10", "7", ("1", "3"), "Using pain pills and fentanyl"),
    ("F12.20", "F41.1", "4", ("2",), "Smoking cannabis several times a day"),
    ("F15.20", "F43.12", "10", ("2", "4"), "Using methamphetamine"),
    ("F14.20", "F31.81", "3", ("3", "2"), "Using cocaine on weekends and more often lately"),
    ("F10.20", "F41.0", "2", ("1",), "Drinking heavily in the evenings"),
    ("F11.20", "F33.2", "5", ("4", "2"), "Using heroin"),
    ("F13.20", "F43.10", "13", ("1",), "Taking more benzodiazepines than prescribed"),
)
# Substance-induced only: the mood disorder is coded inside the substance's code.
INDUCED_ONLY = (
    ("F10.24", "2", ("1",), "Drinking daily"),
    ("F15.24", "10", ("2",), "Using methamphetamine"),
    ("F14.24", "3", ("3",), "Using cocaine"),
)
MOOD = {
    "F33.1": "Low mood most days for a year; lost interest in things they used to enjoy.",
    "F33.2": "Long spells of deep depression since their twenties, the worst one now.",
    "F43.10": "Nightmares and flashbacks since an assault; drinks or uses to sleep.",
    "F43.12": "Years of nightmares, startle and avoidance after childhood abuse.",
    "F41.1": "Worries all day about money and health; cannot switch off at night.",
    "F41.0": "Sudden panic attacks at work and in shops; avoids going out.",
    "F31.81": "Weeks of high energy and little sleep, then weeks of depression.",
}
GOALS = (
    "Stay sober and keep my job.",
    "Be there for my kids.",
    "Sleep through the night without using.",
    "Get my driver's license back.",
    "Feel less anxious around people.",
    "Stop hiding things from my partner.",
    "Go back to school next year.",
)
REFERRAL_SOURCE = {
    "Self": "1",
    "Primary care": "3",
    "Emergency department": "3",
    "Inpatient unit step-down": "2",
    "Court": "7",
    "Employer EAP": "5",
}
CONDITIONS = ("None known", "High blood pressure", "Asthma", "Hepatitis C, treated", "Back pain")
MEDICATIONS = ("None", "Sertraline 50 mg daily", "Lisinopril 10 mg daily", "Albuterol as needed")
TRAUMA = (
    "Did not want to talk about it today.",
    "Grew up with a parent who drank; violence at home.",
    "Assaulted in their twenties.",
    "Car crash two years ago; a friend died.",
)
FAMILY = ("Lives with partner and two children.", "Close to a sister.", "Estranged from parents.")
SUPPORTS = ("A friend from work.", "Sister and a neighbour.", "A sponsor from a past program.")
STRENGTHS = (
    "Determined; has stayed sober for months before.",
    "Good with their hands; proud of their work.",
    "Loves their children; funny and warm.",
    "Curious and reads a lot.",
)
BARRIER_SETS = (
    (),
    ("transport",),
    ("childcare",),
    ("work_shifts",),
    ("internet",),
    ("transport", "childcare"),
)


def seed(context: DemoContext) -> None:
    """Add intakes and diagnoses to demo episodes that have none yet."""
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=AT_OR_PAST_SCREENING,
            participant__record_number__startswith="DEMO-",
        )
        .exclude(intakes__isnull=False)
        .select_related("participant", "program")
        .order_by("participant__record_number")
    )
    if not episodes:
        return
    intake_user = context.staff["intake"]
    today = context.program.today()
    plans = []
    for episode in episodes:
        rng = random.Random(f"{context.rng_seed}:intake:{episode.participant.record_number}")
        plans.append(_plan(rng, episode, intake_user.pk, today))
    with transaction.atomic():
        Intake.objects.bulk_create([intake for intake, _, _ in plans], batch_size=2000)
        IntakeSection.objects.bulk_create(
            (
                IntakeSection(
                    intake_id=intake.pk, key=key, data=values, recorded_by_id=intake_user.pk
                )
                for intake, data, _ in plans
                for key, values in data.items()
            ),
            batch_size=2000,
        )
        Diagnosis.objects.bulk_create(
            (d for _, _, diagnoses in plans for d in diagnoses), batch_size=2000
        )
        record_event(
            actor=None,
            event_type="demo.imported",
            record_type="intake.Intake",
            details={"synthetic_demo_import": len(plans)},
        )
    context.stdout(f"    {len(plans)} intakes with diagnoses")


def _plan(rng: random.Random, episode: Episode, intake_user_id: int, today) -> tuple:
    """(the intake, its sections' data by key, its diagnoses) for one episode."""
    signed = episode.status in SIGNED_STATUSES
    clinician_id = episode.primary_clinician_id or intake_user_id
    made_on = min(today, episode.referred_on + timedelta(days=rng.randint(1, 4)))
    if rng.random() < 0.85:
        sud, mh, substance, routes, use = rng.choice(CO_OCCURRING)
        codes = [sud, mh]
        mood = MOOD[mh]
    else:
        sud, substance, routes, use = rng.choice(INDUCED_ONLY)
        codes = [sud]
        mood = "Low mood that started with the heavy use and lifts in sober weeks."
    data = _sections(rng, episode, substance, routes, use, mood, signed, made_on)
    intake = Intake(
        participant_id=episode.participant_id,
        episode_id=episode.pk,
        number=1,
        recorded_by_id=intake_user_id,
    )
    if signed:
        intake.status = IntakeStatus.SIGNED
        intake.signed_by_id = clinician_id
        intake.signed_at = timezone.make_aware(datetime.combine(made_on, time(16, 30)))
        intake.content_sha256 = content_hash(data)
        intake.version = 2
    status = DiagnosisStatus.CONFIRMED if signed else DiagnosisStatus.PROVISIONAL
    diagnoses = [
        Diagnosis(
            participant_id=episode.participant_id,
            episode_id=episode.pk,
            **found.diagnosis_fields(),
            status=status,
            recorded_by_id=clinician_id,
            made_on=made_on,
        )
        for found in (icd10.CODES[code] for code in codes)
    ]
    return intake, data, diagnoses


def _sections(rng, episode, substance, routes, use, mood, signed, made_on) -> dict:
    years = rng.randint(2, 15)
    data = {
        "presenting": {
            "presenting_problem": f"{use} for {years} years. {mood}",
            "participant_goals": rng.choice(GOALS),
            "referral_source": REFERRAL_SOURCE.get(episode.referral_source, "1"),
        },
        "substance_use": {
            "sub1": substance,
            "route1": rng.choice(routes),
            "freq1": rng.choice(("2", "3", "3")),
            "first_use_age1": rng.randint(12, 26),
            "last_use1": (made_on - timedelta(days=rng.randint(1, 12))).isoformat(),
            "prior_treatment_episodes": rng.choice((0, 0, 1, 2, 3)),
        },
        "mental_health": {
            "history": mood,
            "hospitalisations": rng.choice((0, 0, 0, 1, 2)),
        },
    }
    second = rng.choice(("", "", "4", "2", "13"))
    if second and second != substance:
        data["substance_use"].update(sub2=second, freq2="2")
    if substance in ("5", "7"):
        data["substance_use"]["medication_for_addiction"] = "Buprenorphine, started last month"
    if not signed:
        return data
    data.update(
        medical={"conditions": rng.choice(CONDITIONS), "medications": rng.choice(MEDICATIONS)},
        living={
            "housing": rng.choice(("3", "3", "3", "2", "1")),
            "employment": rng.choice(("1", "2", "3", "4")),
            "education": rng.choice(("2", "3", "3", "4", "5")),
        },
        strengths={"strengths": rng.choice(STRENGTHS)},
    )
    # Not every participant talks about everything at the first meeting.
    if rng.random() < 0.4:
        data["trauma"] = {"history": rng.choice(TRAUMA), "safe_now": rng.choice(("yes", "unsure"))}
    if rng.random() < 0.4:
        data["supports"] = {
            "family": rng.choice(FAMILY),
            "social_supports": rng.choice(SUPPORTS),
            "self_help": rng.choice(("1", "1", "2", "5")),
        }
    if episode.referral_source == "Court":
        data["legal"] = {"arrests": rng.choice(("0", "1")), "legal_status": "On probation."}
    barriers = rng.choice(BARRIER_SETS)
    if barriers:
        data["barriers"] = {"barriers": list(barriers)}
    return data
