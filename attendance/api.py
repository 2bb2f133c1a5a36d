"""Attendance endpoints: a participant's weekly dose, and a session's roll call."""

from datetime import date, datetime
from uuid import UUID

from django.http import Http404
from ninja import Router, Schema

from accounts.http import ApiRequest
from attendance import selectors, services
from attendance.dose import week_start_of
from audit.context import counting_events
from audit.models import Action
from audit.services import record_event
from participants.access import Scope, authorize, roll_call_access
from participants.api import participant_or_404, participants_named
from participants.selectors import current_episode
from tandem.dates import ProgramDate
from tandem.errors import InvalidInput

router = Router(tags=["attendance"])


class DoseOut(Schema):
    participant_id: UUID
    week_start: date
    week_end: date
    required_minutes: int
    weekly_required_minutes: int
    prorated: bool
    scheduled_minutes: int
    attended_minutes: int
    remaining_minutes: int
    unrecorded_minutes: int
    shortfall_minutes: int
    under_dose: bool


class RollCallEntryIn(Schema):
    participant_id: UUID
    status: str
    minutes: int | None = None
    note: str = ""
    version: int = 0


class RollCallIn(Schema):
    entries: list[RollCallEntryIn]


class AttendanceOut(Schema):
    participant_id: UUID
    status: str
    minutes: int
    note: str
    version: int
    recorded_by: str
    recorded_at: datetime


@router.get(
    "/participants/{participant_id}/dose",
    response=DoseOut,
    url_name="attendance_dose",
    summary="A participant's weekly dose",
)
def participant_dose(
    request: ApiRequest, participant_id: UUID, week_start: ProgramDate | None = None
):
    """Minutes scheduled, attended and required for one week (this week by default)."""
    if week_start is not None and week_start != week_start_of(week_start):
        raise InvalidInput("week_start must be a Monday.", field="week_start")
    participant = participant_or_404(request, participant_id)
    authorize(
        request.auth,
        participant,
        Action.VIEW,
        Scope.SCHEDULE,
        details={"api": True, "dose_week": str(week_start or "current")},
    )
    episode = current_episode(participant)
    if episode is None:
        raise Http404("This participant has no episode of care.")
    week = selectors.week_dose(episode, week_start)
    return DoseOut(
        participant_id=participant.public_id,
        week_start=week.week_start,
        week_end=week.week_end,
        required_minutes=week.required,
        weekly_required_minutes=week.weekly_required,
        prorated=week.prorated,
        scheduled_minutes=week.scheduled,
        attended_minutes=week.attended,
        remaining_minutes=week.remaining,
        unrecorded_minutes=week.unrecorded,
        shortfall_minutes=week.shortfall,
        under_dose=week.under_dose,
    )


@router.post(
    "/sessions/{session_id}/roll-call",
    response=list[AttendanceOut],
    url_name="attendance_roll_call",
    summary="Record a session's roll call",
)
def record_roll_call(request: ApiRequest, session_id: UUID, body: RollCallIn):
    """Status per participant; all entries are saved, or none. `version` is 0 for a row not
    yet recorded, else the version you last read (a stale one answers 409)."""
    session = selectors.session_by_public_id(session_id)
    if session is None:
        raise Http404("No session has that id.")
    services.require_roll_call(request.auth, session)
    people = participants_named(
        [e.participant_id for e in body.entries],
        session.program.organization_id,
        "entries.{index}.participant_id",
    )
    entries = [
        services.RollCallEntry(person, e.status, e.minutes, e.note, e.version)
        for person, e in zip(people, body.entries, strict=True)
    ]
    with counting_events() as events:
        rows = services.record_roll_call(session, entries, by=request.auth)
    unchanged = [
        row.participant for row in rows if row.participant_id not in events.participant_ids
    ]
    if unchanged:
        # Rows already recorded as sent write nothing, but the answer shows them again.
        access = roll_call_access(request.auth, session)
        record_event(
            actor=request.auth,
            event_type="roll_call.viewed",
            record=session,
            role=access.role,
            details={"scope": str(Scope.SCHEDULE), "why": access.why, "api": True},
            listed=unchanged,
        )
    return [
        AttendanceOut(
            participant_id=row.participant.public_id,
            status=row.status,
            minutes=row.minutes,
            note=row.note,
            version=row.version,
            recorded_by=str(row.recorded_by or ""),
            recorded_at=row.recorded_at,
        )
        for row in rows
    ]
