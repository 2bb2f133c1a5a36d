"""GET /api/v1/outcomes: completion for a date range, with hidden cells as null."""

from datetime import date

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from accounts.http import ApiRequest
from audit.services import record_event
from outcomes import access, care_figures, selectors
from participants.access import capability_decision, organizations_of, require_capability
from tandem.dates import ProgramDate
from tandem.errors import InvalidInput

router = Router(tags=["outcomes"])


class OutcomesQuery(Schema):
    # `from` is a Python keyword: the schema reads it by alias.
    start: ProgramDate | None = Field(None, alias="from")
    end: ProgramDate | None = Field(None, alias="to")


class MonthOut(Schema):
    month: str
    left_care: int | None
    completed: int | None
    completion_rate: float | None


class StageOut(Schema):
    day: int
    due: int | None
    reached: int | None
    reach_rate: float | None


class AbstinenceOut(Schema):
    point: str
    people: int | None
    self_reported: int | None
    self_report_abstinent: int | None
    self_report_rate: float | None
    screened: int | None
    screen_verified_abstinent: int | None
    screen_verified_rate: float | None


class MeasureOut(Schema):
    instrument: str
    people: int | None
    reliable_change_computed: int | None = Field(
        description="Of `people`, those whose instrument has a reliable-change rule (PHQ-9, "
        "GAD-7; the PCL-5 has none, see `note`)."
    )
    reliably_improved: int | None = Field(
        description="Reliable improvement by the IAPT rule of the clinical reference: a drop of "
        "6 points or more on the PHQ-9, 4 or more on the GAD-7, baseline to latest."
    )
    reliably_improved_rate: float | None
    recovered: int | None = Field(
        description="Reliably improved and from the instrument's cut-off or above to below it."
    )
    recovered_rate: float | None
    mean_change: float | None
    sd_change: float | None
    effect_size: None = None
    note: str


class AlertOut(Schema):
    severity: str
    raised: int | None
    still_open: int | None
    acknowledged_within_hours: dict[int, float | None]


class NotesOut(Schema):
    due: int | None
    signed_on_time: int | None
    signed_late: int | None
    not_signed: int | None
    on_time_rate: float | None


class OutcomesOut(Schema):
    start: date
    end: date
    left_care: int | None
    completed: int | None
    completion_rate: float | None
    months: list[MonthOut]
    follow_up_reach: list[StageOut]
    abstinence: list[AbstinenceOut]
    measures: list[MeasureOut]
    reliable_change_note: str
    effect_size_note: str
    alert_response: list[AlertOut]
    notes_signed_on_time: NotesOut
    suppressed: list[str]


@router.get("/outcomes", response=OutcomesOut, url_name="outcomes")
def outcomes(request: ApiRequest, query: Query[OutcomesQuery]) -> dict:
    """The board's figures for the caller's organizations: completion by month of discharge,
    follow-up reach, abstinence, measures, alert response and notes signed on time. Any
    count from fewer than 11 people, and any count that would give one away by subtraction,
    is null and named in `suppressed`."""
    user = request.auth
    orgs = access.organizations_read(user)
    if not orgs:
        require_capability(
            user, access.CAPABILITY, organizations_of(user), event_type="outcomes.board_viewed"
        )
    options = selectors.choices(orgs)
    today = options["programs"][0].today() if options["programs"] else timezone.localdate()
    start = query.start or date(today.year - 1, today.month, 1)
    end = query.end or today
    if start > end:
        raise InvalidInput("The end of the range cannot be before its start.", field="to")
    filters = selectors.Filters(tuple(orgs), start=start, end=end, today=today)
    board = selectors.board(filters, options["sites"])
    completion = board.completion
    record_event(
        actor=user,
        event_type="outcomes.board_viewed",
        role=capability_decision(user, access.CAPABILITY, orgs[0]).role,
        organization=orgs[0],
        record_type="outcomes.Board",
        details={"filters": filters.described(), "api": True},
    )
    total = completion.total
    return {
        "start": start,
        "end": end,
        "left_care": total.left_care,
        "completed": total.completed,
        "completion_rate": total.rate,
        "months": [
            {
                "month": r.label,
                "left_care": r.left_care,
                "completed": r.completed,
                "completion_rate": r.rate,
            }
            for r in completion.months
        ],
        **_after_care(board),
        "suppressed": board.suppressed,
    }


def _after_care(board: selectors.Board) -> dict:
    """The board's later figures, hidden ones as null (named in `suppressed`)."""
    notes = board.notes
    return {
        "follow_up_reach": [
            {"day": s.day, "due": s.due, "reached": s.reached, "reach_rate": s.reach_rate}
            for s in board.stages
        ],
        "abstinence": [
            {
                "point": p.key,
                "people": p.people,
                "self_reported": p.reported,
                "self_report_abstinent": p.self_abstinent,
                "self_report_rate": p.self_rate,
                "screened": p.screened,
                "screen_verified_abstinent": p.screen_abstinent,
                "screen_verified_rate": p.screen_rate,
            }
            for p in [board.abstinence, *[s.abstinence for s in board.stages]]
        ],
        "measures": [
            {
                "instrument": m.code,
                "people": m.people,
                "reliable_change_computed": m.computed,
                "reliably_improved": m.improved,
                "reliably_improved_rate": m.improved_rate,
                "recovered": m.recovered,
                "recovered_rate": m.recovered_rate,
                "mean_change": m.mean_change,
                "sd_change": m.sd_change,
                "note": m.note,
            }
            for m in board.measures
        ],
        "reliable_change_note": care_figures.RELIABLE_CHANGE_NOTE,
        "effect_size_note": care_figures.EFFECT_SIZE_NOTE,
        "alert_response": [
            {
                "severity": a.severity,
                "raised": a.raised,
                "still_open": a.open,
                "acknowledged_within_hours": a.within if a.shown else {},
            }
            for a in board.alerts
        ],
        "notes_signed_on_time": {
            "due": notes.due,
            "signed_on_time": notes.on_time,
            "signed_late": notes.late,
            "not_signed": notes.unsigned,
            "on_time_rate": notes.on_time_rate,
        },
    }
