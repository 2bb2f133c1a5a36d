"""Reads for the level-of-care tab, the admission guard and the rules, in fixed queries."""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from assessments.models import Administration
from participants.models import Episode, Participant
from placement.models import DimensionRating, LevelOfCareDecision
from placement.rules import InstrumentResult

# How far back the rules look for instrument results: older screens no longer describe today.
RESULTS_WINDOW_DAYS = 30


def recent_results(participant: Participant) -> list[InstrumentResult]:
    """The participant's current (not corrected, not struck out) administrations from the last
    RESULTS_WINDOW_DAYS days, newest first."""
    since = timezone.now() - timedelta(days=RESULTS_WINDOW_DAYS)
    rows = (
        Administration.objects.current()
        .filter(participant=participant, completed_at__gte=since)
        .order_by("-completed_at", "-pk")
        .values_list("instrument", "band", "flags", "completed_at")
    )
    return [
        InstrumentResult(instrument, band, tuple(f["code"] for f in flags), completed_at)
        for instrument, band, flags, completed_at in rows
    ]


def current_decision(episode: Episode) -> LevelOfCareDecision | None:
    """The episode's decision that no later one supersedes."""
    return (
        LevelOfCareDecision.objects.current()
        .filter(episode=episode)
        .select_related("recorded_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def decisions_for(episode: Episode) -> list[LevelOfCareDecision]:
    """Every decision on the episode, newest first, with ratings and referral (three queries)."""
    return list(
        LevelOfCareDecision.objects.filter(episode=episode)
        .select_related("recorded_by", "referral_out", "superseded_by")
        .prefetch_related(Prefetch("ratings", queryset=DimensionRating.objects.all()))
        .order_by("-created_at", "-pk")
    )
