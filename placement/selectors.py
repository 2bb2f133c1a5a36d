"""Reads for the level-of-care tab, the admission guard and the rules, in fixed queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import LevelOfCare
from assessments.models import Administration
from participants.models import Episode, Participant
from placement.models import DimensionRating, LevelOfCareDecision
from placement.rules import InstrumentResult

# How far back the rules look for instrument results: older screens no longer describe today.
RESULTS_WINDOW_DAYS = 30


def recent_results(
    participant: Participant, *, now: datetime | None = None
) -> list[InstrumentResult]:
    """The participant's current (not corrected, not struck out) administrations from the
    RESULTS_WINDOW_DAYS days up to `now` (the clock's when left out), newest first."""
    now = now or timezone.now()
    since = now - timedelta(days=RESULTS_WINDOW_DAYS)
    rows = (
        Administration.objects.current()
        .filter(participant=participant, completed_at__gte=since, completed_at__lte=now)
        .order_by("-completed_at", "-pk")
        .values_list("instrument", "band", "flags", "completed_at")
    )
    return [
        InstrumentResult(instrument, band, tuple(f["code"] for f in flags), completed_at)
        for instrument, band, flags, completed_at in rows
    ]


# The one rule for the level of care in effect on a day: of the decisions not entered in
# error, the latest made on or before that day, and of those made the same day the one
# recorded last. A superseded decision counts for the days before its successor's (a new
# decision supersedes the one in force, so it was in force until then); a decision dated back
# to a team meeting never replaces one made later. Every page, export and figure that names
# the level in effect, current, at admission or at discharge reads it through this module.
IN_EFFECT_ORDER = ("decided_on", "recorded_at", "pk")
NEWEST_FIRST = tuple(f"-{field}" for field in IN_EFFECT_ORDER)


@dataclass(frozen=True)
class LevelPeriod:
    """A level of care in effect from a day, and the decision that set it."""

    level: str
    since: date
    decision: LevelOfCareDecision

    @property
    def level_label(self) -> str:
        return LevelOfCare(self.level).label


def _counted(d: LevelOfCareDecision) -> bool:
    return not d.entered_in_error


def in_effect_on(
    decisions: Iterable[LevelOfCareDecision], day: date | None = None
) -> LevelOfCareDecision | None:
    """Of these decisions (in any order), the one in effect on `day` (the newest one when
    left out), by the rule above; None before the first."""
    counted = [d for d in decisions if _counted(d) and (day is None or d.decided_on <= day)]
    return max(counted, key=lambda d: (d.decided_on, d.recorded_at, d.pk), default=None)


def in_force(decisions: list[LevelOfCareDecision]) -> LevelOfCareDecision | None:
    """Of an episode's decisions (`decisions_for`), the one in force now."""
    return in_effect_on(decisions)


def counted_decisions() -> QuerySet[LevelOfCareDecision]:
    """The decisions the rule reads (not entered in error), oldest first by the day made."""
    return LevelOfCareDecision.objects.filter(entered_in_error_at__isnull=True).order_by(
        *IN_EFFECT_ORDER
    )


def decision_in_effect(episode: Episode, on: date | None = None) -> LevelOfCareDecision | None:
    """The episode's decision in effect on the day `on` (the newest when left out): one
    query."""
    rows = counted_decisions().filter(episode=episode)
    if on is not None:
        rows = rows.filter(decided_on__lte=on)
    return rows.select_related("recorded_by").order_by(*NEWEST_FIRST).first()


def current_decision(episode: Episode) -> LevelOfCareDecision | None:
    """The episode's decision in force now (none is dated later than the program's today)."""
    return decision_in_effect(episode)


def levels_over(decisions: Iterable[LevelOfCareDecision]) -> list[LevelPeriod]:
    """The levels of care one episode was at, oldest first: each day a decision took effect,
    the level in effect from then, a decision that only confirmed the level before it adding
    no period."""
    periods: list[LevelPeriod] = []
    ordered = sorted(
        (d for d in decisions if _counted(d)), key=lambda d: (d.decided_on, d.recorded_at, d.pk)
    )
    for index, d in enumerate(ordered):
        if index + 1 < len(ordered) and ordered[index + 1].decided_on == d.decided_on:
            continue  # the same day's later decision is the one in effect that day
        if periods and periods[-1].level == d.chosen_level:
            continue
        periods.append(LevelPeriod(d.chosen_level, d.decided_on, d))
    return periods


def decisions_for(episode: Episode) -> list[LevelOfCareDecision]:
    """Every decision on the episode, newest first by the day it was made, with ratings and
    referral (three queries)."""
    return list(
        LevelOfCareDecision.objects.filter(episode=episode)
        .select_related(
            "recorded_by", "referral_out", "superseded_by", "episode__program", "supersedes"
        )
        .prefetch_related(Prefetch("ratings", queryset=DimensionRating.objects.all()))
        .order_by(*NEWEST_FIRST)
    )
