"""Drug screens on the trajectory page: per week, what the screens found that the record
does not explain, on the same week axis as the scores and check-ins (one query).

Two series, each a count of analytes in the week's screens (a week without a screen has
no point, so "0" means a screen was taken and nothing was flagged):

- unexplained positives: flagged unexpected-positive or self-report-discordant, unless a
  confirmation came back negative, and every analyte of an adulterated or substituted
  specimen, a presumptive positive (clinical reference §10; the same reading as days since
  last known use);
- unexpected negatives: a listed medication the assay detects did not show.
"""

from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from screens.models import TAMPERED, Confirmation, Flag, ScreenResult

UNEXPLAINED = frozenset({Flag.UNEXPECTED_POSITIVE, Flag.SELF_REPORT_DISCORDANT})


def weekly_series(participant, first_monday: date, tz: ZoneInfo, since: date | None) -> list:
    """The two drug-screen series for `measurement.trajectory` (registered as a provider);
    with `since`, a stay's Monday, only the screens collected from that week on are read."""
    from measurement.trajectory import Series, monday

    stay = (
        {} if since is None else {"screen__collected_at__gte": datetime.combine(since, time(), tz)}
    )
    rows = ScreenResult.objects.filter(
        screen__participant=participant, screen__entered_in_error_at__isnull=True, **stay
    ).values_list(
        "screen__collected_at", "analyte__code", "flag", "confirmation", "screen__validity"
    )
    screened: set[date] = set()
    unexplained: dict[date, set[str]] = defaultdict(set)
    missing: dict[date, set[str]] = defaultdict(set)
    for collected_at, code, flag, confirmation, validity in rows:
        week = monday(collected_at.astimezone(tz).date())
        screened.add(week)
        if validity in TAMPERED or (flag in UNEXPLAINED and confirmation != Confirmation.NEGATIVE):
            unexplained[week].add(code)
        elif flag == Flag.UNEXPECTED_NEGATIVE:
            missing[week].add(code)
    if not screened:
        return []

    def counts(found: dict[date, set[str]]) -> dict[date, float]:
        return {week: float(len(found.get(week, ()))) for week in screened}

    positives, negatives = counts(unexplained), counts(missing)
    return [
        Series(
            "screen-unexplained",
            "Screens: unexplained positives",
            0,
            max(3.0, *positives.values()),
            positives,
        ),
        Series(
            "screen-unexpected-negative",
            "Screens: unexpected negatives",
            0,
            max(3.0, *negatives.values()),
            negatives,
        ),
    ]
