"""Discharge and follow-up endpoints, through the same services and policy as the pages."""

from datetime import date, time
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from audit.models import Action
from discharge import selectors, services
from discharge.models import FollowUpChannel
from discharge.types import DischargeType
from participants.access import Scope, authorize
from participants.api import participant_or_404
from participants.models import Episode
from tandem.dates import ProgramDate

router = Router(tags=["discharge"])


class AftercareIn(Schema):
    next_level_of_care: str = Field(default="", max_length=120)
    next_provider: str = Field(default="", max_length=200)
    first_appointment_on: ProgramDate | None = None
    first_appointment_at: time | None = None
    first_appointment_place: str = Field(default="", max_length=200)
    on_moud: bool = False
    medications: str = Field(default="", max_length=2000)
    next_prescriber: str = Field(default="", max_length=200)
    mutual_help: str = Field(default="", max_length=1000)
    recovery_housing: str = Field(default="", max_length=1000)
    peer_contact: str = Field(default="", max_length=500)
    safety_plan: str = Field(default="", max_length=4000)
    crisis_resources: str = Field(default=services.DEFAULT_CRISIS_RESOURCES, max_length=1000)


class DischargeIn(Schema):
    type: DischargeType
    date: ProgramDate
    reason: str = Field(..., max_length=2000)
    aftercare: AftercareIn = Field(default_factory=AftercareIn)
    follow_up_consent: bool = False
    channel: FollowUpChannel | None = None
    version: int | None = Field(
        None, description="The episode's version; the current one when left out."
    )


class FollowUpOut(Schema):
    id: UUID
    day: int
    due_on: date
    status: str


class DischargeOut(Schema):
    id: UUID
    type: str
    teds_reason: str
    date: date
    reason: str
    moud_gap: bool
    follow_ups: list[FollowUpOut]


def _follow_up_out(row) -> FollowUpOut:
    return FollowUpOut(id=row.public_id, day=row.day, due_on=row.due_on, status=row.status)


@router.post(
    "/{participant_id}/episodes/{episode_id}/discharge",
    response={201: DischargeOut},
    summary="Discharge a participant in care",
)
def discharge(request: ApiRequest, participant_id: UUID, episode_id: UUID, body: DischargeIn):
    participant = participant_or_404(request, participant_id)
    episode = Episode.objects.filter(public_id=episode_id, participant=participant).first()
    if episode is None:
        raise Http404("No episode has that id.")
    record = services.discharge(
        episode,
        by=request.auth,
        type=body.type,
        on=body.date,
        reason=body.reason,
        expected_version=episode.version if body.version is None else body.version,
        aftercare=body.aftercare.dict(),
        follow_up_consent=body.follow_up_consent,
        channel=body.channel or "",
    )
    return Status(
        201,
        DischargeOut(
            id=record.public_id,
            type=record.type,
            teds_reason=record.teds_reason,
            date=record.discharged_on,
            reason=record.reason,
            moud_gap=record.aftercare.moud_gap,
            follow_ups=[_follow_up_out(f) for f in record.follow_ups.order_by("due_on")],
        ),
    )


@router.get(
    "/{participant_id}/follow-ups",
    response=list[FollowUpOut],
    summary="Follow-ups after discharge, each with its due date and status",
)
def follow_ups(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.AFTERCARE, details={"api": True})
    return [_follow_up_out(f) for f in selectors.follow_ups_of(participant)]
