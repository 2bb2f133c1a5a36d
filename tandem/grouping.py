"""Rows read for several participants at once, put back together by participant.

A page or list that reads one statement for all its participants (rather than one per
participant) hands each participant their own rows from it; this is that step, written once.
"""

from collections.abc import Iterable
from typing import Protocol, TypeVar


class _OfAParticipant(Protocol):
    @property
    def participant_id(self) -> int: ...


Row = TypeVar("Row", bound=_OfAParticipant)


def by_participant(rows: Iterable[Row]) -> dict[int, list[Row]]:
    """Each participant's rows, in the order read, by participant id; a participant with no
    rows has no entry (read it with `.get(pk, [])`)."""
    found: dict[int, list[Row]] = {}
    for row in rows:
        found.setdefault(row.participant_id, []).append(row)
    return found
