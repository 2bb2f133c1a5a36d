"""Recording level-of-care decisions through the real service, for tests and matrix rows."""

from accounts.models import LevelOfCare
from placement import selectors, services
from placement.models import LevelOfCareDecision

# Ratings for which Tandem's default rules recommend the IOP (a moderate need in dimension 3).
IOP_RATINGS = {"1": 1, "2": 0, "3": 2, "4": 2, "5": 2, "6": 1}
NOTES = {d: f"Why dimension {d} is rated as it is." for d in IOP_RATINGS}


def record(episode, *, by, level=LevelOfCare.IOP, ratings=None, **extra) -> LevelOfCareDecision:
    """Record a decision on top of whatever is current (a new one supersedes): made at intake
    on the referral day before an admission (so an admission dated since finds it in effect),
    today once admitted, unless `decided_on` says otherwise."""
    if episode.admitted_on is None:
        extra.setdefault("decided_on", episode.referred_on)
    current = selectors.current_decision(episode)
    return services.record_decision(
        episode,
        ratings=ratings or IOP_RATINGS,
        notes=NOTES,
        chosen_level=level,
        by=by,
        current_id=current.public_id if current else None,
        **extra,
    )
