"""The billing home panel: last week's service days, ready and held, counted."""

from django.urls import reverse

from accounts.http import SignedInRequest
from billing import selectors
from participants import home as home_page
from participants.access import organizations_with


def service_days_panel(request: SignedInRequest) -> dict | None:
    """How many of last week's dates of service are ready to bill and how many are held, by
    reason; counts only, so the home lists no one (the service-days page does, audited)."""
    billed = set(organizations_with(request.user, "billing.read"))
    programs = [p for p in home_page.programs(request) if p.organization_id in billed]
    if not programs:
        return None
    week = selectors.last_week(programs[0])
    lines = selectors.service_days(programs, week)
    reasons: dict[str, int] = {}
    for line in lines:
        for reason in line.held:
            reasons[reason] = reasons.get(reason, 0) + 1
    return {
        "template": "billing/_home_panel.html",
        "week": week,
        "total": len(lines),
        "ready": sum(1 for line in lines if line.is_ready),
        "held": sum(1 for line in lines if not line.is_ready),
        "reasons": sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
        "url": reverse("billing:week", kwargs={"week": week.isoformat()}),
    }
