"""The daily check-in as a source for drug screens: the self-report between two screens
(for `self-report-discordant`) and the last use reported (for days since last known use).
Registered from ScreensConfig.ready() when the `checkins` app is installed."""

from datetime import datetime

from django.utils import timezone

from screens import self_report
from screens.selectors import USE_SOURCES, KnownUse


def reported_between(participant, since: datetime | None, until: datetime):
    from checkins.models import CheckIn

    rows = CheckIn.objects.current().filter(participant=participant, recorded_at__lte=until)
    if since is not None:
        rows = rows.filter(recorded_at__gt=since)
    used = list(rows.values_list("used", flat=True))
    if not used:
        return None
    return self_report.SelfReport(reports=len(used), any_use=any(used), source="daily check-ins")


def last_reported_use(participant) -> KnownUse | None:
    from checkins.models import CheckIn

    at = (
        CheckIn.objects.current()
        .filter(participant=participant, used=True)
        .order_by("-recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return KnownUse(timezone.localdate(at), "check-in") if at else None


def register() -> None:
    self_report.PROVIDERS.register(reported_between)
    USE_SOURCES.register(last_reported_use)
