"""The `assessments` instruments as measures: each scored instrument's total, and the BAM's
subscales (use, risk factors, protective factors), read from current, complete administrations.

An administration belongs to the stay it was given in, so a readmission's plan reads the latest
score of its own stay (`in_stay`), never the last one of the stay before.
"""

from collections.abc import Callable
from decimal import Decimal

from assessments.instruments import all_instruments
from assessments.models import Administration
from plans.measures import Reading, register_measure


def _rows(code: str, participant_ids: list[int], episode_id: int | None):
    stay = {} if episode_id is None else {"episode_id": episode_id}
    return (
        Administration.objects.current()
        .filter(participant_id__in=participant_ids, instrument=code, complete=True, **stay)
        .order_by("participant_id", "-completed_at", "-pk")
        .values_list("participant_id", "total", "subscales", "completed_at")
    )


ReadMany = Callable[..., dict[int, Reading]]


def _reader(code: str, name: str, subscale: str | None) -> ReadMany:
    def latest_many(
        participant_ids: list[int], episode_id: int | None = None
    ) -> dict[int, Reading]:
        found: dict[int, Reading] = {}
        for pid, total, subscales, at in _rows(code, participant_ids, episode_id):
            if pid in found:
                continue
            value = total if subscale is None else (subscales or {}).get(subscale)
            if value is None:
                continue
            found[pid] = Reading(Decimal(str(value)), at, f"{name} administration")
        return found

    return latest_many


def _single(many: ReadMany) -> Callable[[int], Reading | None]:
    def latest(participant_id: int) -> Reading | None:
        return many([participant_id]).get(participant_id)

    return latest


def _in_stay(many: ReadMany) -> Callable[[int, int], Reading | None]:
    def read(participant_id: int, episode_id: int) -> Reading | None:
        return many([participant_id], episode_id).get(participant_id)

    return read


def _register(key: str, label: str, many: ReadMany) -> None:
    register_measure(key, label, latest=_single(many), latest_many=many, in_stay=_in_stay(many))


def register_all() -> None:
    """One measure per instrument with a scored total, plus each BAM subscale."""
    for instrument in all_instruments():
        spec = instrument.scoring
        if spec.total_items or spec.total_range:
            many = _reader(instrument.code, instrument.short_name, None)
            _register(instrument.code, f"{instrument.short_name} total", many)
        if instrument.code == "bam":
            for sub in spec.subscales:
                many = _reader(instrument.code, instrument.short_name, sub.key)
                _register(f"bam.{sub.key}", f"BAM {sub.label or sub.key}", many)
