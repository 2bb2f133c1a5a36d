"""Writes of case management: barriers, schedule change requests, the resource directory and
referrals to resources. Each is one transaction with its audit event; participant writes go
through the access policy first."""

from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, Program, User
from audit.models import Action
from audit.services import field_changes, record_event
from casemanagement.models import (
    CLOSED_BARRIER_STATUSES,
    REFERRAL_TRANSITIONS,
    Barrier,
    BarrierKind,
    BarrierStatus,
    ChangeRequestStatus,
    ReferralStatus,
    Resource,
    ResourceReferral,
    ScheduleChange,
    ScheduleChangeRequest,
)
from participants.access import Scope, may_take_over, require, require_capability
from participants.models import CareTeamRole, Participant
from participants.selectors import current_episode
from scheduling import selectors as scheduling_selectors
from scheduling import services as scheduling_services
from scheduling.models import AttendanceMode, Constraint
from tandem import dates
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.tasks import enqueue_after_commit
from tandem.validation import validate
from worklist.selectors import tasks_for_source
from worklist.services import complete_task, resolve_owner

# The scheduling profile's constraint code a barrier adds when its change is made.
BARRIER_CONSTRAINTS: dict[str, Constraint] = {
    BarrierKind.TRANSPORT: Constraint.TRANSPORT,
    BarrierKind.CHILDCARE: Constraint.CHILDCARE,
    BarrierKind.WORK_SHIFTS: Constraint.WORK,
}
VERIFY_KIND = "referral.verify"
VERIFY_HOUR = time(8, 0)  # the check task appears at the start of the program's day


def _check_owner(owner: User | None, participant: Participant) -> None:
    if owner is None or not may_take_over(owner, participant):
        raise InvalidInput(
            "Choose an owner who can open this participant's record (the care team).",
            field="owner",
        )


def owner_or_default(owner: User | None, by: User, participant: Participant) -> User:
    """The owner named, else the person recording (when they are on the care team), else the
    participant's case manager, else their primary clinician."""
    if owner is not None:
        _check_owner(owner, participant)
        return owner
    candidates: list[Callable[[], User]] = [lambda: by]
    candidates += [
        partial(resolve_owner, participant, role)
        for role in (CareTeamRole.CASE_MANAGER, CareTeamRole.PRIMARY_CLINICIAN)
    ]
    for candidate in candidates:
        try:
            person = candidate()
            _check_owner(person, participant)
            return person
        except InvalidInput:
            continue
    raise InvalidInput("Choose an owner on the care team.", field="owner")


def _locked(model, pk: int, expected_version: int | None, what: str):
    row = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and row.version != expected_version:
        raise ConcurrentEdit(what)
    return row


def add_barrier(
    participant: Participant, *, by: User, kind: str, owner: User | None = None, detail: str = ""
) -> Barrier:
    """Name a barrier to care and who works on it (the recorder when no one else is named)."""
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    owner = owner_or_default(owner, by, participant)
    barrier = Barrier(
        participant=participant,
        episode=current_episode(participant),
        kind=kind,
        detail=(detail or "").strip(),
        owner=owner,
        recorded_by=by,
    )
    validate(barrier, exclude=["participant", "episode", "owner", "recorded_by"])
    with transaction.atomic():
        barrier.save()
        record_event(
            actor=by,
            event_type="casemanagement.barrier_added",
            decision=decision,
            participant=participant,
            record=barrier,
            details={"kind": kind, "owner": owner.pk},
        )
    return barrier


def update_barrier(
    barrier: Barrier,
    *,
    by: User,
    status: str,
    owner: User | None = None,
    expected_version: int | None = None,
) -> Barrier:
    """Move a barrier on (being worked on, resolved, no longer a barrier) or change its owner."""
    if status not in BarrierStatus.values:
        raise InvalidInput("Choose a status.", field="status")
    decision = require(by, barrier.participant, Action.CHANGE, Scope.CLINICAL)
    if owner is not None:
        _check_owner(owner, barrier.participant)
    with transaction.atomic():
        row = _locked(Barrier, barrier.pk, expected_version, "barrier")
        before = {"status": row.status, "owner": row.owner_id}
        row.status = status
        row.owner = owner or row.owner
        row.closed_at = timezone.now() if status in CLOSED_BARRIER_STATUSES else None
        row.version += 1
        row.save()
        record_event(
            actor=by,
            event_type="casemanagement.barrier_changed",
            decision=decision,
            participant=row.participant,
            record=row,
            details={
                "changes": field_changes(before, {"status": row.status, "owner": row.owner_id})
            },
        )
    return row


def request_schedule_change(
    barrier: Barrier, *, by: User, change: str, detail: str = ""
) -> ScheduleChangeRequest:
    """Ask the scheduler for a change the barrier calls for; it shows on the Schedule tab."""
    participant = barrier.participant
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    episode = scheduling_selectors.open_episode(participant)
    if episode is None:
        raise InvalidInput("They have no open episode to schedule.")
    if not barrier.is_open:
        raise InvalidInput("This barrier is closed.")
    request = ScheduleChangeRequest(
        participant=participant,
        episode=episode,
        barrier=barrier,
        change=change,
        detail=(detail or "").strip(),
        requested_by=by,
    )
    validate(request, exclude=["participant", "episode", "barrier", "requested_by"])
    with transaction.atomic():
        if ScheduleChangeRequest.objects.filter(
            barrier=barrier, change=change, status=ChangeRequestStatus.OPEN
        ).exists():
            raise InvalidInput("This change is already waiting for the scheduler.", field="change")
        request.save()
        record_event(
            actor=by,
            event_type="casemanagement.schedule_change_requested",
            decision=decision,
            participant=participant,
            record=request,
            details={"change": change, "barrier": str(barrier.public_id)},
        )
    return request


def answer_schedule_change(
    request: ScheduleChangeRequest,
    *,
    by: User,
    made: bool,
    answer: str = "",
    expected_version: int | None = None,
) -> ScheduleChangeRequest:
    """The scheduler's answer. A change made is written into the participant's scheduling
    profile: the barrier's constraint code, and virtual-only attendance for a virtual change;
    other changes (evening, days) are the availability the scheduler edits on the same tab."""
    answer = (answer or "").strip()
    if not made and len(answer) < 3:
        raise InvalidInput("Say why the change is not possible.", field="answer")
    participant = request.participant
    decision = require(by, participant, Action.CHANGE, Scope.SCHEDULE)
    with transaction.atomic():
        row = _locked(ScheduleChangeRequest, request.pk, expected_version, "change request")
        if row.status != ChangeRequestStatus.OPEN:
            raise InvalidInput("This request was already answered.")
        if made:
            _apply_to_profile(row, by=by)
        row.status = ChangeRequestStatus.MADE if made else ChangeRequestStatus.DECLINED
        row.answered_by = by
        row.answered_at = timezone.now()
        row.answer = answer
        row.version += 1
        row.save()
        record_event(
            actor=by,
            event_type="casemanagement.schedule_change_answered",
            decision=decision,
            participant=participant,
            record=row,
            details={"changes": {"status": {"before": "open", "after": row.status}}},
        )
    return row


def _apply_to_profile(request: ScheduleChangeRequest, *, by: User) -> None:
    profile = scheduling_selectors.profile_for(request.episode)
    changes = {name: getattr(profile, name) for name in scheduling_services.PROFILE_FIELDS}
    constraint = BARRIER_CONSTRAINTS.get(request.barrier.kind)
    constraints = list(changes["constraints"] or [])
    if constraint and constraint not in constraints:
        constraints.append(constraint)
    changes["constraints"] = constraints
    if request.change == ScheduleChange.VIRTUAL:
        changes["mode"] = AttendanceMode.VIRTUAL
    scheduling_services.save_profile(
        request.episode, by=by, changes=changes, expected_version=profile.version
    )


def add_resource(organization: Organization, *, by: User, **fields) -> Resource:
    """Add a local resource to the program's directory."""
    decision = require_capability(
        by,
        "casemanagement.resources",
        [organization.pk],
        event_type="casemanagement.resource_added",
    )
    resource = Resource(organization=organization, **fields)
    validate(resource, exclude=["organization"])
    with transaction.atomic():
        resource.save()
        record_event(
            actor=by,
            event_type="casemanagement.resource_added",
            decision=decision,
            organization=organization,
            record=resource,
            details={"name": resource.name},
        )
    return resource


def refer(
    participant: Participant,
    *,
    by: User,
    resource: Resource,
    made_on: date,
    owner: User | None = None,
    barrier: Barrier | None = None,
    note: str = "",
) -> ResourceReferral:
    """Refer a participant to a resource; the loop stays open until we know they got there."""
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    if not resource.is_active or resource.organization_id not in (
        None,
        participant.organization_id,
    ):
        raise InvalidInput("Choose a resource from the program's directory.", field="resource")
    if barrier is not None and barrier.participant_id != participant.pk:
        raise InvalidInput("Choose one of this participant's barriers.", field="barrier")
    dates.check(made_on, field="made_on", label="Referral date")
    owner = owner_or_default(owner, by, participant)
    referral = ResourceReferral(
        participant=participant,
        episode=current_episode(participant),
        resource=resource,
        barrier=barrier,
        owner=owner,
        made_on=made_on,
        note=(note or "").strip(),
        recorded_by=by,
    )
    validate(referral, exclude=["participant", "episode", "resource", "barrier", "owner"])
    with transaction.atomic():
        referral.save()
        record_event(
            actor=by,
            event_type="casemanagement.referral_made",
            decision=decision,
            participant=participant,
            record=referral,
            details={"resource": str(resource.public_id), "owner": owner.pk},
        )
    return referral


def program_of(referral: ResourceReferral) -> Program | None:
    episode = referral.episode or current_episode(referral.participant)
    return episode.program if episode else None


def verify_at(referral: ResourceReferral, verify_on: date) -> datetime:
    """When the check task appears: the start of the check day in the program's zone."""
    program = program_of(referral)
    zone = program.tz if program else timezone.get_default_timezone()
    return datetime.combine(verify_on, VERIFY_HOUR, tzinfo=zone)


def set_appointment(
    referral: ResourceReferral,
    *,
    by: User,
    appointment_on: date,
    detail: str = "",
    verify_on: date | None = None,
    expected_version: int | None = None,
) -> ResourceReferral:
    """Record the appointment; on the check day a task asks the owner whether it happened."""
    decision = require(by, referral.participant, Action.CHANGE, Scope.CLINICAL)
    dates.check(appointment_on, field="appointment_on", label="Appointment date")
    verify_on = verify_on or appointment_on
    dates.check(verify_on, field="verify_on", label="Check on")
    with transaction.atomic():
        row = _locked(ResourceReferral, referral.pk, expected_version, "referral")
        _check_transition(row, ReferralStatus.APPOINTMENT_SET)
        before = row.status
        row.status = ReferralStatus.APPOINTMENT_SET
        row.appointment_on = appointment_on
        row.appointment_detail = (detail or "").strip()
        row.verify_on = verify_on
        validate(row, exclude=["participant", "episode", "resource", "barrier", "owner"])
        row.version += 1
        row.save()
        record_event(
            actor=by,
            event_type="casemanagement.referral_appointment_set",
            decision=decision,
            participant=row.participant,
            record=row,
            details={
                "changes": {"status": {"before": before, "after": row.status}},
                "appointment_on": appointment_on.isoformat(),
                "verify_on": verify_on.isoformat(),
            },
        )
        enqueue_after_commit(
            "casemanagement.tasks.verify_referral", row.pk, run_after=verify_at(row, verify_on)
        )
    return row


def _check_transition(row: ResourceReferral, to: str) -> None:
    if to not in REFERRAL_TRANSITIONS[row.status]:
        raise InvalidInput(
            f"A referral that is {row.get_status_display().lower()} cannot become "
            f"{ReferralStatus(to).label.lower()}.",
            field="status",
        )


def record_outcome(
    referral: ResourceReferral,
    *,
    by: User,
    status: str,
    note: str = "",
    expected_version: int | None = None,
) -> ResourceReferral:
    """Close the loop: attended, did not attend, or cancelled. The check task, if open, is
    done with it."""
    if status not in (
        ReferralStatus.ATTENDED,
        ReferralStatus.NOT_ATTENDED,
        ReferralStatus.CANCELLED,
    ):
        raise InvalidInput("Choose what happened.", field="status")
    decision = require(by, referral.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        row = _locked(ResourceReferral, referral.pk, expected_version, "referral")
        _check_transition(row, status)
        before = row.status
        row.status = status
        row.note = (note or row.note).strip()[:500]
        row.outcome_by = by
        row.outcome_at = timezone.now()
        row.version += 1
        row.save()
        record_event(
            actor=by,
            event_type="casemanagement.referral_outcome",
            decision=decision,
            participant=row.participant,
            record=row,
            details={"changes": {"status": {"before": before, "after": status}}},
        )
        for task in tasks_for_source(row):
            if task.is_open and task.kind == VERIFY_KIND:
                complete_task(task, by=by, note=row.get_status_display())
    return row
