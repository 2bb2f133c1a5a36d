"""Reads of the treatment plan that pages and the API share, each in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from accounts.models import Program
from intake.models import Diagnosis, Intake
from participants.access import caseload
from participants.models import IN_CARE_STATUSES, LEAVING_CARE_STATUSES, Episode, Participant
from placement.models import DIMENSION_NAMES as _DIMENSION_NAMES
from placement.models import DimensionRating
from placement.selectors import IN_EFFECT_ORDER, counted_decisions, current_decision
from plans import measures
from plans.models import (
    CLOSING_OUTCOMES,
    Acknowledgement,
    Cosignature,
    Intervention,
    Objective,
    PlanReview,
    ProblemDomain,
    ReviewedObjective,
    ReviewSchedule,
    TreatmentPlan,
)
from plans.review_rule import next_review
from tandem.paging import page_of
from tandem.templatetags.clock import day

# A review this many days ahead shows as due; past its date it is overdue. A display window,
# not a clinical rule.
DUE_SOON_DAYS = 7
DIMENSION_NAMES = _DIMENSION_NAMES


def plans_of(participant: Participant) -> list[TreatmentPlan]:
    """Every version of every plan of the participant, newest first (history included), with
    what `plan_view` reads alongside, so the plan tab shows the one in force without reading
    it again."""
    return list(
        TreatmentPlan.objects.filter(participant=participant)
        .select_related(*PLAN_SHOWN_WITH)
        .order_by("-episode__referred_on", "-episode_id", "-number")
    )


def reviews_among(versions: list[TreatmentPlan]) -> list[PlanReview]:
    """The reviews that kept one of these versions unchanged, newest first: the plan tab's
    record of each review, what it found of the plan and of each objective it judged, and who
    made it. Those entered in error stay in the list, with who withdrew them, when and why, so
    the history stays whole; what counts reads `counted_review` (two queries; one when there
    is none)."""
    if not versions:
        return []
    return list(
        PlanReview.objects.filter(plan__in=[v.pk for v in versions])
        .select_related("recorded_by", "plan", "entered_in_error_by")
        .prefetch_related(
            Prefetch(
                "outcomes",
                ReviewedObjective.objects.select_related("objective").order_by(
                    "objective__goal__problem__order",
                    "objective__goal__order",
                    "objective__order",
                    "objective_id",
                ),
            )
        )
        .order_by("-reviewed_on", "-recorded_at")
    )


def counted_review(reviews: list[PlanReview]) -> PlanReview | None:
    """The latest review of `reviews_among`'s list that still counts: not entered in error."""
    return next((r for r in reviews if not r.entered_in_error), None)


def in_force_among(versions: list[TreatmentPlan]) -> TreatmentPlan | None:
    """`plan_in_force` picked from `plans_of`'s list, which is in the same order."""
    return next((p for p in versions if p.is_signed and p.entered_in_error_at is None), None)


def draft_among(versions: list[TreatmentPlan]) -> TreatmentPlan | None:
    """`open_draft` picked from `plans_of`'s list: the highest-numbered draft in force."""
    drafts = [p for p in versions if not p.is_signed and p.entered_in_error_at is None]
    return max(drafts, key=lambda p: p.number, default=None)


def plan_in_force(participant: Participant) -> TreatmentPlan | None:
    """The newest signed version not entered in error, of the participant's latest episode with one."""
    return (
        TreatmentPlan.objects.current()
        .filter(participant=participant, signed_at__isnull=False)
        .select_related("episode__program", "signed_by")
        .order_by("-episode__referred_on", "-episode_id", "-number")
        .first()
    )


def open_draft(participant: Participant) -> TreatmentPlan | None:
    return (
        TreatmentPlan.objects.current()
        .filter(participant=participant, signed_at__isnull=True)
        .select_related("episode__program")
        .order_by("-number")
        .first()
    )


def active_objectives(participant: Participant) -> list[Objective]:
    """The objectives of the plan in force: what a progress note can address."""
    plan = plan_in_force(participant)
    if plan is None:
        return []
    return list(
        plan.objectives.select_related("goal__problem").order_by(
            "goal__problem__order", "goal__order", "order", "pk"
        )
    )


@dataclass
class PlanView:
    """A plan version with its rows arranged problem → goal → objective → intervention and
    each measure-bound objective's progress."""

    plan: TreatmentPlan
    problems: list = field(default_factory=list)
    progress: dict = field(default_factory=dict)
    acknowledgement: Acknowledgement | None = None
    cosignature: Cosignature | None = None

    @property
    def objectives(self) -> list[Objective]:
        """Every objective in the plan's order (problem, goal, objective)."""
        return [o for p in self.problems for g in p.goal_rows for o in g.objective_rows]


# What a plan page shows alongside a plan: read with the plan itself, in one join.
PLAN_SHOWN_WITH = (
    "episode__program",
    "signed_by",
    "recorded_by",
    "revises",
    "acknowledgement",
    "cosignature__recorded_by",
)
PLAN_PARTS = (
    "problems__diagnoses",
    "goals",
    "objectives",
    Prefetch("interventions", queryset=Intervention.objects.select_related("modality")),
)


def plan_view(plan: TreatmentPlan, *, with_progress: bool = True, loaded: bool = False) -> PlanView:
    """Six queries for a plan of any size (plus one per bound measure for progress); five
    when the plan is `loaded` from `plans_of`, which already read what is shown with it."""
    if loaded:
        prefetch_related_objects([plan], *PLAN_PARTS)
    else:
        plan = (
            TreatmentPlan.objects.select_related(*PLAN_SHOWN_WITH)
            .prefetch_related(*PLAN_PARTS)
            .get(pk=plan.pk)
        )
    goals_by_problem: dict[int, list] = {}
    for g in plan.goals.all():
        g.objective_rows = []
        goals_by_problem.setdefault(g.problem_id, []).append(g)
    objectives = {o.pk: o for o in plan.objectives.all()}
    goals = {g.pk: g for gs in goals_by_problem.values() for g in gs}
    for o in objectives.values():
        o.intervention_rows = []
        goals[o.goal_id].objective_rows.append(o)
    for i in plan.interventions.all():
        objectives[i.objective_id].intervention_rows.append(i)
    problems = []
    for p in plan.problems.all():
        p.goal_rows = goals_by_problem.get(p.pk, [])
        p.dimension_names = [f"{d} — {DIMENSION_NAMES.get(d, '')}" for d in p.dimensions]
        problems.append(p)
    progress = (
        measures.progress_of(objectives.values(), plan.participant_id, episode_id=plan.episode_id)
        if with_progress
        else {}
    )
    today = in_care_today(plan) if with_progress else None
    outcomes = latest_outcomes(plan, objectives.values()) if with_progress else {}
    for o in objectives.values():
        o.progress = progress.get(o.pk)
        o.outcome = outcomes.get(o.pk)
        o.past_its_date = past_its_date(o, o.progress, today, o.outcome) if with_progress else None
    return PlanView(plan, problems, progress, _acknowledgement(plan), _cosignature(plan))


def in_care_today(plan: TreatmentPlan) -> date | None:
    """The program's today while the plan's stay is in care; None once it has ended, when an
    objective's date no longer calls for a review."""
    return plan.episode.program.today() if plan.episode.status in IN_CARE_STATUSES else None


def past_its_date(
    objective: Objective,
    progress: measures.Progress | None,
    today: date | None,
    outcome: ReviewedObjective | None = None,
) -> bool:
    """Still open after the date it was to be reached by, in a stay still in care: the plan's
    review should take it up (a new date, or a revision). Met means its measure's latest reading
    meets the target, or a review judged it met or discontinued (`outcome`, the latest); an
    objective without a measure is never read as met, so only a review closes it. A review
    that continued it leaves the date as it is: a new date is a revision."""
    if today is None or objective.target_date >= today:
        return False
    if outcome is not None and outcome.outcome in CLOSING_OUTCOMES:
        return False
    return not (progress is not None and progress.met)


# What makes an objective the same objective as written, from one version to the next.
_AS_WRITTEN = ("text", "target_date", "measure_key", "comparator", "target_value")


def latest_outcomes(
    plan: TreatmentPlan, objectives: Iterable[Objective]
) -> dict[int, ReviewedObjective]:
    """Each objective's latest outcome judged at a review (by review date, then when it was
    recorded), keyed by the objective's pk. An outcome belongs to the version reviewed; a
    revision's objective carries it on only while it is copied unchanged (the same words,
    date, measure and target) through every version back to the one reviewed, so a revision
    that gave a continued objective a new date starts it afresh. Reviews and versions entered
    in error count for nothing. One query for a first version, two for a revision."""
    shown = list(objectives)
    if not shown:
        return {}
    chains: dict[int, list[int]] = {o.pk: [o.pk] for o in shown}
    if plan.revises_id is not None:
        earlier: dict[tuple[int, object], dict] = {
            (row["plan_id"], row["lineage"]): row
            for row in Objective.objects.filter(
                plan__episode_id=plan.episode_id,
                plan__number__lt=plan.number,
                plan__signed_at__isnull=False,
                plan__entered_in_error_at__isnull=True,
                lineage__in={o.lineage for o in shown},
            ).values("pk", "plan_id", "plan__revises_id", "lineage", *_AS_WRITTEN)
        }
        for o in shown:
            written = tuple(getattr(o, name) for name in _AS_WRITTEN)
            before = earlier.get((plan.revises_id, o.lineage))
            while before is not None and tuple(before[n] for n in _AS_WRITTEN) == written:
                chains[o.pk].append(before["pk"])
                before = earlier.get((before["plan__revises_id"], o.lineage))
    owner = {pk: shown_pk for shown_pk, chain in chains.items() for pk in chain}
    latest: dict[int, ReviewedObjective] = {}
    for row in (
        ReviewedObjective.objects.current()
        .filter(
            objective_id__in=owner,
            review__entered_in_error_at__isnull=True,
            review__plan__entered_in_error_at__isnull=True,
        )
        .select_related("review__plan")
        .order_by("-review__reviewed_on", "-review__recorded_at", "-pk")
    ):
        latest.setdefault(owner[row.objective_id], row)
    return latest


def _acknowledgement(plan: TreatmentPlan) -> Acknowledgement | None:
    try:
        return plan.acknowledgement
    except Acknowledgement.DoesNotExist:
        return None


def _cosignature(plan: TreatmentPlan) -> Cosignature | None:
    try:
        return plan.cosignature
    except Cosignature.DoesNotExist:
        return None


# ---------------------------------------------------------------------------------------
# Suggestions


@dataclass(frozen=True)
class Suggestion:
    """A problem the record points to, with the record it came from."""

    key: str
    domain: ProblemDomain
    statement: str
    source: str
    source_record: str
    diagnoses: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()


DIAGNOSIS_DOMAIN = {
    "sud": ProblemDomain.SUBSTANCE_USE,
    "use": ProblemDomain.SUBSTANCE_USE,
    "mh": ProblemDomain.MENTAL_HEALTH,
    "risk": ProblemDomain.MENTAL_HEALTH,
}
# ASAM dimension → the plan domain a rated problem in it belongs to.
DIMENSION_DOMAIN = {
    "1": ProblemDomain.SUBSTANCE_USE,
    "2": ProblemDomain.MEDICAL,
    "3": ProblemDomain.MENTAL_HEALTH,
    "4": ProblemDomain.SUBSTANCE_USE,
    "5": ProblemDomain.SUBSTANCE_USE,
    "6": ProblemDomain.SOCIAL,
}
# Answers of the signed intake (TEDS codes, intake/teds.py) that name a problem by themselves.
INTAKE_FACTS: tuple[tuple[str, str, frozenset[str], ProblemDomain, str], ...] = (
    ("living", "housing", frozenset({"1"}), ProblemDomain.HOUSING, "Homeless at intake"),
    ("living", "employment", frozenset({"3"}), ProblemDomain.WORK, "Unemployed at intake"),
    (
        "legal",
        "arrests",
        frozenset({"1", "2"}),
        ProblemDomain.LEGAL,
        "Arrested in the 30 days before intake",
    ),
)
# Ratings at or above this (2 — moderate, on the 0–4 scale) are suggested as problems.
RATING_SUGGESTED_FROM = 2


def suggestions(episode: Episode, plan: TreatmentPlan | None = None) -> list[Suggestion]:
    """Problems suggested from the episode's record: each active diagnosis, each ASAM
    dimension rated moderate or higher in the level-of-care decision in force, and the
    answers of the newest signed intake that name a problem (homeless, unemployed, arrested).
    Nothing is suggested that the record does not say; rows already on the plan are left out."""
    taken = set()
    if plan is not None:
        taken = set(plan.problems.values_list("source_record", flat=True))
    signed_intake = (
        Intake.objects.filter(
            episode=episode, signed_at__isnull=False, entered_in_error_at__isnull=True
        )
        .order_by("-number")
        .first()
    )
    found: list[Suggestion] = []
    diagnoses = (
        Diagnosis.objects.current()
        .filter(episode=episode, status__in=("provisional", "confirmed"))
        .order_by("made_on", "pk")
    )
    for d in diagnoses:
        key = f"intake.Diagnosis:{d.public_id}"
        if key in taken:
            continue
        found.append(
            Suggestion(
                key=key,
                domain=DIAGNOSIS_DOMAIN.get(d.kind, ProblemDomain.OTHER),
                statement=f"{d.description} ({d.code})",
                source=f"Diagnosis {d.code}, {d.get_status_display().lower()}, made {day(d.made_on)}",
                source_record=key,
                diagnoses=(str(d.public_id),),
            )
        )
    decision = current_decision(episode)
    if decision is not None:
        for r in DimensionRating.objects.filter(
            decision=decision, rating__gte=RATING_SUGGESTED_FROM
        ):
            key = f"placement.DimensionRating:{decision.public_id}:{r.dimension}"
            if key in taken:
                continue
            found.append(
                Suggestion(
                    key=key,
                    domain=DIMENSION_DOMAIN.get(r.dimension, ProblemDomain.OTHER),
                    statement=f"Dimension {r.dimension} ({r.dimension_name}) rated {r.rating}"
                    + (f": {r.note}" if r.note else ""),
                    source=f"Level-of-care decision of {day(decision.decided_on)}, "
                    f"dimension {r.dimension} rated {r.rating}",
                    source_record=key,
                    dimensions=(r.dimension,),
                )
            )
    if signed_intake is not None:
        data = {row.key: row.data for row in signed_intake.sections.all()}
        for section, name, value, domain, statement in INTAKE_FACTS:
            answer = str((data.get(section) or {}).get(name, ""))
            if answer not in value:
                continue
            key = f"intake.Intake:{signed_intake.public_id}:{section}.{name}"
            if key in taken:
                continue
            found.append(
                Suggestion(
                    key=key,
                    domain=domain,
                    statement=statement,
                    source=f"Signed intake (version {signed_intake.number}), {section} section",
                    source_record=key,
                )
            )
    return found


# ---------------------------------------------------------------------------------------
# Reviews due


@dataclass(frozen=True)
class ReviewDue:
    episode: Episode
    plan: TreatmentPlan | None
    due_on: date | None
    reason: str  # "no_plan", "scheduled", "level_of_care"
    overdue: bool

    @property
    def reason_label(self) -> str:
        return {
            "no_plan": "No signed plan yet",
            "scheduled": "Review interval reached",
            "level_of_care": "Level of care changed",
        }[self.reason]


def reviews_due(
    episodes: list[Episode], *, today: date, window_days: int = DUE_SOON_DAYS
) -> list[ReviewDue]:
    """Episodes in care whose plan needs a review by `today + window_days`: the program's
    interval since the last signing or review, or a level-of-care decision that changed the
    level since then. Four queries for any number of episodes."""
    in_care = [e for e in episodes if e.status in IN_CARE_STATUSES]
    if not in_care:
        return []
    ids = [e.pk for e in in_care]
    latest, reviewed = _signed_plans_and_reviews(ids)
    decisions = _decisions_of(ids)
    horizon = today + timedelta(days=window_days)
    rows = []
    for e in in_care:
        plan = latest.get(e.pk)
        if plan is None:
            rows.append(ReviewDue(e, None, None, "no_plan", False))
            continue
        due_on, reason = _next_review(e, plan, reviewed.get(plan.pk), decisions.get(e.pk, []))
        if due_on <= horizon:
            rows.append(ReviewDue(e, plan, due_on, reason, due_on < today))
    return sorted(rows, key=lambda r: (r.due_on is not None, r.due_on or today, r.episode.pk))


def _signed_plans_and_reviews(
    episode_ids: list[int],
) -> tuple[dict[int, TreatmentPlan], dict[int, date]]:
    """Each episode's latest signed plan, and each of those plans' last review (two queries):
    what the review rule starts from, for the computed lists and the stored dates alike."""
    latest: dict[int, TreatmentPlan] = {}
    for plan in (
        TreatmentPlan.objects.current()
        .filter(episode_id__in=episode_ids, signed_at__isnull=False)
        .order_by("episode_id", "-number")
    ):
        latest.setdefault(plan.episode_id, plan)
    reviewed: dict[int, date] = {}
    for plan_id, on in (
        PlanReview.objects.current()
        .filter(plan_id__in=[p.pk for p in latest.values()])
        .values_list("plan_id", "reviewed_on")
    ):
        reviewed[plan_id] = max(on, reviewed.get(plan_id, on))
    return latest, reviewed


def _decisions_of(episode_ids: list[int]) -> dict[int, list[dict]]:
    """Each episode's level-of-care decisions, oldest first (one query). A new decision
    supersedes the one before it, so the superseded ones are the history of levels and count;
    only those entered in error are left out."""
    decisions: dict[int, list] = {}
    for d in (
        counted_decisions()
        .filter(episode_id__in=episode_ids)
        .order_by("episode_id", *IN_EFFECT_ORDER)
        .values("episode_id", "decided_on", "chosen_level")
    ):
        decisions.setdefault(d["episode_id"], []).append(d)
    return decisions


def _next_review(
    episode: Episode, plan: TreatmentPlan, reviewed_on: date | None, decisions: list
) -> tuple[date, str]:
    """When the signed plan's next review falls and why (`plans.review_rule`)."""
    if plan.signed_at is None:
        raise ValueError("Only a signed plan is reviewed.")
    signed_on = plan.signed_at.astimezone(episode.program.tz).date()
    return next_review(signed_on, reviewed_on, decisions, episode.program.plan_review_interval_days)


def review_schedules(episode_ids: list[int]) -> list[ReviewSchedule]:
    """The stored next-review row of each of these episodes that has not left care, computed
    from the record by the rule the computed lists use (unsaved; four queries for any number
    of episodes)."""
    episodes = {
        e.pk: e
        for e in Episode.objects.filter(pk__in=episode_ids)
        .exclude(status__in=LEAVING_CARE_STATUSES)
        .select_related("program")
    }
    latest, reviewed = _signed_plans_and_reviews(episode_ids)
    decisions = _decisions_of(list(latest))
    rows = []
    for pk, episode in episodes.items():
        plan = latest.get(pk)
        if plan is None:
            rows.append(ReviewSchedule(episode=episode, plan=None, due_on=None, reason="no_plan"))
            continue
        due_on, reason = _next_review(episode, plan, reviewed.get(plan.pk), decisions.get(pk, []))
        rows.append(ReviewSchedule(episode=episode, plan=plan, due_on=due_on, reason=reason))
    return rows


# What the home's reviews due show: the participant, the date and why. The plan, episode and
# participant rows in whole took longer to load than the query took to run.
_HOME_SHOWS = (
    "due_on",
    "reason",
    "plan__id",
    "episode__participant__public_id",
    "episode__participant__legal_first_name",
    "episode__participant__preferred_name",
    "episode__participant__legal_last_name",
    "episode__program__time_zone",
)


def caseload_reviews_due(user, *, window_days: int = DUE_SOON_DAYS) -> list[ReviewDue]:
    """Reviews due or overdue for the signed plans in force of the user's in-care caseload,
    from the stored next-review dates: one query whatever the caseload, of the columns the
    home shows."""
    # No program's date is more than a day ahead of UTC's: read a day wide, then cut each row
    # at its own program's date.
    widest = timezone.now().date() + timedelta(days=window_days + 1)
    rows = []
    for stored in (
        ReviewSchedule.objects.filter(
            episode__in=caseload(user).filter(status__in=IN_CARE_STATUSES).values("pk"),
            episode__participant__entered_in_error_at__isnull=True,
            due_on__lte=widest,
        )
        .select_related("episode__participant", "episode__program", "plan")
        .only(*_HOME_SHOWS)
        .order_by("due_on", "episode_id")
    ):
        today = stored.episode.program.today()
        if stored.due_on is not None and stored.due_on <= today + timedelta(days=window_days):
            rows.append(_stored_row(stored, stored.episode, today))
    return rows


def stored_review_due(episode: Episode, *, window_days: int = DUE_SOON_DAYS) -> ReviewDue | None:
    """The episode's review when its signed plan is due or overdue by `today + window_days`,
    from the stored next-review date (one query; `reviews_due` works it out from the record
    by the same rule in three)."""
    if episode.status not in IN_CARE_STATUSES:
        return None
    stored = (
        ReviewSchedule.objects.filter(episode=episode, due_on__isnull=False)
        .select_related("plan")
        .first()
    )
    today = episode.program.today()
    if (
        stored is None
        or stored.due_on is None
        or stored.due_on > today + timedelta(days=window_days)
    ):
        return None
    return _stored_row(stored, episode, today)


def _stored_row(stored: ReviewSchedule | None, episode: Episode, today: date) -> ReviewDue:
    if stored is None or stored.due_on is None:
        return ReviewDue(episode, None, None, "no_plan", False)
    return ReviewDue(episode, stored.plan, stored.due_on, stored.reason, stored.due_on < today)


def board_reviews_due(
    organization_ids: list[int], *, window_days: int = DUE_SOON_DAYS
) -> QuerySet[Episode]:
    """The episodes in care across the organizations whose review is due by their
    program's `today + window_days`, overdue first, then those without a signed plan: one
    query on the stored next-review dates, for the caller to page, with the programs named
    by id so the database reads their in-care episodes from the (program, status) index (one
    query for the programs' dates). `board_rows` loads the page's rows."""
    programs = list(Program.objects.filter(organization_id__in=organization_ids))
    due_by = Q(plan_review__due_on__isnull=True)
    for program in programs:
        due_by |= Q(
            program=program, plan_review__due_on__lte=program.today() + timedelta(days=window_days)
        )
    return Episode.objects.filter(
        due_by,
        program_id__in=[p.pk for p in programs],
        status__in=IN_CARE_STATUSES,
        participant__entered_in_error_at__isnull=True,
    ).order_by(F("plan_review__due_on").asc(nulls_last=True), "pk")


def board_page(
    organization_ids: list[int], number: str | None, *, size: int
) -> tuple[Page, list[int]]:
    """One page of `board_reviews_due` (`number` as asked: a page number, `LAST`, or anything
    else for the first) and its episode ids, read with the total (`page_of`), so the due set
    is worked out once, not once to count and again to cut; only the ids, so the board's
    joins run for the page's rows alone (`board_rows`)."""
    page = page_of(board_reviews_due(organization_ids).only("id"), number, size)
    return page, [episode.pk for episode in page]


def board_rows(episode_ids: list[int]) -> list[ReviewDue]:
    """The board's rows for one page of `board_reviews_due`, in its order (one query: the
    joins run for the page's rows only, not for every episode before the cut)."""
    loaded = Episode.objects.select_related(
        "participant", "program", "primary_clinician", "plan_review__plan"
    ).in_bulk(episode_ids)
    return [
        _stored_row(getattr(e, "plan_review", None), e, e.program.today())
        for e in (loaded[pk] for pk in episode_ids)
    ]
