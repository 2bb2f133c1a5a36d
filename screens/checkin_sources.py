"""The daily check-in as a source for drug screens: the self-report between two screens
(for `self-report-discordant`) and the last use reported (for days since last known use).
Registered from ScreensConfig.ready() when the `checkins` app is installed."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from screens import self_report
from screens.selectors import USE_SOURCES, KnownUse, UseSource


def reported_between(participant, since: datetime | None, until: datetime):
    from checkins.models import CheckIn

    rows = CheckIn.objects.current().filter(participant=participant, recorded_at__lte=until)
    if since is not None:
        rows = rows.filter(recorded_at__gt=since)
    used = list(rows.values_list("used", flat=True))
    if not used:
        return None
    return self_report.SelfReport(reports=len(used), any_use=any(used), source="daily check-ins")


def last_reported_values() -> dict[str, Any]:
    from checkins.models import CheckIn

    used = CheckIn.objects.current().filter(participant=OuterRef("pk"), used=True)
    return {"at": Subquery(used.order_by("-recorded_at").values("recorded_at")[:1])}


def last_reported_use(values: Mapping[str, Any]) -> KnownUse | None:
    at = values["at"]
    return KnownUse(timezone.localdate(at), "check-in") if at else None


def register() -> None:
    self_report.PROVIDERS.register(reported_between)
    USE_SOURCES.register(UseSource("checkins", last_reported_values, last_reported_use))
