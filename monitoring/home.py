"""What monitoring adds to the home pages: open alerts per caseload row, and the slot for the
program's open critical alerts (directors and supervisors)."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from monitoring.models import SEVERITY_RANK, Alert, AlertStatus
from monitoring.selectors import critical_board
from participants.home import shows
from participants.models import Episode
from tandem.escaping import format_html, format_html_join, joined_html
from tandem.templatetags.clock import when

_ANYONE = "00000000-0000-0000-0000-000000000000"  # a public id, for a URL reversed once a page


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


def alerts_cell(value: Any, episode: Episode) -> SafeString | str:
    """The open alerts linked to the participant's alerts page, the worst named when high."""
    if not value:
        return "—"
    url = reverse("monitoring:participant_alerts", args=[episode.participant.public_id])
    worst = value["worst"]
    note = format_html(" <strong>({})</strong>", worst) if worst in ("critical", "high") else ""
    return format_html('<a href="{}">{} open</a>{}', url, value["count"], note)


def critical_alerts_panel(request: HttpRequest) -> dict | None:
    """Every open critical alert the director or supervisor oversees, oldest first; those
    unacknowledged past the program's escalation time are marked escalated to them."""
    board = critical_board(request.user, now=timezone.now())
    panel = {
        "template": "monitoring/_critical_alerts_panel.html",
        "alerts": board.alerts,
        "rows": _critical_rows(board.alerts),
        "escalated": board.escalated,
    }
    return shows(panel, "critical_alerts", [a.participant for a in board.alerts], board.alerts)


def _critical_rows(alerts: list[Alert]) -> SafeString:
    """The board's table rows, written in Python with every value escaped: the template
    engine took several times as long over a program's few dozen open critical alerts."""
    url = reverse("monitoring:participant_alerts", args=[_ANYONE])
    return joined_html("\n", (_critical_row(a, url) for a in alerts))


def _critical_row(a: Alert, url: str) -> SafeString:
    zone = a.episode.program.time_zone if a.episode is not None else ""
    return format_html(
        '<tr{}><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        mark_safe(' class="escalated"') if a.escalated else "",
        when(a.created_at, zone),
        url.replace(_ANYONE, str(a.participant.public_id)),
        a.participant.display_name,
        a.title,
        format_html_join(", ", "{}", ((u,) for u in a.assigned_to.all())) or "—",
        format_html("<strong>Escalated</strong> ({}&nbsp;h unacknowledged)", a.hours_open)
        if a.escalated
        else "—",
    )
