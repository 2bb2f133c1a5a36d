"""Case management over the JSON API: a participant's barriers, referrals to resources and
tasks, listed, created and moved on through the same services (and so the same policy and
audit events) as the Case management tab.

A change names the `version` it was read at: a stale one is refused with 409. Bad input is
refused with 422 in the API's one shape, `{"detail": [{"field", "message"}]}`.
"""

from datetime import date
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from accounts.models import User
from audit.models import Action
from casemanagement import selectors, services
from casemanagement.models import Barrier, ResourceReferral
from participants.access import Scope, authorize
from participants.api import participant_or_404
from participants.models import Participant
from participants.selectors import program_today
from tandem.api_errors import FieldErrors
from tandem.dates import ProgramDate
from tandem.errors import InvalidInput
from worklist import selectors as worklist_selectors
from worklist import services as worklist
from worklist.models import Task, TaskStatus

router = Router(tags=["case management"])


class Message(Schema):
    detail: str


ERRORS = {403: Message, 404: Message, 409: Message, 422: FieldErrors}


def _staff(field: str, pk: int | None) -> User | None:
    """A staff member named by id (the services check they belong to the program)."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, kind=User.Kind.STAFF, is_active=True).first()
    if user is None:
        raise InvalidInput("No staff member has that id.", field=field)
    return user


def _one(model, participant: Participant, public_id: UUID, field: str):
    """A row of this participant named in the address (404) or in the body (422)."""
    row = model.objects.filter(participant=participant, public_id=public_id).first()
    if row is None:
        raise InvalidInput(f"This participant has no {field} with that id.", field=field)
    return row


def _addressed(model, participant: Participant, public_id: UUID, what: str):
    row = model.objects.filter(participant=participant, public_id=public_id).first()
    if row is None:
        raise Http404(f"This participant has no {what} with that id.")
    return row


def _read(request: ApiRequest, participant_id: UUID, what: str) -> Participant:
    participant = participant_or_404(request, participant_id)
    authorize(
        request.auth, participant, Action.VIEW, Scope.CLINICAL, details={"api": True, "list": what}
    )
    return participant


# ---------------------------------------------------------------- barriers


class BarrierOut(Schema):
    id: UUID
    kind: str
    detail: str
    status: str
    owner: int
    is_open: bool
    version: int


class BarrierIn(Schema):
    kind: str = Field(description="transport, childcare, work_shifts, housing, … (see the tab).")
    owner: int | None = Field(None, description="A staff user id; the caller when left out.")
    detail: str = Field("", max_length=500)


class BarrierChange(Schema):
    status: str = Field(description="open, working, resolved or no_longer.")
    owner: int | None = None
    version: int = Field(description="The version read; a stale one is refused with 409.")


def _barrier(b: Barrier) -> BarrierOut:
    return BarrierOut(
        id=b.public_id,
        kind=b.kind,
        detail=b.detail,
        status=b.status,
        owner=b.owner_id,
        is_open=b.is_open,
        version=b.version,
    )


@router.get("/{participant_id}/barriers", response={200: list[BarrierOut], **ERRORS})
def list_barriers(request: ApiRequest, participant_id: UUID):
    """A participant's barriers to care, open ones first. Audited as a view."""
    participant = _read(request, participant_id, "barriers")
    return [_barrier(b) for b in selectors.barriers_for(participant)]


@router.post("/{participant_id}/barriers", response={201: BarrierOut, **ERRORS})
def add_barrier(request: ApiRequest, participant_id: UUID, body: BarrierIn):
    """Name a barrier and who works on it."""
    participant = participant_or_404(request, participant_id)
    row = services.add_barrier(
        participant,
        by=request.auth,
        kind=body.kind,
        owner=_staff("owner", body.owner),
        detail=body.detail,
    )
    return Status(201, _barrier(row))


@router.patch("/{participant_id}/barriers/{barrier_id}", response={200: BarrierOut, **ERRORS})
def change_barrier(
    request: ApiRequest, participant_id: UUID, barrier_id: UUID, body: BarrierChange
):
    """Move a barrier on or change its owner."""
    participant = participant_or_404(request, participant_id)
    row = services.update_barrier(
        _addressed(Barrier, participant, barrier_id, "barrier"),
        by=request.auth,
        status=body.status,
        owner=_staff("owner", body.owner),
        expected_version=body.version,
    )
    return _barrier(row)


# ---------------------------------------------------------------- referrals


class ReferralOut(Schema):
    id: UUID
    resource: UUID
    resource_name: str
    barrier: UUID | None
    owner: int
    status: str
    made_on: date
    appointment_on: date | None
    appointment_detail: str
    verify_on: date | None
    note: str
    version: int


class ReferralIn(Schema):
    resource: UUID = Field(description="A resource of the program's directory.")
    made_on: ProgramDate
    owner: int | None = None
    barrier: UUID | None = Field(None, description="The barrier the referral answers, if any.")
    note: str = Field("", max_length=500)


class ReferralChange(Schema):
    """Either an appointment (`appointment_on`), or the loop closed (`status`)."""

    appointment_on: ProgramDate | None = None
    appointment_detail: str = Field("", max_length=300)
    verify_on: ProgramDate | None = None
    status: str = Field("", description="attended, not_attended or cancelled.")
    note: str = Field("", max_length=500)
    version: int


def _referral(r: ResourceReferral) -> ReferralOut:
    return ReferralOut(
        id=r.public_id,
        resource=r.resource.public_id,
        resource_name=r.resource.name,
        barrier=r.barrier.public_id if r.barrier is not None else None,
        owner=r.owner_id,
        status=r.status,
        made_on=r.made_on,
        appointment_on=r.appointment_on,
        appointment_detail=r.appointment_detail,
        verify_on=r.verify_on,
        note=r.note,
        version=r.version,
    )


@router.get("/{participant_id}/referrals", response={200: list[ReferralOut], **ERRORS})
def list_referrals(request: ApiRequest, participant_id: UUID):
    """A participant's referrals to resources, newest first, each where its loop stands."""
    participant = _read(request, participant_id, "referrals")
    return [_referral(r) for r in selectors.referrals_for(participant)]


@router.post("/{participant_id}/referrals", response={201: ReferralOut, **ERRORS})
def add_referral(request: ApiRequest, participant_id: UUID, body: ReferralIn):
    """Refer to a resource of the directory; the loop starts as made."""
    participant = participant_or_404(request, participant_id)
    resource = (
        selectors.directory(participant.organization_id).filter(public_id=body.resource).first()
    )
    if resource is None:
        raise InvalidInput("No resource of this program's directory has that id.", field="resource")
    barrier = _one(Barrier, participant, body.barrier, "barrier") if body.barrier else None
    row = services.refer(
        participant,
        by=request.auth,
        resource=resource,
        made_on=body.made_on,
        owner=_staff("owner", body.owner),
        barrier=barrier,
        note=body.note,
    )
    return Status(201, _referral(row))


@router.patch("/{participant_id}/referrals/{referral_id}", response={200: ReferralOut, **ERRORS})
def change_referral(
    request: ApiRequest, participant_id: UUID, referral_id: UUID, body: ReferralChange
):
    """Set the appointment, or close the loop with what happened."""
    participant = participant_or_404(request, participant_id)
    row = _addressed(ResourceReferral, participant, referral_id, "referral")
    if (body.appointment_on is None) == (not body.status):
        raise InvalidInput("Give either an appointment date or a status, not both.", field=None)
    if body.appointment_on is not None:
        row = services.set_appointment(
            row,
            by=request.auth,
            appointment_on=body.appointment_on,
            detail=body.appointment_detail,
            verify_on=body.verify_on,
            expected_version=body.version,
        )
    else:
        row = services.record_outcome(
            row, by=request.auth, status=body.status, note=body.note, expected_version=body.version
        )
    return _referral(row)


# ---------------------------------------------------------------- tasks


class TaskOut(Schema):
    id: UUID
    title: str
    detail: str
    owner: int
    due_on: date
    status: str
    overdue: bool
    version: int


class TaskIn(Schema):
    title: str = Field(max_length=200)
    due_on: ProgramDate
    owner: int | None = Field(
        None,
        description="A staff user id; when left out, the caller if on the care team, else the "
        "case manager, else the primary clinician.",
    )
    detail: str = ""


class TaskChange(Schema):
    action: str = Field(description="complete or cancel.")
    note: str = Field("", description="What was done; the reason, required to cancel.")
    version: int


def _task(t: Task, today: date) -> TaskOut:
    return TaskOut(
        id=t.public_id,
        title=t.title,
        detail=t.detail,
        owner=t.owner_id,
        due_on=t.due_on,
        status=t.status,
        overdue=t.status == TaskStatus.OPEN and t.due_on < today,
        version=t.version,
    )


@router.get("/{participant_id}/tasks", response={200: list[TaskOut], **ERRORS})
def list_tasks(request: ApiRequest, participant_id: UUID):
    """A participant's tasks, open ones first, with who owns each and whether it is overdue."""
    participant = _read(request, participant_id, "tasks")
    today = program_today(participant)
    rows = worklist_selectors.tasks_for_participant(participant, today=today)
    return [_task(t, today) for t in rows]


@router.post("/{participant_id}/tasks", response={201: TaskOut, **ERRORS})
def add_task(request: ApiRequest, participant_id: UUID, body: TaskIn):
    """Give a staff member something to do for this participant by a date."""
    participant = participant_or_404(request, participant_id)
    row = worklist.create_task(
        title=body.title,
        due_on=body.due_on,
        by=request.auth,
        participant=participant,
        owner=services.owner_or_default(_staff("owner", body.owner), request.auth, participant),
        detail=body.detail,
    )
    return Status(201, _task(row, program_today(participant)))


@router.patch("/{participant_id}/tasks/{task_id}", response={200: TaskOut, **ERRORS})
def change_task(request: ApiRequest, participant_id: UUID, task_id: UUID, body: TaskChange):
    """Complete a task, or cancel it with the reason."""
    participant = participant_or_404(request, participant_id)
    task = _addressed(Task, participant, task_id, "task")
    if body.action == "complete":
        row = worklist.complete_task(
            task, by=request.auth, note=body.note, expected_version=body.version
        )
    elif body.action == "cancel":
        row = worklist.cancel_task(
            task, by=request.auth, reason=body.note, expected_version=body.version
        )
    else:
        raise InvalidInput("Say complete or cancel.", field="action")
    return _task(row, program_today(participant))
