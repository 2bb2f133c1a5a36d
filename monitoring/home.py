"""What monitoring adds to the home pages: open alerts per caseload row, and the slot for the
program's open critical alerts (directors and supervisors)."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from monitoring.models import SEVERITY_RANK, Alert, AlertStatus
from monitoring.selectors import critical_board
from participants.home import shows
from participants.models import Episode


def alerts_column(episodes: list[Episode]) -> dict[int, Any]:
    """Open alerts per caseload row and the worst severity among them (one query)."""
    rows = (
        Alert.objects.filter(
            participant_id__in=[e.participant_id for e in episodes], status=AlertStatus.OPEN
        )
        .values("participant_id", "severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    summary: dict[int, dict] = {}
    for row in rows:
        entry = summary.setdefault(row["participant_id"], {"count": 0, "worst": None})
        entry["count"] += row["n"]
        if entry["worst"] is None or SEVERITY_RANK[row["severity"]] > SEVERITY_RANK[entry["worst"]]:
            entry["worst"] = row["severity"]
    return {e.pk: summary[e.participant_id] for e in episodes if e.participant_id in summary}


def critical_alerts_panel(request: HttpRequest) -> dict | None:
    """Every open critical alert the director or supervisor oversees, oldest first; those
    unacknowledged past the program's escalation time are marked escalated to them."""
    board = critical_board(request.user, now=timezone.now())
    panel = {
        "template": "monitoring/_critical_alerts_panel.html",
        "alerts": board.alerts,
        "escalated": board.escalated,
    }
    return shows(panel, "critical_alerts", [a.participant for a in board.alerts], board.alerts)
