"""Writes to the treatment plan: each one transaction with its audit event.

A draft version changes in place (every change bumps the plan's `version`, the one token two
editors race on). Signing locks the version; a change after that is a revision: the next
version, copying the signed one, saying what changed. Audit events name what changed, never
its content.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Program
from audit.models import Action, Outcome
from audit.services import field_changes, record_event
from intake.models import Diagnosis
from participants.access import Decision, Scope, may, require, require_capability
from participants.models import LEAVING_CARE_STATUSES, Episode, Participant
from plans.models import (
    AcknowledgedVia,
    Acknowledgement,
    Cosignature,
    Goal,
    Intervention,
    Modality,
    Objective,
    ObjectiveOutcome,
    PlanReview,
    PlanSettings,
    Problem,
    ReviewedObjective,
    ReviewReason,
    ReviewSchedule,
    TreatmentPlan,
)
from tandem import dates
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from tandem.fields import public_id
from tandem.lifecycle import clean_reason, mark_entered_in_error, save_new_version
from tandem.lifecycle import sign as sign_record
from tandem.validation import validate


class SignedPlan(ConcurrentEdit):
    """A change asked of a signed version: it never changes (the API answers 409)."""

    def __init__(self) -> None:
        super().__init__(
            "plan",
            message="This plan version is signed and never changes. Start a revision to change "
            "the plan.",
        )


class NotInForce(InvalidInput):
    """A signed version named (from a stale page or a direct request) that is no longer the
    plan in force: superseded by a newer signed version, or entered in error."""

    def __init__(self, message: str, *, in_force: TreatmentPlan | None) -> None:
        super().__init__(message, field="plan")
        self.in_force = in_force


def _refuse_unless_in_force(
    plan: TreatmentPlan, *, doing: str, superseded_ok: bool = False
) -> None:
    """Refuse a step that belongs to the plan in force (an acknowledgement, a review) when
    `plan` is no longer it, naming the version that is; `superseded_ok` refuses only a
    version entered in error (a co-signature of a version that was in force for a while)."""
    from plans.selectors import plan_in_force

    if superseded_ok and not plan.entered_in_error:
        return
    in_force = plan_in_force(plan.participant)
    if in_force is not None and in_force.pk == plan.pk:
        return
    if plan.entered_in_error:
        state = f"Plan version {plan.number} was entered in error"
    else:
        state = f"Plan version {plan.number} is no longer in force"
    if in_force is None:
        raise NotInForce(f"{state}, and no signed plan is in force.", in_force=None)
    raise NotInForce(
        f"{state}: version {in_force.number} is the plan in force; {doing} that one.",
        in_force=in_force,
    )


def settings_of(program: Program) -> PlanSettings:
    """The program's plan settings; the defaults (all off) when it never saved any."""
    found = PlanSettings.objects.filter(program=program).first()
    return found or PlanSettings(program=program, version=0)


def update_settings(
    program: Program,
    *,
    by: Any,
    cosign_required: bool,
    block_scheduling_until_signed: bool,
    expected_version: int,
) -> PlanSettings:
    decision = require_capability(
        by, "plan.settings", [program.organization_id], event_type="plan.settings_changed"
    )
    with transaction.atomic():
        row, _ = PlanSettings.objects.select_for_update().get_or_create(
            program=program, defaults={"version": 0}
        )
        if row.version != expected_version:
            raise ConcurrentEdit("plan settings")
        before = {
            "cosign_required": row.cosign_required,
            "block_scheduling_until_signed": row.block_scheduling_until_signed,
        }
        row.cosign_required = bool(cosign_required)
        row.block_scheduling_until_signed = bool(block_scheduling_until_signed)
        save_new_version(row, ["cosign_required", "block_scheduling_until_signed"])
        after = {
            "cosign_required": row.cosign_required,
            "block_scheduling_until_signed": row.block_scheduling_until_signed,
        }
        record_event(
            actor=by,
            event_type="plan.settings_changed",
            decision=decision,
            organization=program.organization,
            record=row,
            details={"changes": field_changes(before, after)},
        )
    return row


def _modality_turned(row: Modality, program: Program, *, by: Any, decision: Decision) -> None:
    """The audit event of a modality put on the program's list or taken off it: `row.active`
    is the state it is now in, the opposite the one it left."""
    record_event(
        actor=by,
        event_type="plan.modalities_changed",
        decision=decision,
        organization=program.organization,
        record=row,
        details={"changes": {"active": {"before": not row.active, "after": row.active}}},
    )


def add_modality(program: Program, *, by: Any, name: str) -> Modality:
    """Add a modality to the program's list (or bring back a retired one of that name)."""
    decision = require_capability(
        by, "plan.settings", [program.organization_id], event_type="plan.modalities_changed"
    )
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Name the modality.", field="name")
    if len(name) > 80:
        raise InvalidInput("A modality's name is at most 80 characters.", field="name")
    with transaction.atomic():
        row = Modality.objects.filter(program=program, name__iexact=name).first()
        if row is not None and row.active:
            raise InvalidInput(f"{row.name} is already on the list.", field="name")
        if row is None:
            last = Modality.objects.filter(program=program).order_by("-order").first()
            row = Modality.objects.create(
                program=program, name=name, order=(last.order + 1) if last else 0
            )
        else:
            row.active = True
            row.save(update_fields=["active", "modified_at"])
        _modality_turned(row, program, by=by, decision=decision)
    return row


def retire_modality(modality: Modality, *, by: Any) -> Modality:
    """Take a modality off the list for new interventions; signed plans keep showing it."""
    program = modality.program
    decision = require_capability(
        by, "plan.settings", [program.organization_id], event_type="plan.modalities_changed"
    )
    with transaction.atomic():
        row = Modality.objects.select_for_update().get(pk=modality.pk)
        if not row.active:
            return row
        row.active = False
        row.save(update_fields=["active", "modified_at"])
        _modality_turned(row, program, by=by, decision=decision)
    return row


# ---------------------------------------------------------------------------------------
# Drafting


def _require_change(by: Any, participant: Participant, *, addendum: bool = False) -> Decision:
    return require(by, participant, Action.CHANGE, Scope.CLINICAL, addendum=addendum)


def is_addendum(plan: TreatmentPlan) -> bool:
    """A signed plan takes revisions, and a revision's draft is finished and signed as one:
    both stay open after discharge, when the chart is otherwise closed; a first draft does not."""
    return plan.is_signed or plan.revises_id is not None


def _require_capability(
    by: Any,
    participant: Participant,
    capability: str,
    *,
    event_type: str,
    what: str,
    addendum: bool = False,
) -> Decision:
    """The access policy's write check, then the program capability (`plan.sign`,
    `plan.cosign`); a refusal is audited on the participant. Call before the transaction."""
    decision = _require_change(by, participant, addendum=addendum)
    if not may(by, capability, participant.organization_id):
        record_event(
            actor=by,
            event_type=event_type,
            participant=participant,
            outcome=Outcome.REFUSED,
            decision=decision,
            details={"capability": capability, "why": f"role does not hold {capability}"},
        )
        raise AccessDenied(f"Your role does not {what}.")
    return decision


def _standing(episode: Episode):
    """The episode's versions not entered in error: a withdrawn one blocks no new plan."""
    return TreatmentPlan.objects.filter(episode=episode, entered_in_error_at__isnull=True)


def _next_number(episode: Episode) -> int:
    """The next version number; a withdrawn version keeps its number in the history."""
    last = TreatmentPlan.objects.filter(episode=episode).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def start_plan(episode: Episode, *, by: Any, now: datetime | None = None) -> TreatmentPlan:
    """Open the episode's plan (a draft: version 1, or the next number after a withdrawn
    one). A later change is a revision."""
    participant = episode.participant
    decision = _require_change(by, participant)
    if not episode.is_open:
        raise InvalidInput("This episode is closed; a plan cannot be started on it.")
    try:
        with transaction.atomic():
            Episode.objects.select_for_update().get(pk=episode.pk)
            if _standing(episode).exists():
                raise InvalidInput(
                    "This episode already has a plan; open it, or start a revision of the "
                    "signed one."
                )
            plan = TreatmentPlan.objects.create(
                participant=participant,
                episode=episode,
                number=_next_number(episode),
                recorded_by=by,
                recorded_at=now or timezone.now(),
            )
            record_event(
                actor=by,
                event_type="plan.drafted",
                participant=participant,
                record=plan,
                decision=decision,
                details={"episode": str(episode.public_id), "plan_version": 1},
            )
    except IntegrityError:
        raise ConcurrentEdit("plan") from None
    return plan


def start_revision(
    plan: TreatmentPlan, *, by: Any, change_summary: str, now: datetime | None = None
) -> TreatmentPlan:
    """The next version of a signed plan: a draft copy of every row, saying what will change."""
    participant = plan.participant
    decision = _require_change(by, participant, addendum=True)
    summary = clean_reason(
        change_summary, ask="Say what this revision changes", field="change_summary"
    )
    if not plan.is_signed:
        raise InvalidInput("This version is not signed yet; change it in place.")
    try:
        with transaction.atomic():
            locked = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
            if locked.entered_in_error:
                raise InvalidInput("This version is entered in error; revise the plan in force.")
            if _standing(plan.episode).filter(number__gt=plan.number).exists():
                raise InvalidInput(
                    "A newer version of this plan exists; revise that one.", field="plan"
                )
            draft = TreatmentPlan.objects.create(
                participant=participant,
                episode=plan.episode,
                number=_next_number(plan.episode),
                revises=plan,
                change_summary=summary,
                recorded_by=by,
                recorded_at=now or timezone.now(),
            )
            _copy_rows(plan, draft)
            record_event(
                actor=by,
                event_type="plan.revision_started",
                participant=participant,
                record=draft,
                decision=decision,
                reason=summary,
                details={"revises": str(plan.public_id), "plan_version": draft.number},
            )
    except IntegrityError:
        raise ConcurrentEdit("plan") from None
    return draft


def _copy_rows(source: TreatmentPlan, draft: TreatmentPlan) -> None:
    """Copy a version's rows into a new draft, keeping each row's lineage."""
    problems, goals, objectives = {}, {}, {}
    for p in source.problems.prefetch_related("diagnoses"):
        problems[p.pk] = Problem.objects.create(
            plan=draft,
            lineage=p.lineage,
            order=p.order,
            domain=p.domain,
            statement=p.statement,
            dimensions=p.dimensions,
            source=p.source,
            source_record=p.source_record,
        )
        problems[p.pk].diagnoses.set(p.diagnoses.all())
    for g in source.goals.all():
        goals[g.pk] = Goal.objects.create(
            plan=draft,
            lineage=g.lineage,
            order=g.order,
            problem=problems[g.problem_id],
            text=g.text,
        )
    for o in source.objectives.all():
        objectives[o.pk] = Objective.objects.create(
            plan=draft,
            lineage=o.lineage,
            order=o.order,
            goal=goals[o.goal_id],
            text=o.text,
            target_date=o.target_date,
            measure_key=o.measure_key,
            comparator=o.comparator,
            target_value=o.target_value,
        )
    Intervention.objects.bulk_create(
        Intervention(
            plan=draft,
            lineage=i.lineage,
            order=i.order,
            objective=objectives[i.objective_id],
            modality_id=i.modality_id,
            frequency=i.frequency,
            responsible_role=i.responsible_role,
            detail=i.detail,
        )
        for i in source.interventions.all()
    )


def _lock_draft(plan: TreatmentPlan, expected_version: int) -> TreatmentPlan:
    current = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    if current.is_signed:
        raise SignedPlan()
    if current.entered_in_error:
        raise InvalidInput("This plan version is entered in error.")
    if current.version != expected_version:
        raise ConcurrentEdit("plan")
    return current


def _changed(
    by, decision, plan: TreatmentPlan, what: str, kind: str, row, audit: bool = True
) -> None:
    save_new_version(plan, [])
    if not audit:
        return
    record_event(
        actor=by,
        event_type="plan.changed",
        participant=plan.participant,
        record=plan,
        decision=decision,
        details={
            "plan_version": plan.number,
            "change": what,
            "part": kind,
            "row": str(row.public_id),
        },
    )


def _diagnoses_of(plan: TreatmentPlan, ids: Iterable) -> list[Diagnosis]:
    wanted = {str(i) for i in ids or ()}
    if not wanted:
        return []
    found = list(
        Diagnosis.objects.current().filter(participant_id=plan.participant_id, public_id__in=wanted)
    )
    if len(found) != len(wanted):
        raise InvalidInput("Choose diagnoses from this participant's record.", field="diagnoses")
    return found


TEXT_LIMIT = 4000


def _text(value: str, field: str) -> str:
    """Free text stripped, refused when longer than a plan row sensibly is."""
    text = (value or "").strip()
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(f"Keep this under {TEXT_LIMIT:,} characters.", field=field)
    return text


def _next_order(rows) -> int:
    last = rows.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


def save_problem(
    plan: TreatmentPlan,
    *,
    by: Any,
    expected_version: int,
    domain: str,
    statement: str,
    diagnoses: Iterable = (),
    dimensions: Iterable = (),
    source: str = "",
    source_record: str = "",
    problem: Problem | None = None,
    audit: bool = True,
) -> Problem:
    """Add a problem to a draft (or change one of its problems)."""
    decision = _require_change(by, plan.participant, addendum=is_addendum(plan))
    with transaction.atomic():
        current = _lock_draft(plan, expected_version)
        found = _diagnoses_of(current, diagnoses)
        row = _own(current, Problem, problem) or Problem(
            plan=current,
            order=_next_order(current.problems),
            source=source[:200],
            source_record=source_record[:80],
        )
        row.domain = domain
        row.statement = _text(statement, "statement")
        row.dimensions = [str(d) for d in dimensions or ()]
        validate(row, exclude=["plan", "lineage"])
        adding = row.pk is None
        row.save()
        row.diagnoses.set(found)
        _changed(by, decision, current, "added" if adding else "changed", "problem", row, audit)
    plan.version = current.version
    return row


def save_goal(
    plan: TreatmentPlan,
    *,
    by: Any,
    expected_version: int,
    problem: Problem,
    text: str,
    goal: Goal | None = None,
    audit: bool = True,
) -> Goal:
    """Add a goal, in the participant's own words, under a problem of the draft."""
    decision = _require_change(by, plan.participant, addendum=is_addendum(plan))
    with transaction.atomic():
        current = _lock_draft(plan, expected_version)
        problem = _own(current, Problem, problem, required=True, field="problem")
        row = _own(current, Goal, goal) or Goal(plan=current, order=_next_order(current.goals))
        row.problem = problem
        row.text = _text(text, "text")
        validate(row, exclude=["plan", "problem", "lineage"])
        adding = row.pk is None
        row.save()
        _changed(by, decision, current, "added" if adding else "changed", "goal", row, audit)
    plan.version = current.version
    return row


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput("The target value is a number, e.g. 10.", field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("10000000"):
        raise InvalidInput("The target value is a number below 10,000,000.", field=field)
    return number.quantize(Decimal("0.01"))


def save_objective(
    plan: TreatmentPlan,
    *,
    by: Any,
    expected_version: int,
    goal: Goal,
    text: str,
    target_date: date,
    measure_key: str = "",
    comparator: str = "",
    target_value: Any = None,
    objective: Objective | None = None,
    audit: bool = True,
) -> Objective:
    """Add a measurable objective with a target date (optionally bound to a measure)."""
    decision = _require_change(by, plan.participant, addendum=is_addendum(plan))
    if not isinstance(target_date, date):
        raise InvalidInput("Give the target date.", field="target_date")
    dates.check(target_date, field="target_date")
    value = _decimal(target_value, "target_value")
    with transaction.atomic():
        current = _lock_draft(plan, expected_version)
        goal = _own(current, Goal, goal, required=True, field="goal")
        row = _own(current, Objective, objective) or Objective(
            plan=current, order=_next_order(current.objectives)
        )
        row.goal = goal
        row.text = _text(text, "text")
        row.target_date = target_date
        row.measure_key = (measure_key or "").strip()
        row.comparator = (comparator or "").strip() if row.measure_key else ""
        row.target_value = value if row.measure_key else None
        if not row.measure_key and ((comparator or "").strip() or value is not None):
            raise InvalidInput("A target needs a measure to compare.", field="measure_key")
        validate(row, exclude=["plan", "goal", "lineage"])
        adding = row.pk is None
        row.save()
        _changed(by, decision, current, "added" if adding else "changed", "objective", row, audit)
    plan.version = current.version
    return row


def save_intervention(
    plan: TreatmentPlan,
    *,
    by: Any,
    expected_version: int,
    objective: Objective,
    modality: Modality | None,
    frequency: str,
    responsible_role: str,
    detail: str = "",
    intervention: Intervention | None = None,
    audit: bool = True,
) -> Intervention:
    """Add an intervention (modality, how often, who) for an objective of the draft."""
    decision = _require_change(by, plan.participant, addendum=is_addendum(plan))
    if modality is None or modality.program_id != plan.episode.program_id:
        raise InvalidInput("Choose a modality from the program's list.", field="modality")
    with transaction.atomic():
        current = _lock_draft(plan, expected_version)
        objective = _own(current, Objective, objective, required=True, field="objective")
        row = _own(current, Intervention, intervention) or Intervention(
            plan=current, order=_next_order(current.interventions)
        )
        if row.pk is None and not modality.active:
            raise InvalidInput("That modality is retired; choose another.", field="modality")
        row.objective = objective
        row.modality = modality
        row.frequency = (frequency or "").strip()
        row.responsible_role = responsible_role
        row.detail = _text(detail, "detail")
        validate(row, exclude=["plan", "objective", "modality", "lineage"])
        adding = row.pk is None
        row.save()
        _changed(
            by, decision, current, "added" if adding else "changed", "intervention", row, audit
        )
    plan.version = current.version
    return row


PART_MODELS = {
    "problem": Problem,
    "goal": Goal,
    "objective": Objective,
    "intervention": Intervention,
}


def _own(plan: TreatmentPlan, model, row, *, required: bool = False, field: str = ""):
    """`row` if it belongs to this draft; a refusal naming `field` otherwise."""
    if row is None:
        if required:
            raise InvalidInput(f"Choose a {field} of this plan.", field=field)
        return None
    if row.plan_id != plan.pk:
        raise InvalidInput(
            f"Choose a {field or model._meta.model_name} of this plan.", field=field or None
        )
    return model._base_manager.get(pk=row.pk)


def remove_part(plan: TreatmentPlan, *, by: Any, expected_version: int, kind: str, row) -> None:
    """Take a row (and what hangs under it) out of a draft; a signed version keeps all its rows."""
    decision = _require_change(by, plan.participant, addendum=is_addendum(plan))
    model = PART_MODELS.get(kind)
    if model is None:
        raise InvalidInput("Nothing of that kind is on a plan.", field="kind")
    with transaction.atomic():
        current = _lock_draft(plan, expected_version)
        row = _own(current, model, row, required=True, field=kind)
        _changed(by, decision, current, "removed", kind, row)
        # A draft's rows are not yet part of the record: removing one deletes it and its children.
        model._base_manager.filter(pk=row.pk).delete()
    plan.version = current.version


# ---------------------------------------------------------------------------------------
# Signing, acknowledgement, co-signature, review


def plan_content(plan: TreatmentPlan) -> dict:
    """The plan's content as data: what is hashed at signing and compared between versions."""
    problems = []
    goals = list(plan.goals.all())
    objectives = list(plan.objectives.all())
    interventions = list(plan.interventions.select_related("modality"))
    for p in plan.problems.prefetch_related("diagnoses"):
        problems.append(
            {
                "lineage": str(p.lineage),
                "domain": p.domain,
                "statement": p.statement,
                "diagnoses": sorted(d.code for d in p.diagnoses.all()),
                "dimensions": p.dimensions,
                "goals": [
                    {
                        "lineage": str(g.lineage),
                        "text": g.text,
                        "objectives": [
                            {
                                "lineage": str(o.lineage),
                                "text": o.text,
                                "target_date": o.target_date.isoformat(),
                                "measure": o.measure_key,
                                "comparator": o.comparator,
                                "target_value": str(o.target_value)
                                if o.target_value is not None
                                else None,
                                "interventions": [
                                    {
                                        "modality": i.modality.name,
                                        "frequency": i.frequency,
                                        "responsible_role": i.responsible_role,
                                        "detail": i.detail,
                                    }
                                    for i in interventions
                                    if i.objective_id == o.pk
                                ],
                            }
                            for o in objectives
                            if o.goal_id == g.pk
                        ],
                    }
                    for g in goals
                    if g.problem_id == p.pk
                ],
            }
        )
    return {"problems": problems}


def _flatten(content: dict) -> dict[str, tuple[str, str]]:
    """Each problem, goal and objective by lineage → (kind, a short description of it)."""
    rows: dict[str, tuple[str, str]] = {}
    for p in content["problems"]:
        rows[p["lineage"]] = (
            "problem",
            json.dumps(
                {k: p[k] for k in ("domain", "statement", "diagnoses", "dimensions")},
                sort_keys=True,
            ),
        )
        for g in p["goals"]:
            rows[g["lineage"]] = ("goal", g["text"])
            for o in g["objectives"]:
                rows[o["lineage"]] = ("objective", json.dumps(o, sort_keys=True))
    return rows


def changes_between(old: dict, new: dict) -> list[dict]:
    """What a revision changed: rows added, removed or changed, by kind (no content)."""
    before, after = _flatten(old), _flatten(new)
    changes = []
    for key in after.keys() - before.keys():
        changes.append({"change": "added", "part": after[key][0], "lineage": key})
    for key in before.keys() - after.keys():
        changes.append({"change": "removed", "part": before[key][0], "lineage": key})
    for key in before.keys() & after.keys():
        if before[key] != after[key]:
            changes.append({"change": "changed", "part": after[key][0], "lineage": key})
    return sorted(changes, key=lambda c: (c["part"], c["change"], c["lineage"]))


def missing_for_signing(plan: TreatmentPlan) -> list[str]:
    """What a plan needs before it can be signed (an empty list when it is complete)."""
    content = plan_content(plan)
    missing = []
    if not content["problems"]:
        missing.append("at least one problem")
    for p in content["problems"]:
        if not p["goals"]:
            missing.append(f"a goal for the problem “{p['statement'][:40]}”")
        for g in p["goals"]:
            if not g["objectives"]:
                missing.append(f"an objective for the goal “{g['text'][:40]}”")
            for o in g["objectives"]:
                if not o["interventions"]:
                    missing.append(f"an intervention for the objective “{o['text'][:40]}”")
    return missing


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign_plan(
    plan: TreatmentPlan, *, by: Any, expected_version: int, now: datetime | None = None
) -> TreatmentPlan:
    """Sign a draft version: locked from now on, with a hash of what was signed and, for a
    revision, what changed from the version it revises."""
    participant = plan.participant
    decision = _require_capability(
        by,
        participant,
        "plan.sign",
        event_type="plan.signed",
        what="sign treatment plans",
        addendum=is_addendum(plan),
    )
    with transaction.atomic():
        current = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        if current.is_signed:
            raise SignedPlan()
        if current.version != expected_version:
            raise ConcurrentEdit("plan")
        if current.entered_in_error:
            raise InvalidInput("This plan version is entered in error.")
        missing = missing_for_signing(current)
        if missing:
            raise InvalidInput("Before signing, add " + "; ".join(missing) + ".")
        content = plan_content(current)
        changes = changes_between(plan_content(current.revises), content) if current.revises else []
        digest = content_hash(content)
        signed = sign_record(
            current,
            by=by,
            expected_version=expected_version,
            decision=decision,
            now=now,
            what="plan",
            also={"content_sha256": digest, "changes": changes},
            event_type="plan.signed",
            details={
                "plan_version": current.number,
                "content_sha256": digest,
                "changed_rows": len(changes),
            },
        )
        keep_review_schedule([current.episode_id])
    return signed


def acknowledge(
    plan: TreatmentPlan,
    *,
    by: Any,
    via: str,
    comment: str = "",
    now: datetime | None = None,
) -> Acknowledgement:
    """Record the participant's acknowledgement of a signed version: theirs on the portal
    (`by` is their own account) or in person, recorded by the staff member with them."""
    participant = plan.participant
    if via not in AcknowledgedVia.values:
        raise InvalidInput("Say how the participant acknowledged the plan.", field="via")
    own = getattr(by, "kind", None) == "participant"
    if own != (via == AcknowledgedVia.PORTAL):
        raise InvalidInput(
            "The participant acknowledges on the portal; staff record an in-person one.",
            field="via",
        )
    decision = require(by, participant, Action.CREATE if own else Action.CHANGE, Scope.CLINICAL)
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise InvalidInput(gettext("A comment is at most 2,000 characters."), field="comment")
    if not plan.is_signed:
        raise InvalidInput("Only a signed plan is acknowledged.", field="plan")
    try:
        with transaction.atomic():
            current = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
            _refuse_unless_in_force(current, doing="acknowledge")
            if Acknowledgement.objects.filter(plan=current).exists():
                raise InvalidInput(
                    gettext("This plan version is already acknowledged."), field="plan"
                )
            row = Acknowledgement.objects.create(
                plan=current,
                via=via,
                comment=comment,
                recorded_by=by,
                recorded_at=now or timezone.now(),
            )
            record_event(
                actor=by,
                event_type="plan.acknowledged",
                participant=participant,
                record=current,
                decision=decision,
                details={"plan_version": current.number, "via": via},
            )
    except IntegrityError:
        raise InvalidInput(
            gettext("This plan version is already acknowledged."), field="plan"
        ) from None
    return row


def cosign(plan: TreatmentPlan, *, by: Any, now: datetime | None = None) -> Cosignature:
    """A supervisor's co-signature of a signed version (not the signer's own). It changes
    nothing in the plan, so like a revision it stays open after discharge."""
    participant = plan.participant
    decision = _require_capability(
        by,
        participant,
        "plan.cosign",
        event_type="plan.cosigned",
        what="co-sign treatment plans",
        addendum=True,
    )
    if not plan.is_signed:
        raise InvalidInput("Sign the plan before it is co-signed.", field="plan")
    if plan.signed_by_id == by.pk:
        raise InvalidInput(
            "A co-signature is another clinician's; you signed this plan.", field="plan"
        )
    try:
        with transaction.atomic():
            current = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
            _refuse_unless_in_force(current, doing="co-sign", superseded_ok=True)
            if Cosignature.objects.filter(plan=current).exists():
                raise InvalidInput("This plan version is already co-signed.", field="plan")
            row = Cosignature.objects.create(
                plan=current, recorded_by=by, recorded_at=now or timezone.now()
            )
            record_event(
                actor=by,
                event_type="plan.cosigned",
                participant=participant,
                record=current,
                decision=decision,
                details={"plan_version": current.number},
            )
    except IntegrityError:
        raise InvalidInput("This plan version is already co-signed.", field="plan") from None
    return row


def record_review(
    plan: TreatmentPlan,
    *,
    by: Any,
    reason: str,
    note: str,
    reviewed_on: date,
    outcomes: Sequence[Mapping[str, Any]] = (),
    now: datetime | None = None,
) -> PlanReview:
    """Record a review that keeps the plan in force unchanged (a review that changes it is a
    signed revision), with what it judged of each objective it took up: `outcomes` holds
    `{"objective": public id, "outcome": met / continued / discontinued, "comment": ...}`, at
    most one per objective of this version, none required. Refused whole: nothing is written
    when one is refused."""
    participant = plan.participant
    decision = _require_capability(
        by, participant, "plan.sign", event_type="plan.reviewed", what="review treatment plans"
    )
    if reason not in ReviewReason.values:
        raise InvalidInput("Say why the plan was reviewed.", field="reason")
    note = clean_reason(note, ask="Write what the review found", field="note")
    if not isinstance(reviewed_on, date):
        raise InvalidInput("Give the review date.", field="reviewed_on")
    dates.check(reviewed_on, field="reviewed_on")
    if reviewed_on > plan.episode.program.today() or (
        plan.signed_at and reviewed_on < timezone.localdate(plan.signed_at, plan.episode.program.tz)
    ):
        raise InvalidInput(
            "The review date falls between the plan's signing and today.", field="reviewed_on"
        )
    if not plan.is_signed:
        raise InvalidInput("Only the signed plan in force is reviewed.", field="plan")
    judged = _judged(plan, outcomes)
    at = now or timezone.now()
    with transaction.atomic():
        current = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        _refuse_unless_in_force(current, doing="review")
        row = PlanReview.objects.create(
            plan=current,
            reason=reason,
            note=note,
            reviewed_on=reviewed_on,
            recorded_by=by,
            recorded_at=at,
        )
        for outcome in judged:
            outcome.review, outcome.recorded_by, outcome.recorded_at = row, by, at
        ReviewedObjective.objects.bulk_create(judged)
        keep_review_schedule([current.episode_id])
        record_event(
            actor=by,
            event_type="plan.reviewed",
            participant=participant,
            record=row,
            decision=decision,
            details={
                "plan_version": current.number,
                "reason": reason,
                "objectives_judged": [str(o.objective.public_id) for o in judged],
            },
        )
    return row


def _judged(plan: TreatmentPlan, outcomes: Sequence[Mapping[str, Any]]) -> list[ReviewedObjective]:
    """The review's outcomes as unsaved rows, each naming an objective of the reviewed
    version once; InvalidInput (field `outcomes`) for any other, before anything is written."""
    if not isinstance(outcomes, Sequence) or isinstance(outcomes, str):
        raise InvalidInput("Give the objectives' outcomes as a list.", field="outcomes")
    objectives = {o.public_id: o for o in plan.objectives.all()}
    rows: dict[int, ReviewedObjective] = {}
    for item in outcomes:
        named = public_id(item.get("objective")) if isinstance(item, Mapping) else None
        objective = objectives.get(named) if named is not None else None
        if objective is None:
            raise InvalidInput(
                f"An outcome names an objective that is not on plan version {plan.number}, "
                "the version reviewed; reload the plan and record the review again.",
                field="outcomes",
            )
        if objective.pk in rows:
            raise InvalidInput("Give each objective one outcome at a review.", field="outcomes")
        outcome = item.get("outcome")
        if outcome not in ObjectiveOutcome.values:
            raise InvalidInput(
                "Choose met, continued or discontinued for each objective judged.",
                field="outcomes",
            )
        comment = item.get("comment") or ""
        if not isinstance(comment, str):
            raise InvalidInput("Write the comment on an outcome as text.", field="outcomes")
        row = ReviewedObjective(objective=objective, outcome=outcome, comment=comment.strip())
        validate(row, exclude=["review"], names={"comment": "outcomes"})
        rows[objective.pk] = row
    return list(rows.values())


def require_review_withdrawal(by: Any, participant: Participant) -> Decision:
    """Whether `by` may mark a review of this participant's plan entered in error: whoever may
    record one (`plan.sign`), since withdrawing a judgement is as much a clinical judgement as
    making it (a version's withdrawal asks only for the record's change, which the whole care
    team has). A refusal is audited; the page asks before reading its form, so the answer is
    the same whatever was posted."""
    return _require_capability(
        by,
        participant,
        "plan.sign",
        event_type="plan.review_entered_in_error",
        what="withdraw treatment-plan reviews",
    )


def mark_review_in_error(
    review: PlanReview, *, by: Any, reason: str, now: datetime | None = None
) -> PlanReview:
    """Withdraw a review recorded by mistake (the wrong date, an objective judged met that was
    not, the wrong participant) with every outcome it judged: they stay on the record, marked,
    and count for nothing from then on. One outcome is never withdrawn alone: a review is
    corrected by withdrawing it and recording it again. Allowed as `require_review_withdrawal`
    says. The review's row is locked, so two people marking it at once write it once."""
    plan = review.plan
    decision = require_review_withdrawal(by, plan.participant)
    at = now or timezone.now()
    with transaction.atomic():
        marked = mark_entered_in_error(
            review,
            by=by,
            reason=reason,
            decision=decision,
            now=at,
            what="plan review",
            event_type="plan.review_entered_in_error",
        )
        ReviewedObjective.objects.filter(review=marked, entered_in_error_at__isnull=True).update(
            entered_in_error_at=at,
            entered_in_error_by=by,
            entered_in_error_reason=marked.entered_in_error_reason,
            modified_at=at,
        )
        keep_review_schedule([plan.episode_id])
    return marked


def mark_plan_in_error(
    plan: TreatmentPlan, *, by: Any, reason: str, now: datetime | None = None
) -> TreatmentPlan:
    """Withdraw a version written on the wrong record or by mistake."""
    decision = require(by, plan.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        marked = mark_entered_in_error(
            plan,
            by=by,
            reason=reason,
            decision=decision,
            now=now,
            what="plan",
            event_type="plan.entered_in_error",
        )
        keep_review_schedule([plan.episode_id])
    return marked


def keep_review_schedule(episode_ids: Iterable[int]) -> None:
    """Rewrite the stored next-review date of these episodes from the record: after a plan is
    signed or withdrawn, a review recorded, or a level-of-care decision made. An episode that
    has left care keeps no row: no list reads it, and the lists stay as small as the care."""
    from plans.selectors import review_schedules

    ids = sorted(set(episode_ids))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        rows = review_schedules(chunk)
        ReviewSchedule.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["episode"],
            update_fields=["plan", "due_on", "reason"],
        )
        left = set(chunk) - {row.episode_id for row in rows}
        if left:
            ReviewSchedule.objects.filter(episode_id__in=left).delete()


def review_schedule_after_status_change(episode: Episode) -> None:
    """An episode that leaves care drops its stored review row (registered with participants;
    a closed episode never comes back into care)."""
    if episode.status in LEAVING_CARE_STATUSES:
        ReviewSchedule.objects.filter(episode_id=episode.pk).delete()


def review_schedule_after_decision(episode: Episode) -> None:
    """A level-of-care decision can make a review due (registered with placement)."""
    keep_review_schedule([episode.pk])


def scheduling_guard(episode: Episode, to_status: str) -> str | None:
    """With the program's setting on, an episode becomes active only once its first plan is signed."""
    if not settings_of(episode.program).block_scheduling_until_signed:
        return None
    signed = TreatmentPlan.objects.current().filter(episode=episode, signed_at__isnull=False)
    if signed.exists():
        return None
    return "This program requires a signed treatment plan before the participant becomes active."


SCHEDULING_HELD_BACK = (
    "Waiting for a signed treatment plan (the program schedules no one before it)."
)


def held_back_from_scheduling(program: Program, episodes: Sequence[Episode]) -> dict[int, str]:
    """With the program's setting on, the scheduler places no one whose first plan is unsigned
    (two queries for any number of episodes)."""
    if not settings_of(program).block_scheduling_until_signed:
        return {}
    signed = set(
        TreatmentPlan.objects.current()
        .filter(episode_id__in=[e.pk for e in episodes], signed_at__isnull=False)
        .values_list("episode_id", flat=True)
    )
    return {e.pk: SCHEDULING_HELD_BACK for e in episodes if e.pk not in signed}


def add_suggested_problem(
    plan: TreatmentPlan,
    *,
    by: Any,
    expected_version: int,
    key: str,
    statement: str = "",
    domain: str = "",
) -> Problem:
    """Accept a suggestion (as suggested, or with the clinician's wording): the problem keeps
    the record it came from."""
    from plans.selectors import suggestions

    found = {s.key: s for s in suggestions(plan.episode, plan)}.get(key)
    if found is None:
        raise InvalidInput(
            "That suggestion is no longer on offer (already on the plan, or the record changed).",
            field="key",
        )
    return save_problem(
        plan,
        by=by,
        expected_version=expected_version,
        domain=domain or found.domain,
        statement=(statement or "").strip() or found.statement,
        diagnoses=found.diagnoses,
        dimensions=found.dimensions,
        source=found.source,
        source_record=found.source_record,
    )


def _at(path: str, exc: InvalidInput) -> InvalidInput:
    return InvalidInput(exc.message, field=f"{path}.{exc.field}" if exc.field else path)


def draft_with_content(
    participant: Participant,
    *,
    by: Any,
    problems: list[Mapping[str, Any]],
    revises: TreatmentPlan | None = None,
    change_summary: str = "",
) -> TreatmentPlan:
    """A new draft (the episode's first plan, or a revision of `revises`) holding the given
    problems → goals → objectives → interventions, in one transaction with one audit event
    (the draft's own): any refused part refuses the whole, naming the part (`problems.0.goals.1.text`)."""
    from participants.selectors import current_episode

    _require_change(by, participant, addendum=revises is not None)
    with transaction.atomic():
        if revises is not None:
            plan = start_revision(revises, by=by, change_summary=change_summary)
        else:
            episode = current_episode(participant)
            if episode is None:
                raise InvalidInput("This participant has no episode.")
            plan = start_plan(episode, by=by)
        modalities = {
            m.name.lower(): m for m in Modality.objects.filter(program=plan.episode.program)
        }
        quiet = {"by": by, "audit": False}
        for pi, p in enumerate(problems):
            path = f"problems.{pi}"
            try:
                problem = save_problem(
                    plan,
                    expected_version=plan.version,
                    domain=p["domain"],
                    statement=p["statement"],
                    diagnoses=p.get("diagnoses", ()),
                    dimensions=p.get("dimensions", ()),
                    **quiet,
                )
            except InvalidInput as exc:
                raise _at(path, exc) from None
            for gi, g in enumerate(p.get("goals", ())):
                gpath = f"{path}.goals.{gi}"
                try:
                    goal = save_goal(
                        plan,
                        expected_version=plan.version,
                        problem=problem,
                        text=g["text"],
                        **quiet,
                    )
                except InvalidInput as exc:
                    raise _at(gpath, exc) from None
                for oi, o in enumerate(g.get("objectives", ())):
                    opath = f"{gpath}.objectives.{oi}"
                    try:
                        objective = save_objective(
                            plan,
                            expected_version=plan.version,
                            goal=goal,
                            text=o["text"],
                            target_date=o["target_date"],
                            measure_key=o.get("measure", ""),
                            comparator=o.get("comparator", ""),
                            target_value=o.get("target_value"),
                            **quiet,
                        )
                    except InvalidInput as exc:
                        raise _at(opath, exc) from None
                    for ii, i in enumerate(o.get("interventions", ())):
                        try:
                            save_intervention(
                                plan,
                                expected_version=plan.version,
                                objective=objective,
                                modality=modalities.get(str(i["modality"]).strip().lower()),
                                frequency=i["frequency"],
                                responsible_role=i["responsible_role"],
                                detail=i.get("detail", ""),
                                **quiet,
                            )
                        except InvalidInput as exc:
                            raise _at(f"{opath}.interventions.{ii}", exc) from None
    return plan
