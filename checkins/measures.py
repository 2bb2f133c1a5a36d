"""Check-in measures objectives can be bound to (`plans.measures`): craving and mood."""

from decimal import Decimal

from django.db.models import OuterRef, Subquery

from checkins.models import CheckIn
from plans.measures import Reading, register_measure


def _latest_many(field: str):
    def read(participant_ids: list[int]) -> dict[int, Reading]:
        newest = (
            CheckIn.objects.current()
            .filter(participant_id=OuterRef("participant_id"))
            .order_by("-recorded_at")
            .values("pk")[:1]
        )
        rows = CheckIn.objects.filter(
            participant_id__in=participant_ids, pk=Subquery(newest)
        ).values_list("participant_id", field, "recorded_at")
        return {pid: Reading(Decimal(value), at, "daily check-in") for pid, value, at in rows}

    return read


def _latest(field: str):
    many = _latest_many(field)

    def read(participant_id: int) -> Reading | None:
        return many([participant_id]).get(participant_id)

    return read


READERS = {
    "craving": (_latest("craving"), _latest_many("craving")),
    "mood": (_latest("mood"), _latest_many("mood")),
}


def register() -> None:
    latest, many = READERS["craving"]
    register_measure(
        "checkin-craving", "Craving (daily check-in, 0-10)", latest=latest, latest_many=many
    )
    latest, many = READERS["mood"]
    register_measure("checkin-mood", "Mood (daily check-in, 0-10)", latest=latest, latest_many=many)
