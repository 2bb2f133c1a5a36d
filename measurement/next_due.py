"""The stored moment each schedule row next makes its instrument due, per episode in care.

`due.py` computes what is due from the history; this keeps that rule's moments in `NextDue`
(whatever the time now), so the program's lists and the completion figure are indexed
queries paged in SQL however many are in care. The services that change an input call
`refresh_*` inside their own transaction: an administration recorded, corrected or entered in
error, a check-in, an episode's status change and a program's schedule change.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from measurement import due
from measurement.models import FirstDue, NextDue
from participants.models import IN_CARE_STATUSES, Episode, Participant
from participants.selectors import admitted_in_care

BATCH = 2000


def refresh_episodes(episodes: Iterable[Episode]) -> int:
    """Rewrite the stored moments of these episodes (none for an episode not in care)."""
    episodes = list(episodes)
    NextDue.objects.filter(episode_id__in=[e.pk for e in episodes]).delete()
    FirstDue.objects.filter(episode_id__in=[e.pk for e in episodes]).delete()
    in_care = [e for e in episodes if e.status in IN_CARE_STATUSES and e.admitted_on]
    if not in_care:
        return 0
    schedules = due.rows_by_program(e.program_id for e in in_care)
    histories = due.histories_of(in_care)
    rows = [
        NextDue(episode=e, row=index, instrument=row.instrument, due_at=since)
        for e in in_care
        for index, row, since in due.moments(e, schedules[e.program_id], histories[e.pk])
    ]
    NextDue.objects.bulk_create(rows, batch_size=BATCH)
    first: dict[int, NextDue] = {}
    for r in rows:
        if r.episode_id not in first or r.due_at < first[r.episode_id].due_at:
            first[r.episode_id] = r
    FirstDue.objects.bulk_create(
        [
            FirstDue(episode_id=pk, program_id=r.episode.program_id, due_at=r.due_at)
            for pk, r in first.items()
        ],
        batch_size=BATCH,
    )
    return len(rows)


def _in_care():
    return admitted_in_care().select_related("program")


def refresh_participant(participant_id: int) -> int:
    """After an administration or a check-in of this participant."""
    return refresh_episodes(_in_care().filter(participant_id=participant_id))


def forget_withdrawn(record: Any, **_: Any) -> None:
    """A participant record entered in error leaves the due list and the completion figure
    (a withdrawal hook, in the withdrawal's transaction)."""
    if isinstance(record, Participant):
        episodes = Episode.objects.filter(participant=record).values("pk")
        NextDue.objects.filter(episode__in=episodes).delete()
        FirstDue.objects.filter(episode__in=episodes).delete()


def refresh_episode(episode: Episode) -> int:
    """After a status change (admitted, on hold, back in care, discharged)."""
    return refresh_episodes(Episode.objects.filter(pk=episode.pk).select_related("program"))


def refresh_program(program_id: int) -> int:
    """After the program's schedule changed: every episode in care, in batches."""
    episodes = list(_in_care().filter(program_id=program_id).order_by("pk"))
    return sum(refresh_episodes(episodes[i : i + BATCH]) for i in range(0, len(episodes), BATCH))


def refresh_all() -> int:
    """Every episode in care (the backfill, and the demo after bulk seeding)."""
    programs = _in_care().values_list("program_id", flat=True).distinct()
    return sum(refresh_program(p) for p in sorted(set(programs)))


def stored_due(episodes: list[Episode], *, now: datetime) -> dict[int, list[due.Due]]:
    """What is due at `now` for these episodes, from the stored moments (one query)."""
    schedules = due.rows_by_program(e.program_id for e in episodes)
    found: dict[int, list] = {e.pk: [] for e in episodes}
    rows_of = {e.pk: schedules[e.program_id] for e in episodes}
    for episode_id, index, at in NextDue.objects.filter(
        episode_id__in=list(found), due_at__lte=now
    ).values_list("episode_id", "row", "due_at"):
        rows = rows_of[episode_id]
        if index < len(rows):
            found[episode_id].append((index, rows[index], at))
    return {pk: due.due_at(items, now) for pk, items in found.items()}
