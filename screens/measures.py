"""Drug-screen measures a treatment-plan objective can be bound to (`plans.measures`).

- `drug-screen-unexplained`: unexplained positive analytes (unexpected positive or differing
  from self-report, not confirmed negative) on the latest screen; an objective "= 0".
- `drug-screen-clear-run`: how many of the latest screens in a row had none; an objective
  such as "≥ 4".
Each reads every participant's screens in one query. A screen belongs to the stay it was
collected in, so a readmission's plan reads only its own stay's screens (`in_stay`): neither
the last screen nor a run of the stay before.
"""

from collections import defaultdict
from decimal import Decimal

from plans.measures import Reading, register_measure
from screens.models import Confirmation, DrugScreen, Flag

UNEXPLAINED = (Flag.UNEXPECTED_POSITIVE, Flag.SELF_REPORT_DISCORDANT)


def _screens(
    participant_ids: list[int], episode_id: int | None = None
) -> dict[int, list[tuple[DrugScreen, int]]]:
    """Each participant's screens (of the stay `episode_id` when given), newest first, with
    their unexplained positive count."""
    stay = {} if episode_id is None else {"episode_id": episode_id}
    rows = (
        DrugScreen.objects.current()
        .filter(participant_id__in=participant_ids, **stay)
        .prefetch_related("results")
        .order_by("participant_id", "-collected_at", "-id")
    )
    found: dict[int, list[tuple[DrugScreen, int]]] = defaultdict(list)
    for screen in rows:
        unexplained = sum(
            1
            for r in screen.results.all()
            if r.flag in UNEXPLAINED and r.confirmation != Confirmation.NEGATIVE
        )
        found[screen.participant_id].append((screen, unexplained))
    return found


def unexplained_many(
    participant_ids: list[int], episode_id: int | None = None
) -> dict[int, Reading]:
    return {
        pid: Reading(Decimal(screens[0][1]), screens[0][0].collected_at, "drug screen")
        for pid, screens in _screens(participant_ids, episode_id).items()
    }


def clear_run_many(participant_ids: list[int], episode_id: int | None = None) -> dict[int, Reading]:
    readings = {}
    for pid, screens in _screens(participant_ids, episode_id).items():
        run = 0
        for _, unexplained in screens:
            if unexplained:
                break
            run += 1
        readings[pid] = Reading(Decimal(run), screens[0][0].collected_at, "drug screens")
    return readings


def unexplained(participant_id: int) -> Reading | None:
    return unexplained_many([participant_id]).get(participant_id)


def clear_run(participant_id: int) -> Reading | None:
    return clear_run_many([participant_id]).get(participant_id)


def unexplained_in_stay(participant_id: int, episode_id: int) -> Reading | None:
    return unexplained_many([participant_id], episode_id).get(participant_id)


def clear_run_in_stay(participant_id: int, episode_id: int) -> Reading | None:
    return clear_run_many([participant_id], episode_id).get(participant_id)


def register() -> None:
    register_measure(
        "drug-screen-unexplained",
        "Drug screen: unexplained positive results on the latest screen",
        latest=unexplained,
        latest_many=unexplained_many,
        in_stay=unexplained_in_stay,
    )
    register_measure(
        "drug-screen-clear-run",
        "Drug screens in a row without an unexplained positive",
        latest=clear_run,
        latest_many=clear_run_many,
        in_stay=clear_run_in_stay,
    )
