"""The alerts' part of the chart's clinical summary: the open alerts by severity."""

from monitoring.models import Severity
from monitoring.selectors import open_alerts_of
from participants.chart import SummaryRead, page_url

SHOWN = 3  # the worst open alerts named; the rest are counted


def open_alerts(read: SummaryRead) -> dict:
    alerts = open_alerts_of(read.participant)
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.severity] = counts.get(alert.severity, 0) + 1
    return {
        "template": "monitoring/_summary.html",
        "total": len(alerts),
        "counts": [(Severity(s).label, n) for s, n in counts.items()],
        "alerts": alerts[:SHOWN],
        "url": page_url("monitoring:participant_alerts", read.participant.public_id),
    }
