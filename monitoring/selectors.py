"""Reads of alerts shared by the home page, the chart header and the alerts tab."""

from monitoring.models import SEVERITY_RANK, Alert, AlertStatus


def open_alerts_assigned_to(user) -> list[Alert]:
    alerts = list(
        Alert.objects.filter(assigned_to=user, status=AlertStatus.OPEN)
        .select_related("participant")
        .order_by("-created_at")
    )
    return sorted(alerts, key=lambda a: SEVERITY_RANK.get(a.severity, 0), reverse=True)


def alerts_for(participant) -> list[Alert]:
    return list(
        Alert.objects.filter(participant=participant)
        .select_related("acknowledged_by")
        .prefetch_related("assigned_to")
        .order_by("status", "-created_at")
    )


def open_summary(participant) -> tuple[int, str | None]:
    """How many alerts are open and the worst severity among them."""
    severities = list(
        Alert.objects.filter(participant=participant, status=AlertStatus.OPEN).values_list(
            "severity", flat=True
        )
    )
    if not severities:
        return 0, None
    return len(severities), max(severities, key=lambda s: SEVERITY_RANK.get(s, 0))
