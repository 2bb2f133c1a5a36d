"""The `assessments` instruments as measures: each scored instrument's total, and the BAM's
subscales (use, risk factors, protective factors), read from current, complete administrations.
"""

from collections.abc import Callable
from decimal import Decimal

from assessments.instruments import all_instruments
from assessments.models import Administration
from plans.measures import Reading, register_measure


def _rows(code: str, participant_ids: list[int]):
    return (
        Administration.objects.current()
        .filter(participant_id__in=participant_ids, instrument=code, complete=True)
        .order_by("participant_id", "-completed_at", "-pk")
        .values_list("participant_id", "total", "subscales", "completed_at")
    )


def _reader(code: str, name: str, subscale: str | None) -> Callable[[list[int]], dict]:
    def latest_many(participant_ids: list[int]) -> dict[int, Reading]:
        found: dict[int, Reading] = {}
        for pid, total, subscales, at in _rows(code, participant_ids):
            if pid in found:
                continue
            value = total if subscale is None else (subscales or {}).get(subscale)
            if value is None:
                continue
            found[pid] = Reading(Decimal(str(value)), at, f"{name} administration")
        return found

    return latest_many


def _single(many: Callable[[list[int]], dict]) -> Callable[[int], Reading | None]:
    def latest(participant_id: int) -> Reading | None:
        return many([participant_id]).get(participant_id)

    return latest


def register_all() -> None:
    """One measure per instrument with a scored total, plus each BAM subscale."""
    for instrument in all_instruments():
        spec = instrument.scoring
        if spec.total_items or spec.total_range:
            many = _reader(instrument.code, instrument.short_name, None)
            register_measure(
                instrument.code,
                f"{instrument.short_name} total",
                latest=_single(many),
                latest_many=many,
            )
        if instrument.code == "bam":
            for sub in spec.subscales:
                many = _reader(instrument.code, instrument.short_name, sub.key)
                register_measure(
                    f"bam.{sub.key}",
                    f"BAM {sub.label or sub.key}",
                    latest=_single(many),
                    latest_many=many,
                )
