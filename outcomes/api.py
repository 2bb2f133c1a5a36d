"""GET /api/v1/outcomes: completion for a date range, with hidden cells as null."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from audit.services import record_event
from outcomes import access, selectors
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


class OutcomesOut(Schema):
    start: date
    end: date
    left_care: int | None
    completed: int | None
    completion_rate: float | None
    months: list[MonthOut]
    suppressed: list[str]


@router.get("/outcomes", response=OutcomesOut, url_name="outcomes")
def outcomes(request: HttpRequest, query: Query[OutcomesQuery]) -> dict:
    """Completion by month of discharge for the caller's organizations. Any count from fewer
    than 11 people, and any count that would give one away by subtraction, is null and named
    in `suppressed`."""
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
    completion = selectors.completion(filters, options["sites"])
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
        "suppressed": completion.suppressed,
    }
