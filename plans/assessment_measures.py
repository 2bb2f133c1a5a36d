"""The `assessments` instruments as measures: each scored instrument's total, and the BAM's
subscales (use, risk factors, protective factors), read from current, complete administrations.

An administration belongs to the stay it was given in, so a readmission's plan reads the latest
score of its own stay, never the last one of the stay before.
"""

from decimal import Decimal

from assessments.instruments import all_instruments
from assessments.models import Administration
from plans.measures import MEASURES, Measure, Reading, StayReader


def _reader(code: str, name: str, subscale: str | None) -> StayReader:
    def reading(participant_id: int, episode_id: int) -> Reading | None:
        """The stay's newest administration that has the value (a total, or the subscale)."""
        rows = (
            Administration.objects.current()
            .filter(
                participant_id=participant_id, episode_id=episode_id, instrument=code, complete=True
            )
            .order_by("-completed_at", "-pk")
            .values_list("total", "subscales", "completed_at")
        )
        for total, subscales, at in rows:
            value = total if subscale is None else (subscales or {}).get(subscale)
            if value is not None:
                return Reading(Decimal(str(value)), at, f"{name} administration")
        return None

    return reading


def register_all() -> None:
    """One measure per instrument with a scored total, plus each BAM subscale."""
    for instrument in all_instruments():
        spec = instrument.scoring
        if spec.total_items or spec.total_range:
            reading = _reader(instrument.code, instrument.short_name, None)
            MEASURES.register(Measure(instrument.code, f"{instrument.short_name} total", reading))
        if instrument.code == "bam":
            for sub in spec.subscales:
                reading = _reader(instrument.code, instrument.short_name, sub.key)
                MEASURES.register(Measure(f"bam.{sub.key}", f"BAM {sub.label or sub.key}", reading))
