"""The alerts tab of the chart, acknowledgement, and the home-page panel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.services import record_event
from monitoring import kinds, selectors, services
from monitoring.models import Alert
from participants.access import Scope, viewable
from participants.decorators import not_found, participant_page
from participants.home import shows
from participants.http import StaffRequest
from participants.views import chart_context
from tandem.errors import TandemError
from tandem.methods import serves
from tandem.views import error_page


@participant_page(Scope.CLINICAL, methods=("GET",))
def participant_alerts(request: StaffRequest, participant) -> HttpResponse:
    context = chart_context(request, participant, "alerts")
    alerts = selectors.alerts_for(participant)
    for alert in alerts:
        alert.kind_label = kinds.label(alert.kind)
    context["alerts"] = alerts
    return render(request, "monitoring/alerts_tab.html", context)


@participant_page(Scope.CLINICAL, methods=("POST",))
def acknowledge(request: StaffRequest, participant, alert_id) -> HttpResponse:
    alert = Alert.objects.filter(public_id=alert_id, participant=participant).first()
    if alert is None:
        return not_found(request)
    try:
        services.acknowledge(alert, by=request.user, note=request.POST.get("note", ""))
    except TandemError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Alert acknowledged.")
    target = request.POST.get("return_to")
    if target == "home":
        return redirect("home")
    return redirect("monitoring:participant_alerts", participant_id=participant.public_id)


def home_panel(request: HttpRequest) -> dict | None:
    """Open alerts assigned to the signed-in clinician, worst first, about participants the
    policy still lets them see (an alert stays assigned to someone who left the care team or
    the organization)."""
    alerts = viewable(request.user, selectors.open_alerts_assigned_to(request.user))
    if not alerts:
        return None
    for alert in alerts:
        alert.kind_label = kinds.label(alert.kind)
    panel = {"template": "monitoring/_home_panel.html", "alerts": alerts}
    return shows(panel, "alerts", [a.participant for a in alerts], alerts)


def _audit_board(request: HttpRequest, alerts: list[Alert], page: str) -> None:
    record_event(
        actor=request.user,
        event_type="alert.critical_board_viewed",
        record_type="monitoring.CriticalAlertBoard",
        details={
            "page": page,
            "alerts": [str(a.public_id) for a in alerts],
        },
        listed=[a.participant for a in alerts],
    )


@serves("GET")
@login_required
def critical_board(request: HttpRequest) -> HttpResponse:
    """Every open critical alert across the program, for its directors and supervisors, a
    page at a time."""
    if not selectors.overseen_organizations(request.user):
        return error_page(
            request,
            "Not allowed",
            "The critical-alerts board is for directors and supervisors.",
            status=403,
        )
    board = selectors.critical_board_page(request.user, request.GET.get("page"), now=timezone.now())
    alerts = list(board.page)
    for alert in alerts:
        alert.kind_label = kinds.label(alert.kind)
    _audit_board(request, alerts, "critical board")
    return render(request, "monitoring/critical_board.html", {"board": board, "alerts": alerts})
