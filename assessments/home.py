"""What assessments add to the caseload on the home page: each participant's latest scores."""

from typing import Any

from assessments.instruments import UnknownInstrumentError, get
from assessments.models import Administration
from participants.models import Episode


def latest_scores_column(episodes: list[Episode]) -> dict[int, Any]:
    """The latest total of each instrument per caseload row (one query for the page)."""
    by_participant = {e.participant_id: e.pk for e in episodes}
    rows = (
        Administration.objects.current()
        .filter(participant_id__in=by_participant, total__isnull=False)
        .order_by("participant_id", "instrument", "-completed_at", "-pk")
        .values_list("participant_id", "instrument", "total", "band", "completed_at")
    )
    latest: dict[int, dict[str, dict]] = {}
    for participant_id, code, total, band, completed_at in rows:
        scores = latest.setdefault(by_participant[participant_id], {})
        if code not in scores:
            scores[code] = {
                "name": _short_name(code),
                "total": total,
                "band": band,
                "on": completed_at,
            }
    return {
        pk: sorted(s.values(), key=lambda r: r["on"], reverse=True)[:3] for pk, s in latest.items()
    }


def _short_name(code: str) -> str:
    try:
        return get(code).short_name
    except UnknownInstrumentError:
        return code
