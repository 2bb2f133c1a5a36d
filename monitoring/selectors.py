"""Reads of alerts shared by the home page, the chart header and the alerts tab."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page
from django.db.models import (
    Case,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.models import Program, User
from monitoring.models import SEVERITY_RANK, Alert, AlertStatus, Severity
from participants.access import organizations_with
from participants.models import CareTeamMember
from tandem.paging import page_of
from tandem.statements import model_rows


def _worst_first(alerts: Iterable[Alert]) -> list[Alert]:
    """Worst severity first, keeping the order they were read in within a severity."""
    return sorted(alerts, key=lambda a: SEVERITY_RANK.get(Severity(a.severity), 0), reverse=True)


def _assigned_to(user_id: int) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(assigned_to=user_id, status=AlertStatus.OPEN)
        .select_related("participant")
        .order_by("-created_at")
    )


def open_alerts_assigned_to(user) -> list[Alert]:
    """The open alerts assigned to `user`, worst first. Every staff home reads them, most
    often to find none: the statement is compiled once per process, since building and
    compiling it cost more than running it."""
    return _worst_first(model_rows("monitoring.assigned_to", _assigned_to, User._meta.pk, user.pk))


def _severity_rank() -> Case:
    return Case(
        *(When(severity=severity, then=Value(r)) for severity, r in SEVERITY_RANK.items()),
        default=Value(0),
    )


def alerts_for(participant) -> list[Alert]:
    """Open alerts first (they ask for action), the worst of them first, as on the home page
    and in the chart header, so a critical alert is never below a lesser one raised later;
    then acknowledged ones. Newest first within a severity, and among acknowledged ones."""
    open_first = Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1))
    open_rank = Case(When(status=AlertStatus.OPEN, then=_severity_rank()), default=Value(0))
    return list(
        Alert.objects.filter(participant=participant)
        .select_related("acknowledged_by")
        .prefetch_related("assigned_to")
        .order_by(open_first, open_rank.desc(), "-created_at", "-pk")
    )


def open_alert_values() -> dict[str, Any]:
    """How many alerts are open (`count`, None for none) and the worst severity among them
    (`worst`), as expressions on the participant's row for the chart header's one query."""
    open_alerts = Alert.objects.filter(participant=OuterRef("pk"), status=AlertStatus.OPEN)
    rank = _severity_rank()
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


CRITICAL_BOARD_PAGE_SIZE = 50


@dataclass
class CriticalBoard:
    alerts: list[Alert]
    """Open critical alerts, oldest first; each carries `escalated` and `hours_open`."""

    @property
    def escalated(self) -> list[Alert]:
        return [a for a in self.alerts if a.escalated]


@dataclass
class CriticalBoardPage:
    """One page of the critical-alerts board, with the counts of the whole board so the
    numbers a director acts on do not shrink to what one page shows."""

    page: Page
    """Open critical alerts of this page, oldest first, marked as `critical_board` marks them."""
    open_count: int
    escalated_count: int


# What the board and the home's panel show of an alert, whom it names and when it escalates:
# the alerts' own, their participants' and their programs' whole rows took longer to load
# than the query took to run.
_BOARD_SHOWS = (
    "public_id",
    "created_at",
    "kind",
    "title",
    "participant__public_id",
    "participant__legal_first_name",
    "participant__preferred_name",
    "participant__legal_last_name",
    "episode__program__time_zone",
    "episode__program__critical_alert_escalation_hours",
)
_NAMED_BY = ("display_name", "first_name", "last_name", "username")  # a user's str()


def open_critical_alerts(user) -> QuerySet[Alert]:
    """Open critical alerts across the programs a director or supervisor oversees, oldest
    first (then by id, so pages never overlap or skip)."""
    return (
        Alert.objects.filter(
            participant__organization_id__in=overseen_organizations(user),
            participant__entered_in_error_at__isnull=True,
            status=AlertStatus.OPEN,
            severity=Severity.CRITICAL,
        )
        .select_related("participant", "episode__program")
        .only(*_BOARD_SHOWS)
        .prefetch_related(Prefetch("assigned_to", User.objects.only(*_NAMED_BY)))
        .order_by("created_at", "pk")
    )


def _default_escalation_hours() -> int:
    return Program._meta.get_field("critical_alert_escalation_hours").default


def _mark_escalation(alerts: list[Alert], *, now: datetime) -> list[Alert]:
    default_hours = _default_escalation_hours()
    for alert in alerts:
        program = alert.episode.program if alert.episode is not None else None
        hours = program.critical_alert_escalation_hours if program else default_hours
        alert.hours_open = int((now - alert.created_at) / timedelta(hours=1))
        alert.escalated = now - alert.created_at >= timedelta(hours=hours)
    return alerts


def _escalated_count(alerts: QuerySet[Alert], *, now: datetime) -> int:
    """How many of `alerts` are escalated, counted in the database: one cut-off per
    escalation time in use, since each program sets its own."""
    alerts = alerts.order_by()
    hours_in_use = set(
        alerts.values_list(
            "episode__program__critical_alert_escalation_hours", flat=True
        ).distinct()
    )
    late = Q()
    for hours in hours_in_use:
        if hours is None:
            late |= Q(episode__program__isnull=True) & Q(
                created_at__lte=now - timedelta(hours=_default_escalation_hours())
            )
        else:
            late |= Q(episode__program__critical_alert_escalation_hours=hours) & Q(
                created_at__lte=now - timedelta(hours=hours)
            )
    return alerts.filter(late).count() if hours_in_use else 0


def critical_board(user, *, now: datetime) -> CriticalBoard:
    """Open critical alerts across the programs a director or supervisor oversees.

    An alert still unacknowledged after its program's `critical_alert_escalation_hours` is
    escalated to them; computed here at read time, so no scheduled job is needed.
    """
    return CriticalBoard(_mark_escalation(list(open_critical_alerts(user)), now=now))


def critical_board_page(
    user, number: str | int | None, *, now: datetime, size: int = CRITICAL_BOARD_PAGE_SIZE
) -> CriticalBoardPage:
    """One page of `critical_board` and its whole-board counts, in the same few queries
    however many alerts are open."""
    alerts = open_critical_alerts(user)
    page = page_of(alerts, number, size)
    page.object_list = _mark_escalation(list(page.object_list), now=now)
    return CriticalBoardPage(
        page=page,
        open_count=page.paginator.count,
        escalated_count=_escalated_count(alerts, now=now),
    )


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


def open_alerts_of(participant) -> list[Alert]:
    """A participant's open alerts, worst first and newest first within a severity (one
    query): what the clinical summary counts and names."""
    return _worst_first(
        Alert.objects.filter(participant=participant, status=AlertStatus.OPEN)
        .only("public_id", "severity", "title", "created_at")
        .order_by("-created_at", "-pk")
    )
