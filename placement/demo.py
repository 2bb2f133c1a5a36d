"""Synthetic level-of-care decisions for the demo program. Every detail is made up.

The newest admissions (the episodes the foundation left in screening with an `Admission`)
are decided first, then admitted through the episode service as intake admits, before any
other module's seeder reads them.

Every admitted (or later) demo episode gets a decision for the IOP, dated the day before
admission, with ratings for which the default rules recommend the IOP; a few screening
episodes get a decision for another level, with a referral out, a few days after the
referral. The decisions on open episodes are recorded through the decision service, each
with its audit event, as a clinician records one the day it is made; the service refuses
decisions on a closed episode, so those of the episodes the foundation made discharged or
transferred out are imported in bulk. Idempotent (episodes with a decision are skipped),
deterministic (one seeded generator per record number).

Then the referral queue is kept as a program keeps it: a referral waiting longer than
`QUEUE_DAYS` was settled through the episode service, referred on to the level its decision
chose or declined (no answer, another program chosen), all but the oldest, the one stuck case
a real queue has.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import LevelOfCare, User
from audit.services import record_event
from participants.demo import Admission, DemoContext
from participants.models import PRE_ADMISSION_STATUSES, Episode, EpisodeStatus
from participants.services import transition_episode
from placement import asam, rules, services
from placement.models import DimensionRating, LevelOfCareDecision, ReferralOut

IN_CARE = (
    EpisodeStatus.ADMITTED,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.DISCHARGED,
    EpisodeStatus.TRANSFERRED_OUT,
)
# Share of screening episodes decided for another level.
ELSEWHERE_SHARE = 0.2
# (level, ratings by dimension, where to, why) for screening participants who need elsewhere.
ELSEWHERE = (
    (
        LevelOfCare.WITHDRAWAL,
        {"1": 3, "2": 1, "3": 2, "4": 2, "5": 3, "6": 2},
        "Harbor Withdrawal Management Unit (synthetic)",
    ),
    (
        LevelOfCare.RESIDENTIAL,
        {"1": 1, "2": 0, "3": 2, "4": 2, "5": 3, "6": 4},
        "Cedar House Residential Program (synthetic)",
    ),
    (
        LevelOfCare.OUTPATIENT,
        {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1, "6": 1},
        "Eastside Outpatient Counseling (synthetic)",
    ),
)
# Why a decision differs from the recommendation when a screening result asked for more.
DIFFERS_BECAUSE = (
    "The screening scores were taken during a crisis week; the interview shows the lower "
    "level is enough, with a review in two weeks."
)
# Days a program lets a referral wait before it is settled: it screens within days, and the
# initiation measure of HEDIS IET counts treatment begun within 14 days of the diagnosis.
QUEUE_DAYS = 14
# Why a referral that waited was declined (synthetic).
DECLINED_BECAUSE = (
    "Did not come to two screening appointments and did not answer three calls.",
    "Chose a program closer to home after the screening call.",
    "No longer wants treatment; given the helpline and the program's number.",
)
NOTES = {
    "1": {1: "Mild shakes in the mornings; no seizures.", 3: "Seizure during past withdrawal."},
    "2": {1: "Blood pressure managed by primary care."},
    "3": {
        1: "Some low mood; copes day to day.",
        2: "Depressed and anxious; no current plan to harm self.",
    },
    "4": {1: "Wants to change; ambivalent about groups.", 2: "Unsure change is possible."},
    "5": {
        1: "Some cravings; knows their triggers.",
        2: "Used again within weeks of last treatment.",
        3: "Daily use despite repeated attempts to stop.",
    },
    "6": {
        1: "Stable housing; supportive partner.",
        2: "Roommate uses; few sober supports.",
        4: "Sleeping in a car; using friends all around.",
    },
}


def seed(context: DemoContext) -> None:
    """Add level-of-care decisions to demo episodes that have none yet."""
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=(*IN_CARE, EpisodeStatus.SCREENING),
            participant__record_number__startswith="DEMO-",
        )
        .exclude(placement_decisions__isnull=False)
        .select_related("participant", "program", "primary_clinician")
        .order_by("participant__record_number")
    )
    intake = context.staff["intake"]
    today = context.program.today()
    closed: list[Decided] = []
    recorded = referrals = 0
    with transaction.atomic():
        for episode in episodes:
            rng = _rng(context, episode)
            by = episode.primary_clinician or intake
            if episode.status == EpisodeStatus.SCREENING:
                if rng.random() >= ELSEWHERE_SHARE:
                    continue
                level, scores, provider = rng.choice(ELSEWHERE)
                on = min(today, episode.referred_on + timedelta(days=rng.randint(2, 6)))
                _record(rng, episode, level, scores, provider, on, intake)
                referrals += 1
            elif episode.is_open:
                on = _day_before(episode, episode.admitted_on or episode.referred_on)
                _record(rng, episode, LevelOfCare.IOP, _iop_ratings(rng), "", on, by)
            else:
                closed.append(_for_the_iop(rng, episode, episode.admitted_on, by.pk))
                continue
            recorded += 1
        if closed:
            referrals += _write(closed)
    if recorded or closed:
        context.stdout(
            f"    {recorded + len(closed)} level-of-care decisions "
            f"({recorded} through the decision service), {referrals} referrals out"
        )


Decided = tuple[LevelOfCareDecision, dict[str, int], str, str]  # decision, ratings, to, why


def _rng(context: DemoContext, episode: Episode) -> random.Random:
    return random.Random(f"{context.rng_seed}:placement:{episode.participant.record_number}")


def _day_before(episode: Episode, admitted: date) -> date:
    """The day before the admission on `admitted`, not before the referral."""
    return max(episode.referred_on, admitted - timedelta(days=1))


def _that_afternoon(episode: Episode, on: date, minute: int) -> datetime:
    """When a decision made on `on` is recorded: that afternoon, or now for one made today."""
    return min(timezone.now(), datetime.combine(on, time(16, minute), tzinfo=episode.program.tz))


def _record(
    rng: random.Random,
    episode: Episode,
    level: str,
    scores: dict[str, int],
    provider: str,
    on: date,
    by: User,
) -> LevelOfCareDecision:
    """Record the decision made on `on` through the service, as its clinician records it that
    afternoon (or now, for one made today), giving the reason the service asks for when the
    results the rules read ask for more than the ratings."""
    now = _that_afternoon(episode, on, rng.randint(0, 59))
    recommended = services.recommend(episode, scores, now=now).level
    return services.record_decision(
        episode,
        ratings=scores,
        notes={d: NOTES[d].get(rating, "") for d, rating in scores.items()},
        chosen_level=level,
        reason="" if recommended == level else DIFFERS_BECAUSE,
        prerequisites_done=True,
        refer_to=provider,
        decided_on=on,
        current_id=None,
        by=by,
        now=now,
    )


def _decision(
    episode: Episode, level: str, scores: dict[str, int], provider: str, on: date, by: int
) -> Decided:
    rule_set = rules.TANDEM_DEFAULT_RULES
    recommendation = rules.evaluate(rule_set, rules.rule_inputs(scores))
    decision = LevelOfCareDecision(
        participant_id=episode.participant_id,
        episode_id=episode.pk,
        rule_set=rule_set.name,
        recommended_level=recommendation.level or "",
        fired_rules=[r.as_dict() for r in recommendation.fired],
        chosen_level=level,
        recorded_by_id=by,
        recorded_at=_that_afternoon(episode, on, 0),
        decided_on=on,
    )
    return decision, scores, provider, " ".join(r.reason for r in recommendation.deciding)


def _for_the_iop(rng: random.Random, episode: Episode, admitted: date | None, by: int) -> Decided:
    """The decision for the IOP made the day before the admission on `admitted`."""
    scores = _iop_ratings(rng)
    on = _day_before(episode, admitted or episode.referred_on)
    return _decision(episode, LevelOfCare.IOP, scores, "", on, by)


def _write(decisions: list[Decided]) -> int:
    """Bulk-insert the decisions with their ratings and referrals out; how many referrals."""
    LevelOfCareDecision.objects.bulk_create([d for d, _, _, _ in decisions], batch_size=2000)
    DimensionRating.objects.bulk_create(
        (
            DimensionRating(
                decision_id=decision.pk,
                dimension=d.id,
                rating=scores[d.id],
                note=NOTES[d.id].get(scores[d.id], ""),
            )
            for decision, scores, _, _ in decisions
            for d in asam.DIMENSIONS
        ),
        batch_size=5000,
    )
    referrals = [
        ReferralOut(
            participant_id=decision.participant_id,
            episode_id=decision.episode_id,
            decision_id=decision.pk,
            to_level=decision.chosen_level,
            to_provider=provider,
            reason=reason,
            recorded_by_id=decision.recorded_by_id,
            made_on=decision.decided_on,
        )
        for decision, _, provider, reason in decisions
        if provider
    ]
    ReferralOut.objects.bulk_create(referrals, batch_size=2000)
    record_event(
        actor=None,
        event_type="demo.imported",
        record_type="placement.LevelOfCareDecision",
        details={"synthetic_demo_import": len(decisions)},
    )
    return len(referrals)


def admit_newest(context: DemoContext) -> None:
    """Admit the foundation's newest admissions through the episode service, as the intake
    coordinator admits: the decision for the IOP that admission needs first, recorded by intake
    (on the care team until the admission) through the decision service, then the admission
    on its day, which puts the primary clinician on the care team, ends intake's place and
    records the status change."""
    admissions: list[Admission] = context.extras.get("admissions", [])
    if not admissions:
        return
    intake = context.staff["intake"]
    episodes = Episode.objects.select_related("participant", "program").in_bulk(
        [a.episode_id for a in admissions]
    )
    with transaction.atomic():
        for admission in admissions:
            episode = episodes[admission.episode_id]
            on = _day_before(episode, admission.on)
            rng = _rng(context, episode)
            _record(rng, episode, LevelOfCare.IOP, _iop_ratings(rng), "", on, intake)
            services.admit(
                episode,
                by=intake,
                on=admission.on,
                primary_clinician=admission.primary_clinician,
                expected_version=episode.version,
            )
    context.stdout(f"    {len(admissions)} admissions through the episode service")


def _iop_ratings(rng: random.Random) -> dict[str, int]:
    """Ratings for which the default rules recommend the IOP: a moderate need in dimension 3
    (every demo participant has a co-occurring or substance-induced disorder), nothing higher."""
    return {
        "1": rng.choice((0, 1, 1)),
        "2": rng.choice((0, 0, 1)),
        "3": 2,
        "4": rng.choice((1, 2)),
        "5": rng.choice((2, 2, 3)),
        "6": rng.choice((1, 2)),
    }


def settle_waiting_referrals(context: DemoContext) -> None:
    """Settle, through the episode service, the demo referrals waiting longer than
    `QUEUE_DAYS`, all but the oldest: one with a referral out is transferred out to it, the
    others are declined, each some days after the referral or the decision, before today."""
    today = context.program.today()
    yesterday = today - timedelta(days=1)
    waiting = list(
        Episode.objects.filter(
            program=context.program,
            status__in=PRE_ADMISSION_STATUSES,
            participant__record_number__startswith="DEMO-",
            referred_on__lt=today - timedelta(days=QUEUE_DAYS),
        )
        .select_related("participant", "program")
        .order_by("referred_on", "pk")
    )[1:]
    referred_out = {
        r.episode_id: r for r in ReferralOut.objects.filter(episode__in=[e.pk for e in waiting])
    }
    intake = context.staff["intake"]
    for episode in waiting:
        rng = random.Random(f"{context.rng_seed}:queue:{episode.participant.record_number}")
        out = referred_out.get(episode.pk)
        if out is not None:
            to_status = EpisodeStatus.TRANSFERRED_OUT
            on = min(yesterday, out.made_on + timedelta(days=rng.randint(2, 7)))
            reason = f"Referred on to {out.to_provider}, the level of care the decision chose."
        else:
            to_status = EpisodeStatus.DECLINED
            on = min(yesterday, episode.referred_on + timedelta(days=rng.randint(5, 12)))
            reason = rng.choice(DECLINED_BECAUSE)
        transition_episode(
            episode,
            to_status=to_status,
            by=intake,
            on=on,
            reason=reason,
            expected_version=episode.version,
            confirmed=True,
            now=datetime.combine(on, time(15, rng.randint(0, 59)), tzinfo=context.program.tz),
            pass_through=True,
        )
    if waiting:
        context.stdout(f"    {len(waiting)} referrals that waited settled")
