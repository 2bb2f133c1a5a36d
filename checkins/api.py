"""JSON API of the daily check-in: a participant sends their own (their portal session)."""

from decimal import Decimal
from uuid import UUID

from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from checkins import services
from checkins.models import Via
from participants.access import own_record, uses_portal
from tandem.api_errors import FieldErrors

router = Router(tags=["check-ins"])


class CheckInIn(Schema):
    mood: int = Field(ge=0, le=10, description="0 = worst, 10 = best.")
    craving: int = Field(ge=0, le=10, description="0 = none, 10 = strongest.")
    used: bool = Field(description="Any use since the last check-in.")
    substances: list[str] = Field(
        default_factory=list, description="When used: codes from the program's substance list."
    )
    triggers: list[str] = Field(default_factory=list)
    trigger_note: str = Field("", max_length=300)
    coping: list[str] = Field(default_factory=list)
    hours_slept: Decimal | None = Field(None, ge=0, le=24)
    safety: bool = Field(description="The safety question: yes raises a critical alert.")
    medications_taken: str = Field(
        "",
        description="When medications are on the list: `all`, `some` or `none` taken since "
        "the last check-in; empty when not asked.",
    )


class AlertOut(Schema):
    kind: str
    severity: str


class CheckInOut(Schema):
    id: UUID
    alerts: list[AlertOut]


class Message(Schema):
    detail: str


@router.post(
    "/me/checkins",
    response={201: CheckInOut, 403: Message, 422: FieldErrors},
    summary="Send today's check-in (participant)",
    description=(
        "The participant's own session. Stores the check-in and applies the escalation "
        "rules; `alerts` lists what the answers raised (a safety yes is `checkin-safety`, "
        "critical: show the safety plan and crisis lines at once). Audited."
    ),
)
def send_checkin(request: ApiRequest, body: CheckInIn):
    if not uses_portal(request.auth):
        return Status(403, {"detail": "Check-ins are sent from a participant's own account."})
    participant = own_record(request.auth)
    if participant is None:
        return Status(403, {"detail": "Your account is not linked to a record."})
    sent = services.record_checkin(participant, by=request.auth, via=Via.API, **body.dict())
    return Status(
        201,
        {
            "id": sent.checkin.public_id,
            "alerts": [{"kind": a.kind, "severity": a.severity} for a in sent.alerts],
        },
    )
