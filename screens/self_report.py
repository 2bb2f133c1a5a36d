"""What the participant said about their own use between two screens, from whichever module
records it (the daily check-in registers a provider; until one does, nothing is known and
no screen is flagged discordant).

A provider is `provider(participant, since, until) -> SelfReport | None`: `since` is the
previous screen's collection time (None for the first screen), `until` this one's.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tandem.hooks import Hook


@dataclass(frozen=True)
class SelfReport:
    reports: int  # how many self-reports fall in the interval
    any_use: bool  # any of them reported use
    source: str  # what they were, in plain words ("daily check-ins")


Provider = Callable[[object, datetime | None, datetime], SelfReport | None]
# The daily check-in adds one; screens never imports it.
PROVIDERS: Hook[Provider] = Hook("screens.self_report")


def between(participant, since: datetime | None, until: datetime) -> SelfReport | None:
    """Every provider's reports in the interval, merged; None when there are none."""
    found = [
        r for p in PROVIDERS.implementations() if (r := p(participant, since, until)) and r.reports
    ]
    if not found:
        return None
    return SelfReport(
        reports=sum(r.reports for r in found),
        any_use=any(r.any_use for r in found),
        source=", ".join(r.source for r in found),
    )
