"""The board's arithmetic, apart from the database: survival curves, medians, weeks in care.

Plain functions over counts, so each can be checked by hand and by property tests.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class SurvivalStep:
    day: int
    survival: float  # share still in care after `day` days
    at_risk: int  # people still in care (not yet left, not censored) when the day began
    left: int  # people who left care on that day


def kaplan_meier(durations: Iterable[tuple[int, bool, int]]) -> list[SurvivalStep]:
    """The Kaplan–Meier estimate of staying in care, from (days, left care, how many) rows.

    Someone still in care is censored at their days so far: counted at risk until then and
    never as leaving. At a day with both, those leaving are counted first (the usual
    convention: a censored time is taken as just after the events of the same day).
    """
    by_day: dict[int, list[int]] = {}
    total = 0
    for days, left, count in durations:
        if count <= 0:
            continue
        entry = by_day.setdefault(max(int(days), 0), [0, 0])
        entry[0 if left else 1] += count
        total += count
    steps: list[SurvivalStep] = []
    at_risk = total
    survival = 1.0
    for day in sorted(by_day):
        ended, censored = by_day[day]
        if ended:
            survival *= 1 - ended / at_risk
            steps.append(SurvivalStep(day, survival, at_risk, ended))
        at_risk -= ended + censored
    return steps


def survival_at(steps: Sequence[SurvivalStep], day: int) -> float:
    """The estimated share still in care after `day` days."""
    value = 1.0
    for step in steps:
        if step.day > day:
            break
        value = step.survival
    return value


def median_survival(steps: Sequence[SurvivalStep]) -> int | None:
    """The first day the estimate falls to one half or below; None if it never does."""
    return next((s.day for s in steps if s.survival <= 0.5), None)


def weighted_quantile(values: Iterable[tuple[int, int]], q: float) -> int | None:
    """The q-quantile (lower) of values given as (value, how many)."""
    rows = sorted((v, n) for v, n in values if n > 0)
    total = sum(n for _, n in rows)
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for value, count in rows:
        seen += count
        if seen >= rank:
            return value
    return rows[-1][0]


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_full_week(admitted_on: date) -> date:
    """The first Monday on or after admission: the admission week counts only if it began then."""
    return admitted_on + timedelta(days=(7 - admitted_on.weekday()) % 7)


def full_weeks_in_care(
    admitted_on: date,
    discharged_on: date | None,
    *,
    today: date,
    start: date | None,
    end: date | None,
) -> int:
    """Weeks (Monday–Sunday) wholly in care and wholly inside the range.

    A week counts from the first Monday on or after admission up to the week before the week
    of discharge (or before this week, for someone still in care); the selector counts
    attended minutes over exactly the same weeks.
    """
    first = first_full_week(admitted_on)
    stop = week_start_of(discharged_on or today)  # exclusive
    if start is not None:
        first = max(first, first_full_week(start))
    if end is not None:
        stop = min(stop, week_start_of(end + timedelta(days=1)))
    if stop <= first:
        return 0
    return (stop - first).days // 7


def last_countable_week(end: date | None, today: date) -> date:
    """The Monday after the last week the dose may count (exclusive bound)."""
    stop = week_start_of(today)
    if end is not None:
        stop = min(stop, week_start_of(end + timedelta(days=1)))
    return stop
