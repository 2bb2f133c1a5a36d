"""Discharge and follow-up endpoints, through the same services and policy as the pages.

A discharge names one choice for each item still open on the participant (listed by the
open-items endpoint), as the discharge page asks: close it with a note, or hand it over to a
staff member who can open the record. The service decides; a bad choice is a 422 naming the
entry of `open_items`, and nothing is written.
"""

from datetime import date, time
from uuid import UUID

from django.http import Http404
from ninja import Field, Router, Schema, Status

from accounts.http import ApiRequest
from accounts.models import User
from audit.models import Action
from discharge import handover, selectors, services
from discharge.models import FollowUpChannel, Handover
from discharge.types import DischargeType
from participants.access import Scope, authorize
from participants.api import participant_or_404, refusal_shows_record
from participants.models import Episode
from tandem.dates import ProgramDate
from tandem.errors import InvalidInput

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


class OpenItemOut(Schema):
    item: str = Field(description="The key a discharge names this item by in `open_items`.")
    kind: str = Field(description="alert or task.")
    title: str
    owner: str = Field(description="Who has it now.")


class ItemChoiceIn(Schema):
    item: str = Field(max_length=100, description="The open item's key (see open-items).")
    choice: Handover.Choice = Field(
        description="closed (with a note saying why) or handed_over (to a staff member)."
    )
    to: int | None = Field(
        None,
        description="The staff user id who takes it over: on the care team, or overseeing the "
        "program, so they can open the record.",
    )
    note: str = Field("", max_length=300)


class DischargeIn(Schema):
    type: DischargeType
    date: ProgramDate
    reason: str = Field(..., max_length=2000)
    aftercare: AftercareIn = Field(default_factory=AftercareIn)
    follow_up_consent: bool = False
    channel: FollowUpChannel | None = None
    open_items: list[ItemChoiceIn] = Field(
        default_factory=list,
        description="One choice for each item still open on the participant; a discharge "
        "is refused while any is left without one.",
    )
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


def _choices(entries: list[ItemChoiceIn]) -> dict[str, services.ItemChoice]:
    """The body's choices by item key; the staff members named by id, read at once."""
    staff = User.objects.filter(kind=User.Kind.STAFF, is_active=True).in_bulk(
        {entry.to for entry in entries if entry.to is not None}
    )
    choices: dict[str, services.ItemChoice] = {}
    for index, entry in enumerate(entries):
        if entry.item in choices:
            raise InvalidInput("This item has a choice already.", field=f"open_items.{index}.item")
        to = None
        if entry.to is not None:
            to = staff.get(entry.to)
            if to is None:
                raise InvalidInput("No staff member has that id.", field=f"open_items.{index}.to")
        choices[entry.item] = services.ItemChoice(entry.choice, to, entry.note)
    return choices


def _entry_of(entries: list[ItemChoiceIn], exc: InvalidInput) -> InvalidInput:
    """The service names an open item by its key (`alert:<id>`): the 422 names the body's
    entry for it, or the whole list when the body left that item out."""
    keys = [entry.item for entry in entries]
    if exc.field in keys:
        return InvalidInput(exc.message, field=f"open_items.{keys.index(exc.field)}")
    if exc.field and ":" in exc.field:
        return InvalidInput(exc.message, field="open_items")
    return exc


@router.get(
    "/{participant_id}/discharge/open-items",
    response=list[OpenItemOut],
    summary="Items still open on a participant, each needing a choice at discharge",
)
def open_items(request: ApiRequest, participant_id: UUID):
    participant = participant_or_404(request, participant_id)
    authorize(
        request.auth,
        participant,
        Action.VIEW,
        Scope.CLINICAL,
        details={"api": True, "list": "open items"},
    )
    return [
        OpenItemOut(item=i.key, kind=i.kind, title=i.title, owner=i.owner)
        for i in handover.open_items(participant)
    ]


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
    choices = _choices(body.open_items)
    # A refusal may name the participant's open items (an alert's title, a task's owner).
    with refusal_shows_record(request, participant, Scope.CLINICAL, refused="discharge"):
        try:
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
                choices=choices,
            )
        except InvalidInput as exc:
            raise _entry_of(body.open_items, exc) from None
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
