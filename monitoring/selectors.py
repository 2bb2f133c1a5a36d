"""Reads of alerts shared by the home page, the chart header and the alerts tab."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, Count, OuterRef, Subquery, Value, When

from accounts.models import Program
from monitoring.models import SEVERITY_RANK, Alert, AlertStatus, Severity
from participants.access import organizations_with
from participants.models import CareTeamMember


def open_alerts_assigned_to(user) -> list[Alert]:
    alerts = list(
        Alert.objects.filter(assigned_to=user, status=AlertStatus.OPEN)
        .select_related("participant")
        .order_by("-created_at")
    )
    return sorted(alerts, key=lambda a: SEVERITY_RANK.get(Severity(a.severity), 0), reverse=True)


def alerts_for(participant) -> list[Alert]:
    return list(
        Alert.objects.filter(participant=participant)
        .select_related("acknowledged_by")
        .prefetch_related("assigned_to")
        .order_by("status", "-created_at")
    )


def open_alert_values() -> dict[str, Any]:
    """How many alerts are open (`count`, None for none) and the worst severity among them
    (`worst`), as expressions on the participant's row for the chart header's one query."""
    open_alerts = Alert.objects.filter(participant=OuterRef("pk"), status=AlertStatus.OPEN)
    rank = Case(
        *(When(severity=severity, then=Value(r)) for severity, r in SEVERITY_RANK.items()),
        default=Value(0),
    )
    return {
        "count": Subquery(
            open_alerts.order_by().values("participant").annotate(n=Count("pk")).values("n")
        ),
        "worst": Subquery(
            open_alerts.annotate(rank=rank).order_by("-rank", "pk").values("severity")[:1]
        ),
    }


def overseen_organizations(user) -> list[int]:
    """The organizations where the user is a director or supervisor."""
    return organizations_with(user, "program.oversee")


@dataclass
class CriticalBoard:
    alerts: list[Alert]
    """Open critical alerts, oldest first; each carries `escalated` and `hours_open`."""

    @property
    def escalated(self) -> list[Alert]:
        return [a for a in self.alerts if a.escalated]


def critical_board(user, *, now: datetime) -> CriticalBoard:
    """Open critical alerts across the programs a director or supervisor oversees.

    An alert still unacknowledged after its program's `critical_alert_escalation_hours` is
    escalated to them; computed here at read time, so no scheduled job is needed.
    """
    alerts = list(
        Alert.objects.filter(
            participant__organization_id__in=overseen_organizations(user),
            participant__entered_in_error_at__isnull=True,
            status=AlertStatus.OPEN,
            severity=Severity.CRITICAL,
        )
        .select_related("participant", "episode__program")
        .prefetch_related("assigned_to")
        .order_by("created_at", "pk")
    )
    default_hours = Program._meta.get_field("critical_alert_escalation_hours").default
    for alert in alerts:
        program = alert.episode.program if alert.episode_id else None
        hours = program.critical_alert_escalation_hours if program else default_hours
        alert.program = program
        alert.hours_open = int((now - alert.created_at) / timedelta(hours=1))
        alert.escalated = now - alert.created_at >= timedelta(hours=hours)
    return CriticalBoard(alerts)


def who_was_alerted(participant, source) -> str:
    """Whom the alerts raised from `source` reached, in the participant's words: "care_team"
    when someone on their active care team holds one, "program" when only the program's
    oversight does, "" when no one was alerted (the page must not claim otherwise)."""
    assigned = set(
        Alert.objects.filter(
            participant=participant, source_id=str(source.public_id), status=AlertStatus.OPEN
        ).values_list("assigned_to", flat=True)
    ) - {None}
    if not assigned:
        return ""
    on_team = CareTeamMember.objects.filter(
        episode__participant=participant, ended_on__isnull=True, user_id__in=assigned
    ).exists()
    return "care_team" if on_team else "program"
