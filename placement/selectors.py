"""Reads for the level-of-care tab, the admission guard and the rules, in fixed queries."""

from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

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


# The order that makes a decision current: the latest day it was made, then the latest
# recorded, so a decision dated back to a team meeting never replaces a later one.
NEWEST_FIRST = ("-decided_on", "-recorded_at", "-pk")


def current_decision(episode: Episode) -> LevelOfCareDecision | None:
    """The episode's decision in force: of those nothing superseded, the newest by the day it
    was made, then by when it was recorded."""
    return (
        LevelOfCareDecision.objects.current()
        .filter(episode=episode)
        .select_related("recorded_by")
        .order_by(*NEWEST_FIRST)
        .first()
    )


def in_force(decisions: list[LevelOfCareDecision]) -> LevelOfCareDecision | None:
    """Of an episode's decisions newest first (`decisions_for`), the one in force: the first
    nothing superseded (the reverse one-to-one is absent) and not entered in error."""
    return next(
        (d for d in decisions if not hasattr(d, "superseded_by") and not d.entered_in_error),
        None,
    )


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
