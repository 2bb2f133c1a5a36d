"""The billing home panel: a way to last week's service days, read nothing to draw it."""

from datetime import timedelta

from django.urls import reverse

from accounts.http import SignedInRequest
from billing import selectors
from participants import home as home_page
from participants.access import organizations_with


def service_days_panel(request: SignedInRequest) -> dict | None:
    """The week to bill and the way to its lines. It counts nothing: counting means deciding
    every line of the week, which at an installation's size is the service-days page's work
    (paged, audited), not the home page's on every visit."""
    billed = set(organizations_with(request.user, "billing.read"))
    programs = [p for p in home_page.programs(request) if p.organization_id in billed]
    if not programs:
        return None
    week = selectors.last_week(programs[0])
    return {
        "template": "billing/_home_panel.html",
        "week": week,
        "week_end": week + timedelta(days=6),
        "url": reverse("billing:week", kwargs={"week": week.isoformat()}),
    }
