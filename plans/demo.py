"""Synthetic treatment plans for the demo program. Every detail is made up.

Every demo participant in care (admitted or active) gets a signed plan a few days after
admission, built from what their record says (the problems suggested from their diagnoses and
level-of-care ratings), with goals in plain first-person words that fit the diagnosis a
problem addresses, objectives bound to the questionnaire that measures it (PHQ-9 for a
depressive disorder, GAD-7 for an anxiety disorder, PCL-5 for PTSD), and interventions from
the program's list. Most plans are acknowledged in person. Each plan was then reviewed through
the review service whenever the program's interval came round, a few days early and on a
weekday, as a team meeting does it; about
one in seven let its latest review slip past the due date, so the reviews due show a genuine
overdue one beside those coming due this week. Idempotent (episodes with a plan are skipped),
deterministic (one seeded generator per record number).
"""

import random
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.db import transaction

from audit.services import record_event
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from plans import selectors, services
from plans.models import (
    CLOSING_OUTCOMES,
    AcknowledgedVia,
    Acknowledgement,
    Goal,
    Intervention,
    Modality,
    Objective,
    ObjectiveOutcome,
    Problem,
    ProblemDomain,
    ReviewReason,
    TreatmentPlan,
)

T = TypeVar("T")

# Synthetic goal wording, by domain; the participant's "own words".
GOALS = {
    ProblemDomain.SUBSTANCE_USE: (
        "I don't want to use when things get hard.",
        "I want to stay sober for my kids.",
    ),
    ProblemDomain.MENTAL_HEALTH: (
        "I want to stop feeling so low all the time.",
        "I want to feel like myself again.",
    ),
    ProblemDomain.MEDICAL: ("I want to keep my health appointments.",),
    ProblemDomain.SOCIAL: ("I want people around me who don't use.",),
    ProblemDomain.HOUSING: ("I want a safe place to live.",),
    ProblemDomain.WORK: ("I want to get back to work.",),
    ProblemDomain.LEGAL: ("I want to finish what the court asked of me.",),
    ProblemDomain.OTHER: ("I want things to get steadier.",),
}
# Goals that fit the diagnosis a problem addresses, by ICD-10-CM code prefix (the longest
# that matches wins), so a plan for opioid use does not speak of drinking.
GOALS_BY_DIAGNOSIS = {
    "F10": (
        "I want to stop drinking and get my mornings back.",
        "I don't want to drink when things get hard.",
    ),
    "F11": ("I want to stay off pills and fentanyl for good.", "I want to be there for my kids."),
    "F12": ("I want to get through a day without smoking weed.",),
    "F13": ("I want to take only what my doctor prescribes.",),
    "F14": ("I want to stop using cocaine and keep my job.",),
    "F15": ("I want to stop using meth and sleep normally again.",),
    "F31": ("I want my moods to stay steadier.",),
    "F32": GOALS[ProblemDomain.MENTAL_HEALTH],
    "F33": GOALS[ProblemDomain.MENTAL_HEALTH],
    "F41.0": ("I want to go to the shops without panicking.",),
    "F41.1": ("I want to stop worrying all day and sleep at night.",),
    "F43.1": ("I want to sleep through the night without nightmares.",),
}
# (objective text, measure, comparator, target, modalities, frequency, role) per domain.
ObjectiveSeed = tuple[str, str, str, int | None, tuple[str, ...], str, str]
# Targets are the published cut-offs the instruments' bands use (docs/instruments.md):
# PHQ-9 and GAD-7 "moderate" from 10, PCL-5 probable PTSD from 33.
DEPRESSION_OBJECTIVE: ObjectiveSeed = (
    "Depressive symptoms below the moderate range (PHQ-9 below 10)",
    "phq-9",
    "lt",
    10,
    ("DBT skills", "Medication management"),
    "Weekly",
    "therapist",
)
OBJECTIVES: dict[ProblemDomain, ObjectiveSeed] = {
    ProblemDomain.SUBSTANCE_USE: (
        "Name three personal triggers and a plan for each",
        "",
        "",
        None,
        ("Relapse prevention", "Group CBT"),
        "3 times a week",
        "counsellor",
    ),
    ProblemDomain.MENTAL_HEALTH: DEPRESSION_OBJECTIVE,
    ProblemDomain.MEDICAL: (
        "Attend every primary-care appointment this month",
        "",
        "",
        None,
        ("Case management",),
        "Every 2 weeks",
        "case_manager",
    ),
}
# Objectives bound to the questionnaire that measures the diagnosis, by code prefix.
OBJECTIVES_BY_DIAGNOSIS: dict[str, ObjectiveSeed] = {
    "F31": DEPRESSION_OBJECTIVE,
    "F32": DEPRESSION_OBJECTIVE,
    "F33": DEPRESSION_OBJECTIVE,
    "F41": (
        "Anxiety below the moderate range (GAD-7 below 10)",
        "gad-7",
        "lt",
        10,
        ("Group CBT", "Mindfulness-based stress reduction"),
        "Weekly",
        "therapist",
    ),
    "F43.1": (
        "PTSD symptoms below the probable-PTSD range (PCL-5 below 33)",
        "pcl-5",
        "lt",
        33,
        ("Trauma-focused group", "Medication management"),
        "Weekly",
        "therapist",
    ),
}
# A second objective for a domain, when a plan's earlier problem already took the first: a
# clinician does not write the same objective twice into one plan.
SECOND_OBJECTIVES: dict[ProblemDomain, ObjectiveSeed] = {
    ProblemDomain.SUBSTANCE_USE: (
        "Use a coping skill from group when a craving comes, and tell the group how it went",
        "",
        "",
        None,
        ("Relapse prevention",),
        "Weekly",
        "counsellor",
    ),
    ProblemDomain.MENTAL_HEALTH: (
        "Use one distress-tolerance skill each day and say which on the daily check-in",
        "",
        "",
        None,
        ("DBT skills",),
        "Daily",
        "therapist",
    ),
}
DEFAULT_OBJECTIVE: ObjectiveSeed = (
    "Take one concrete step each week and report it in group",
    "",
    "",
    None,
    ("Peer support", "Case management"),
    "Weekly",
    "peer",
)

# Share of plans whose latest review slipped past its due date.
LAPSED_SHARE = 0.15
# What a review that kept the plan unchanged found, in the clinician's words (synthetic).
REVIEW_NOTES = (
    "Reviewed with the participant: goals still fit and the objectives are on track; "
    "the plan continues unchanged.",
    "Team review: steady attendance and fewer cravings; no change to the plan.",
    "Reviewed the objectives with the participant; progress is slow but the plan still fits.",
    "Reviewed at the weekly team meeting; the participant wants to keep the same goals.",
)

# What a review says of an objective whose date has come: (outcome, comment, weight). A
# measured objective's progress is read from the record beside it, and the demo's readings
# are not drawn to agree with a judgement, so the demo's team keeps those going.
OUTCOMES_UNMEASURED = (
    (ObjectiveOutcome.MET, "Done, and the participant described it in group.", 6),
    (ObjectiveOutcome.CONTINUED, "Started but not finished; keep it on the plan.", 3),
    (ObjectiveOutcome.DISCONTINUED, "No longer fits what the participant is working on.", 1),
)
OUTCOMES_MEASURED = (
    (ObjectiveOutcome.CONTINUED, "Keep the same target; read it on the record.", 1),
)

# The problem a plan starts from when the record suggests none.
NO_SUGGESTION = selectors.Suggestion(
    key="",
    domain=ProblemDomain.SUBSTANCE_USE,
    statement="Substance use",
    source="",
    source_record="",
    dimensions=("5",),
)


def seed(context: DemoContext) -> None:
    """A signed plan for each demo episode in care that has none yet."""
    episodes = list(
        Episode.objects.filter(
            program=context.program,
            status__in=IN_CARE_STATUSES,
            participant__record_number__startswith="DEMO-",
            admitted_on__isnull=False,
        )
        .exclude(treatment_plans__isnull=False)
        .select_related("participant", "program")
        .order_by("participant__record_number")
    )
    if not episodes:
        return
    modalities = {m.name: m for m in Modality.objects.filter(program=context.program)}
    fallback = context.staff["intake"]
    today = context.program.today()
    tz = context.program.tz
    made = 0
    signed: list[tuple[TreatmentPlan, int, date, random.Random]] = []
    with transaction.atomic():
        for episode in episodes:
            rng = random.Random(f"{context.rng_seed}:plans:{episode.participant.record_number}")
            signer_id = episode.primary_clinician_id or fallback.pk
            if episode.admitted_on is None:
                continue
            signed_on = min(today, episode.admitted_on + timedelta(days=rng.randint(2, 6)))
            signed_at = datetime.combine(signed_on, time(15, rng.randint(0, 59)), tzinfo=tz)
            plan = TreatmentPlan.objects.create(
                participant=episode.participant,
                episode=episode,
                number=1,
                recorded_by_id=signer_id,
                recorded_at=signed_at - timedelta(hours=1),
            )
            found = selectors.suggestions(episode, None)[:3] or [NO_SUGGESTION]
            written: set[str] = set()
            for order, suggestion in enumerate(found):
                domain = suggestion.domain
                problem = Problem.objects.create(
                    plan=plan,
                    order=order,
                    domain=domain,
                    statement=suggestion.statement,
                    dimensions=list(suggestion.dimensions),
                    source=suggestion.source,
                    source_record=suggestion.source_record,
                )
                codes: list[str] = []
                if suggestion.diagnoses:
                    addressed = list(episode.diagnoses.filter(public_id__in=suggestion.diagnoses))
                    problem.diagnoses.set(addressed)
                    codes = [d.code for d in addressed]
                goal = Goal.objects.create(
                    plan=plan,
                    problem=problem,
                    text=rng.choice(
                        _by_diagnosis(GOALS_BY_DIAGNOSIS, codes)
                        or GOALS.get(domain, GOALS[ProblemDomain.OTHER])
                    ),
                )
                seed = _by_diagnosis(OBJECTIVES_BY_DIAGNOSIS, codes) or OBJECTIVES.get(
                    domain, DEFAULT_OBJECTIVE
                )
                for other in (SECOND_OBJECTIVES.get(domain), DEFAULT_OBJECTIVE):
                    if seed[0] in written and other is not None:
                        seed = other
                written.add(seed[0])
                text, key, comparator, target, names, frequency, role = seed
                objective = Objective.objects.create(
                    plan=plan,
                    goal=goal,
                    text=text,
                    target_date=signed_on + timedelta(days=rng.choice((30, 45, 60))),
                    measure_key=key,
                    comparator=comparator,
                    target_value=target,
                )
                Intervention.objects.bulk_create(
                    Intervention(
                        plan=plan,
                        objective=objective,
                        order=i,
                        modality=modalities[name],
                        frequency=frequency,
                        responsible_role=role,
                    )
                    for i, name in enumerate(names)
                    if name in modalities
                )
            digest = services.content_hash(services.plan_content(plan))
            TreatmentPlan.objects.filter(pk=plan.pk).update(
                signed_at=signed_at, signed_by_id=signer_id, content_sha256=digest
            )
            plan.signed_at, plan.signed_by_id = signed_at, signer_id
            signed.append((plan, signer_id, signed_on, rng))
            if rng.random() < 0.85:
                Acknowledgement.objects.create(
                    plan=plan,
                    via=AcknowledgedVia.IN_PERSON,
                    recorded_by_id=signer_id,
                    recorded_at=signed_at + timedelta(minutes=5),
                )
            made += 1
        record_event(
            actor=None,
            event_type="demo.imported",
            record_type="plans.TreatmentPlan",
            details={"synthetic_demo_import": made},
        )
        services.keep_review_schedule(
            Episode.objects.filter(program=context.program).values_list("pk", flat=True)
        )
    users = {user.pk: user for user in context.staff.values()}
    interval = context.program.plan_review_interval_days
    reviews = judged = 0
    for plan, signer_id, signed_on, rng in signed:
        closed: set[int] = set()
        for reviewed_on in _reviews(signed_on, interval, today, rng):
            outcomes = _outcomes(plan, reviewed_on, closed, rng)
            services.record_review(
                plan,
                by=users[signer_id],
                reason=ReviewReason.SCHEDULED,
                note=rng.choice(REVIEW_NOTES),
                reviewed_on=reviewed_on,
                outcomes=outcomes,
                now=datetime.combine(reviewed_on, time(16, rng.randint(0, 59)), tzinfo=tz),
            )
            reviews += 1
            judged += len(outcomes)
    context.stdout(
        f"    {made} signed treatment plans, {reviews} reviews judging {judged} objectives"
    )


def _outcomes(
    plan: TreatmentPlan, reviewed_on: date, closed: set[int], rng: random.Random
) -> list[dict[str, str]]:
    """What a review judged: each objective whose date has come and that no earlier review
    closed (met or discontinued), as a team takes up at a review the objectives due."""
    judged = []
    for objective in plan.objectives.order_by("order"):
        if objective.pk in closed or objective.target_date > reviewed_on:
            continue
        choices = OUTCOMES_MEASURED if objective.measure_key else OUTCOMES_UNMEASURED
        outcome, comment, _ = rng.choices(choices, weights=[w for *_, w in choices])[0]
        if outcome in CLOSING_OUTCOMES:
            closed.add(objective.pk)
        judged.append(
            {"objective": str(objective.public_id), "outcome": outcome, "comment": comment}
        )
    return judged


def _by_diagnosis(table: Mapping[str, T], codes: list[str]) -> T | None:
    """The entry for the longest code prefix any of `codes` starts with."""
    found = [
        (len(prefix), table[prefix]) for c in codes for prefix in table if c.startswith(prefix)
    ]
    return max(found, key=lambda pair: pair[0])[1] if found else None


def _weekday(day: date) -> date:
    """The Friday before a weekend day, as the team does not meet at weekends."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _reviews(signed_on: date, interval: int, today: date, rng: random.Random) -> list[date]:
    """The days a plan signed on `signed_on` was reviewed: up to four days before each due
    date, on a weekday, before today; a lapsed plan misses its latest one when that leaves it
    overdue."""
    done: list[date] = []
    due = signed_on + timedelta(days=interval)
    while (
        reviewed_on := max(signed_on, _weekday(due - timedelta(days=rng.randint(0, 4))))
    ) < today:
        done.append(reviewed_on)
        due = reviewed_on + timedelta(days=interval)
    if rng.random() < LAPSED_SHARE and done:
        previous = done[-2] if len(done) > 1 else signed_on
        if previous + timedelta(days=interval) < today:
            done.pop()
    return done
