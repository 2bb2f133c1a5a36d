"""Treatment-plan endpoints: the versions, the plan in force with computed progress, drafting
a version (the first plan or a revision) with its content, and signing. A signed version
refuses any change with 409."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from audit.models import Action
from participants.access import Scope, authorize, require
from participants.api import participant_or_404, refusal_shows_record
from participants.models import Participant
from plans import selectors, services
from plans.models import PlanReview, TreatmentPlan
from tandem.api_errors import FieldErrors, field_errors
from tandem.dates import ProgramDate
from tandem.errors import InvalidInput

router = Router(tags=["treatment plans"])


class Message(Schema):
    detail: str


class InterventionIn(Schema):
    modality: str = Field(description="A modality name from the program's list.")
    frequency: str
    responsible_role: str = Field(description="A staff role, e.g. therapist, peer.")
    detail: str = ""


class ObjectiveIn(Schema):
    text: str
    target_date: ProgramDate
    measure: str = Field("", description="A measure key (GET the plan to see the keys in use).")
    comparator: str = Field("", description="lt, le, gt, ge or eq; with a measure.")
    target_value: float | None = None
    interventions: list[InterventionIn] = []


class GoalIn(Schema):
    text: str = Field(description="The participant's own words.")
    objectives: list[ObjectiveIn] = []


class ProblemIn(Schema):
    domain: str
    statement: str
    diagnoses: list[UUID] = []
    dimensions: list[str] = []
    goals: list[GoalIn] = []


class PlanIn(Schema):
    revises: UUID | None = Field(
        None, description="The signed version this revises; none for the episode's first plan."
    )
    change_summary: str = Field("", description="What the revision changes (for a revision).")
    problems: list[ProblemIn] = []


class SignIn(Schema):
    version: int


class OutcomeIn(Schema):
    objective: UUID = Field(description="An objective's id in the version reviewed.")
    outcome: str = Field(description="met, continued or discontinued.")
    comment: str = Field("", description="Optional, at most 300 characters.")


class ReviewIn(Schema):
    reason: str = Field(description="scheduled or level_of_care.")
    reviewed_on: ProgramDate
    note: str = Field(description="What the review found.")
    outcomes: list[OutcomeIn] = Field(
        [], description="What the review found of each objective it took up; none required."
    )


class OutcomeOut(Schema):
    objective: UUID
    outcome: str
    comment: str


class ReviewOut(Schema):
    id: UUID
    plan: UUID
    plan_version: int
    reason: str
    reviewed_on: date
    note: str
    outcomes: list[OutcomeOut]


class ReviewEnteredInErrorIn(Schema):
    reason: str = Field(description="Why the review was entered in error (5 characters or more).")


class WithdrawnReviewOut(ReviewOut):
    entered_in_error: bool
    entered_in_error_at: datetime
    entered_in_error_by: str
    entered_in_error_reason: str


def _review_out(review: PlanReview) -> dict[str, Any]:
    return {
        "id": review.public_id,
        "plan": review.plan.public_id,
        "plan_version": review.plan.number,
        "reason": review.reason,
        "reviewed_on": review.reviewed_on,
        "note": review.note,
        "outcomes": [
            {"objective": o.objective.public_id, "outcome": o.outcome, "comment": o.comment}
            for o in review.outcomes.select_related("objective").order_by("pk")
        ],
    }


def _progress(objective) -> dict[str, Any] | None:
    progress = getattr(objective, "progress", None)
    return progress.to_dict() if progress is not None else None


def _outcome(objective) -> dict[str, Any] | None:
    outcome = getattr(objective, "outcome", None)
    if outcome is None:
        return None
    return {
        "outcome": outcome.outcome,
        "comment": outcome.comment,
        "reviewed_on": outcome.review.reviewed_on,
        "review": outcome.review.public_id,
        "plan_version": outcome.review.plan.number,
    }


def plan_out(view: selectors.PlanView) -> dict[str, Any]:
    plan = view.plan
    ack = view.acknowledgement
    cosign = view.cosignature
    return {
        "id": plan.public_id,
        "episode": plan.episode.public_id,
        "number": plan.number,
        "status": "signed" if plan.is_signed else "draft",
        "entered_in_error": plan.entered_in_error,
        "version": plan.version,
        "revises": plan.revises.public_id if plan.revises else None,
        "change_summary": plan.change_summary,
        "changes": plan.changes,
        "signed_at": plan.signed_at,
        "signed_by": plan.signed_by.get_full_name() if plan.signed_by else None,
        "acknowledged": {"via": ack.via, "at": ack.recorded_at} if ack else None,
        "cosigned": {"at": cosign.recorded_at} if cosign else None,
        "problems": [
            {
                "id": p.public_id,
                "domain": p.domain,
                "statement": p.statement,
                "diagnoses": [{"id": d.public_id, "code": d.code} for d in p.diagnoses.all()],
                "dimensions": p.dimensions,
                "source": p.source,
                "goals": [
                    {
                        "id": g.public_id,
                        "text": g.text,
                        "objectives": [
                            {
                                "id": o.public_id,
                                "lineage": o.lineage,
                                "text": o.text,
                                "target_date": o.target_date,
                                "measure": o.measure_key or None,
                                "comparator": o.comparator or None,
                                "target_value": o.target_value,
                                "progress": _progress(o),
                                "past_its_date": o.past_its_date,
                                "review_outcome": _outcome(o),
                                "interventions": [
                                    {
                                        "id": i.public_id,
                                        "modality": i.modality.name,
                                        "frequency": i.frequency,
                                        "responsible_role": i.responsible_role,
                                        "detail": i.detail,
                                    }
                                    for i in o.intervention_rows
                                ],
                            }
                            for o in g.objective_rows
                        ],
                    }
                    for g in p.goal_rows
                ],
            }
            for p in view.problems
        ],
    }


class PlanOut(Schema):
    id: UUID
    episode: UUID
    number: int
    status: str
    entered_in_error: bool
    version: int
    revises: UUID | None
    change_summary: str
    changes: list[dict[str, Any]]
    signed_at: datetime | None
    signed_by: str | None
    acknowledged: dict[str, Any] | None
    cosigned: dict[str, Any] | None
    problems: list[dict[str, Any]]


@router.get(
    "/participants/{participant_id}/treatment-plans",
    response={200: list[PlanOut], 403: Message, 404: Message},
    summary="Every version of a participant's treatment plans",
    description="Newest first, drafts and entered-in-error versions included. Audited as a view.",
)
def list_plans(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    return [
        plan_out(selectors.plan_view(p, with_progress=False))
        for p in selectors.plans_of(participant)
    ]


@router.get(
    "/participants/{participant_id}/treatment-plans/current",
    response={200: PlanOut, 403: Message, 404: Message},
    summary="The plan in force",
    description=(
        "The newest signed version. Each objective bound to a measure carries `progress`: "
        "the latest value and its date, read from the record of the plan's own stay (a "
        "readmission's plan reads none of the stay before's), and whether it meets the target. "
        "Each objective's `past_its_date` is true when its date has passed, the stay is still in "
        "care and it is not met (an objective without a measure is never read as met) nor "
        "judged met or discontinued at a review, so the plan's review takes it up. Each "
        "objective's `review_outcome` is the latest a plan review recorded (`met`, `continued` or "
        "`discontinued`, with its comment, the review's date and id and the plan version it "
        "reviewed: an earlier one when the objective was copied unchanged since), null when none "
        "(a review entered in error counts for nothing); "
        "the measure's `progress` stands beside it, neither overriding the other. The list of "
        "versions computes none of these (null)."
    ),
)
def current_plan(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True})
    plan = selectors.plan_in_force(participant)
    if plan is None:
        return Status(404, {"detail": "This participant has no signed plan."})
    return Status(200, plan_out(selectors.plan_view(plan)))


@router.post(
    "/participants/{participant_id}/treatment-plans",
    response={201: PlanOut, 403: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Draft a plan version",
    description=(
        "The episode's first plan, or (with `revises` and `change_summary`) a revision of a "
        "signed version, as a draft holding the given problems → goals → objectives → "
        "interventions (a revision starts from a copy of the version it revises). Refused "
        "whole: nothing is written when any part is refused (422 names the part)."
    ),
)
def draft_plan(request: ApiRequest, participant_id: UUID, body: PlanIn):
    participant = participant_or_404(request, participant_id)
    require(
        request.auth, participant, Action.CHANGE, Scope.CLINICAL, addendum=body.revises is not None
    )
    try:
        revises = None
        if body.revises is not None:
            revises = TreatmentPlan.objects.filter(
                participant=participant, public_id=body.revises
            ).first()
            if revises is None:
                raise InvalidInput("No plan of this participant has that id.", field="revises")
        plan = services.draft_with_content(
            participant,
            by=request.auth,
            problems=[p.model_dump() for p in body.problems],
            revises=revises,
            change_summary=body.change_summary,
        )
    except InvalidInput as exc:
        return Status(422, field_errors((exc.field, exc.message)))
    return Status(201, plan_out(selectors.plan_view(plan, with_progress=False)))


def _plan_or_404(request: ApiRequest, plan_id: UUID) -> tuple[TreatmentPlan, Participant]:
    """A version named by its id, and its participant as the caller may open them: an
    unknown version and another's participant's answer alike, 404."""
    plan = TreatmentPlan.objects.filter(public_id=plan_id).select_related("participant").first()
    if plan is None:
        raise Http404("No plan has that id.")
    return plan, participant_or_404(request, plan.participant.public_id)


@router.post(
    "/treatment-plans/{plan_id}/sign",
    response={200: PlanOut, 403: Message, 404: Message, 409: Message, 422: FieldErrors},
    summary="Sign a draft version",
    description=(
        "Signs the draft at `version`; it never changes afterwards. 409 when it is already "
        "signed or changed since; 422 when it is incomplete (the message lists what is missing)."
    ),
)
def sign_plan(request: ApiRequest, plan_id: UUID, body: SignIn):
    plan, participant = _plan_or_404(request, plan_id)
    try:
        # What an incomplete plan lacks is named by its content (a problem, a goal).
        with refusal_shows_record(request, participant, Scope.CLINICAL, refused="plan.sign"):
            signed = services.sign_plan(plan, by=request.auth, expected_version=body.version)
    except InvalidInput as exc:
        return Status(422, field_errors((exc.field, exc.message)))
    return Status(200, plan_out(selectors.plan_view(signed)))


@router.post(
    "/treatment-plans/{plan_id}/reviews",
    response={201: ReviewOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Record a review that keeps the plan in force unchanged",
    description=(
        "A review of the signed version in force that changes nothing in it (a review that "
        "changes the plan is a signed revision), with what it found of each objective it took "
        "up: `met` or `discontinued` closes the objective (no longer past its date), "
        "`continued` keeps its target date (a new date is a revision). 422 when the version is "
        "not the one in force, or an outcome names an objective not in it or twice; nothing is "
        "written then."
    ),
)
def review_plan(request: ApiRequest, plan_id: UUID, body: ReviewIn):
    plan, participant = _plan_or_404(request, plan_id)
    try:
        # A refusal names the version in force or the version's objectives.
        with refusal_shows_record(request, participant, Scope.CLINICAL, refused="plan.reviewed"):
            review = services.record_review(
                plan,
                by=request.auth,
                reason=body.reason,
                note=body.note,
                reviewed_on=body.reviewed_on,
                outcomes=[o.model_dump() for o in body.outcomes],
            )
    except InvalidInput as exc:
        return Status(422, field_errors((exc.field, exc.message)))
    return Status(201, _review_out(review))


@router.post(
    "/treatment-plans/{plan_id}/reviews/{review_id}/entered-in-error",
    response={200: WithdrawnReviewOut, 403: Message, 404: Message, 422: FieldErrors},
    summary="Mark a review that kept the plan unchanged entered in error",
    description=(
        "Withdraws the review (its `id`, or an objective's `review_outcome.review`) with every "
        "outcome it judged, giving the `reason`: it stays in the plan's history, marked, and "
        "counts for nothing from then on (an objective it closed is open again, the next review "
        "falls due as if it had not been held). One outcome is corrected by withdrawing its "
        "review and recording a new one. By whoever may record a review. 422 when the reason "
        "is missing or the review is already entered in error; 404 for a review not of that "
        "version."
    ),
)
def review_entered_in_error(
    request: ApiRequest, plan_id: UUID, review_id: UUID, body: ReviewEnteredInErrorIn
):
    plan, _participant = _plan_or_404(request, plan_id)
    review = PlanReview.objects.filter(plan=plan, public_id=review_id).first()
    if review is None:
        raise Http404("No review of this plan has that id.")
    try:
        marked = services.mark_review_in_error(review, by=request.auth, reason=body.reason)
    except InvalidInput as exc:
        return Status(422, field_errors((exc.field, exc.message)))
    return Status(
        200,
        {
            **_review_out(marked),
            "entered_in_error": True,
            "entered_in_error_at": marked.entered_in_error_at,
            "entered_in_error_by": request.auth.get_full_name(),
            "entered_in_error_reason": marked.entered_in_error_reason,
        },
    )
