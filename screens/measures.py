"""Drug-screen measures a treatment-plan objective can be bound to (`plans.measures`).

- `drug-screen-unexplained`: unexplained positive analytes (unexpected positive or differing
  from self-report, not confirmed negative; every analyte of an adulterated or substituted
  specimen, a presumptive positive by clinical reference §10) on the latest screen; an
  objective "= 0".
- `drug-screen-clear-run`: how many of the latest screens in a row had none; an objective
  such as "≥ 4".
A screen belongs to the stay it was collected in, so a readmission's plan reads only its own
stay's screens: neither the last screen nor a run of the stay before.
"""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count

from plans.measures import MEASURES, Measure, Reading, read_once
from screens.models import DrugScreen
from screens.selectors import reads_as_use


def _screens(participant_id: int, episode_id: int) -> list[tuple[datetime, int]]:
    """The stay's screens, newest first, each as when it was collected and its count of
    unexplained positive results, counted in the same query that reads the screens; read once
    for both measures when a plan reads them together."""
    rows = (
        DrugScreen.objects.current()
        .filter(participant_id=participant_id, episode_id=episode_id)
        .annotate(unexplained=Count("results", filter=reads_as_use("results__")))
        .order_by("-collected_at", "-id")
        .values_list("collected_at", "unexplained")
    )
    return read_once(("screens.stay_screens", participant_id, episode_id), lambda: list(rows))


def unexplained(participant_id: int, episode_id: int) -> Reading | None:
    screens = _screens(participant_id, episode_id)
    if not screens:
        return None
    collected_at, count = screens[0]
    return Reading(Decimal(count), collected_at, "drug screen")


def clear_run(participant_id: int, episode_id: int) -> Reading | None:
    screens = _screens(participant_id, episode_id)
    if not screens:
        return None
    run = 0
    for _, count in screens:
        if count:
            break
        run += 1
    return Reading(Decimal(run), screens[0][0], "drug screens")


def register() -> None:
    MEASURES.register(
        Measure(
            "drug-screen-unexplained",
            "Drug screen: unexplained positive results on the latest screen",
            unexplained,
        )
    )
    MEASURES.register(
        Measure(
            "drug-screen-clear-run",
            "Drug screens in a row without an unexplained positive",
            clear_run,
        )
    )
