"""Measures an objective can be bound to: an extension point (`MEASURES`) other modules add to.

A measure is a key, a label and one reader: `reading(participant_id, episode_id) -> Reading |
None`, the latest reading of that stay. A plan belongs to a stay, so a readmission's plan is
measured by its own stay's record and never by the stay before's; there is no reader across
stays to fall back to.
`assessments` instruments are registered by plans itself; check-in and drug-screen measures by
their own modules with `MEASURES.register(Measure(key, label, reading))` from their
`AppConfig.ready()`. An objective's progress is then computed from the reading and the
objective's target, never typed by anyone.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar, cast

from django.utils import timezone

from tandem.hooks import Hook


@dataclass(frozen=True)
class Reading:
    """A measure's value on a date, and where it came from (e.g. "PHQ-9 administration")."""

    value: Decimal
    at: datetime
    source: str = ""

    @property
    def on(self) -> date:
        return timezone.localdate(self.at) if timezone.is_aware(self.at) else self.at.date()


StayReader = Callable[[int, int], Reading | None]


@dataclass(frozen=True)
class Measure:
    """What an objective is bound to: `reading` is its latest reading in one stay."""

    key: str
    label: str
    reading: StayReader


# One measure per key (a later registration of a key replaces it), listed by label.
MEASURES: Hook[Measure] = Hook(
    "plans.measures", key=lambda measure: measure.key, sort=lambda measure: measure.label.lower()
)


def get(key: str) -> Measure | None:
    return next((m for m in MEASURES.implementations() if m.key == key), None)


def choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in MEASURES.implementations()]


T = TypeVar("T")

_read_for_plan: ContextVar[dict[Hashable, object] | None] = ContextVar(
    "plans.measures.read_for_plan", default=None
)


def read_once(key: Hashable, read: Callable[[], T]) -> T:
    """What several measures read alike (the drug screens' two measures, the stay's screens)
    is read once for all the objectives `progress_of` reads together; outside it, each time."""
    found = _read_for_plan.get()
    if found is None:
        return read()
    if key not in found:
        found[key] = read()
    return cast(T, found[key])


@contextmanager
def _reading_together() -> Iterator[None]:
    token = _read_for_plan.set({})
    try:
        yield
    finally:
        _read_for_plan.reset(token)


COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "lt": lambda v, t: v < t,
    "le": lambda v, t: v <= t,
    "gt": lambda v, t: v > t,
    "ge": lambda v, t: v >= t,
    "eq": lambda v, t: v == t,
}


def meets(comparator: str, value: Decimal, target: Decimal) -> bool:
    """Whether `value` meets the target `comparator target` (PHQ-9 value 8 meets `lt 10`)."""
    return COMPARE[comparator](Decimal(value), Decimal(target))


@dataclass(frozen=True)
class Progress:
    """An objective's progress as read from the record: no reading yet means not known."""

    measure_label: str
    reading: Reading | None
    met: bool | None

    def to_dict(self) -> dict:
        return {
            "measure": self.measure_label,
            "latest_value": str(self.reading.value) if self.reading else None,
            "latest_date": self.reading.on.isoformat() if self.reading else None,
            "met": self.met,
        }


def progress_of(
    objectives: Iterable, participant_id: int, *, episode_id: int
) -> dict[int, Progress]:
    """Progress of each measure-bound objective (by objective pk), reading each measure once
    and what measures share once (`read_once`); `episode_id` is the plan's stay, whose own
    readings measure it."""
    bound = [o for o in objectives if o.measure_key]
    readings: dict[str, Reading | None] = {}
    result: dict[int, Progress] = {}
    with _reading_together():
        for objective in bound:
            measure = get(objective.measure_key)
            if measure is None:
                result[objective.pk] = Progress(objective.measure_key, None, None)
                continue
            if measure.key not in readings:
                readings[measure.key] = measure.reading(participant_id, episode_id)
            reading = readings[measure.key]
            met = (
                meets(objective.comparator, reading.value, objective.target_value)
                if reading is not None
                else None
            )
            result[objective.pk] = Progress(measure.label, reading, met)
    return result
