"""JSON API of the schedule: run status for polling clients, and a participant's week."""

from datetime import date, datetime, timedelta
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema

from accounts.http import ApiRequest
from audit.models import Action
from participants.access import Scope, authorize, may
from participants.api import participant_or_404
from participants.selectors import current_episode, with_chart_relations
from scheduling import selectors
from scheduling.models import ScheduleRun
from scheduling.weeks import week_start as monday_of
from tandem.dates import ProgramDate

router = Router(tags=["scheduling"])


class RunSummary(Schema):
    status: str
    participants: int
    full_dose: int
    bound: int | None
    gap: float | None
    solve_seconds: float | None
    violations: int


class RunOut(Schema):
    id: UUID
    week_start: date
    status: str
    progress: float
    message: str
    created_at: datetime
    finished_at: datetime | None
    summary: RunSummary | None


class SessionOut(Schema):
    id: UUID
    kind: str
    title: str
    date: date
    starts_at: datetime
    ends_at: datetime
    minutes: int
    mode: str
    room: str
    video_link: str
    status: str
    staff: list[str]


class WeekOut(Schema):
    week_start: date
    time_zone: str
    sessions: list[SessionOut]


def _summary(result: dict) -> RunSummary | None:
    if not result.get("participants"):
        return None
    return RunSummary(
        status=result.get("status", ""),
        participants=len(result["participants"]),
        full_dose=result.get("full_dose", 0),
        bound=result.get("bound"),
        gap=result.get("gap"),
        solve_seconds=result.get("solve_seconds"),
        violations=len(result.get("violations", [])),
    )


@router.get(
    "/runs/{run_id}", response=RunOut, url_name="schedule_run", summary="A schedule run's progress"
)
def schedule_run(request: ApiRequest, run_id: UUID):
    run = (
        ScheduleRun.objects.filter(public_id=run_id, kind=ScheduleRun.Kind.WEEK)
        .select_related("program")
        .first()
    )
    if run is None or not may(request.auth, "schedule.build", run.program.organization_id):
        raise Http404("No schedule run has that id.")
    return RunOut(
        id=run.public_id,
        week_start=run.week_start,
        status=run.status,
        progress=run.progress,
        message=run.message,
        created_at=run.created_at,
        finished_at=run.finished_at,
        summary=_summary(run.result),
    )


@router.get(
    "/participants/{participant_id}/week",
    response=WeekOut,
    url_name="schedule_participant_week",
    summary="A participant's published sessions in one week (program time zone)",
)
def participant_week(
    request: ApiRequest, participant_id: UUID, week_start: ProgramDate | None = None
):
    participant = participant_or_404(request, participant_id)
    authorize(request.auth, participant, Action.VIEW, Scope.SCHEDULE, details={"api": True})
    participant = with_chart_relations(type(participant).objects.filter(pk=participant.pk)).get()
    episode = current_episode(participant)
    program = episode.program if episode else None
    today = program.today() if program else timezone.localdate()
    monday = monday_of(week_start or today)
    sessions = selectors.participant_sessions(participant, monday, monday + timedelta(days=6))
    return WeekOut(
        week_start=monday,
        time_zone=program.time_zone if program else "UTC",
        sessions=[
            SessionOut(
                id=s.public_id,
                kind=s.kind,
                title=s.title,
                date=s.date,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                minutes=s.minutes,
                mode=s.mode,
                room=str(s.room) if s.room else "",
                video_link=s.video_link,
                status=s.status,
                staff=[str(u) for u in s.staff.all()],
            )
            for s in sessions
        ],
    )
