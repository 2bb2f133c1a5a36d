"""Check-in measures objectives can be bound to (`plans.measures`): craving and mood.

A check-in belongs to the stay it was sent in, so a readmission's plan reads the latest
check-in of its own stay (`in_stay`), never the last one of the stay before."""

from decimal import Decimal

from django.db.models import OuterRef, Subquery

from checkins.models import CheckIn
from plans.measures import Reading, register_measure


def _latest_many(field: str):
    def read(participant_ids: list[int], episode_id: int | None = None) -> dict[int, Reading]:
        stay = {} if episode_id is None else {"episode_id": episode_id}
        newest = (
            CheckIn.objects.current()
            .filter(participant_id=OuterRef("participant_id"), **stay)
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


def _in_stay(field: str):
    many = _latest_many(field)

    def read(participant_id: int, episode_id: int) -> Reading | None:
        return many([participant_id], episode_id).get(participant_id)

    return read


READERS = {
    "craving": (_latest("craving"), _latest_many("craving"), _in_stay("craving")),
    "mood": (_latest("mood"), _latest_many("mood"), _in_stay("mood")),
}


def register() -> None:
    latest, many, in_stay = READERS["craving"]
    register_measure(
        "checkin-craving",
        "Craving (daily check-in, 0-10)",
        latest=latest,
        latest_many=many,
        in_stay=in_stay,
    )
    latest, many, in_stay = READERS["mood"]
    register_measure(
        "checkin-mood",
        "Mood (daily check-in, 0-10)",
        latest=latest,
        latest_many=many,
        in_stay=in_stay,
    )
