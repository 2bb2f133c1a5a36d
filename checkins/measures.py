"""Check-in measures objectives can be bound to (`plans.measures`): craving and mood.

A check-in belongs to the stay it was sent in, so a readmission's plan reads the latest
check-in of its own stay, never the last one of the stay before."""

from decimal import Decimal

from checkins.models import CheckIn
from plans.measures import MEASURES, Measure, Reading, StayReader


def _reader(field: str) -> StayReader:
    def reading(participant_id: int, episode_id: int) -> Reading | None:
        newest = (
            CheckIn.objects.current()
            .filter(participant_id=participant_id, episode_id=episode_id)
            .order_by("-recorded_at")
            .values_list(field, "recorded_at")
            .first()
        )
        if newest is None:
            return None
        value, at = newest
        return Reading(Decimal(value), at, "daily check-in")

    return reading


READERS = {"craving": _reader("craving"), "mood": _reader("mood")}


def register() -> None:
    MEASURES.register(
        Measure("checkin-craving", "Craving (daily check-in, 0-10)", READERS["craving"])
    )
    MEASURES.register(Measure("checkin-mood", "Mood (daily check-in, 0-10)", READERS["mood"]))
