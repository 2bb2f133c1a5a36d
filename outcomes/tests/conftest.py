"""A small hand-built program for the board's figures."""

from collections import Counter
from datetime import date
from itertools import count

import pytest

from conftest import make_participant
from outcomes import facts, selectors
from outcomes.models import AlertFacts, EpisodeFacts, FollowUpFacts, NoteDays, NoteFacts
from participants.models import Episode, EpisodeStatus

TODAY = date(2026, 11, 18)  # the `midweek` fixture's day
_numbers = count(100)


def add_episode(world, *, referred_on, admitted_on=None, discharged_on=None, status=None, **person):
    """One participant and one episode, with the dates given (statuses follow the dates)."""
    if status is None:
        status = (
            EpisodeStatus.DISCHARGED
            if discharged_on
            else EpisodeStatus.ACTIVE
            if admitted_on
            else EpisodeStatus.REFERRED
        )
    participant = make_participant(world.org, f"T-{next(_numbers):06d}", **person)
    return Episode.objects.create(
        participant=participant,
        program=world.program,
        site=world.site,
        status=status,
        referred_on=referred_on,
        admitted_on=admitted_on,
        discharged_on=discharged_on,
    )


@pytest.fixture
def add(world):
    def _add(n: int = 1, **fields) -> list[Episode]:
        return [add_episode(world, **fields) for _ in range(n)]

    return _add


def stored_board(filters: selectors.Filters, sites) -> selectors.Board:
    """The board as a director sees it once the background refresh has caught up with rows
    these tests write straight into the tables (past the services that queue it)."""
    facts.rebuild()
    return selectors.board(filters, sites)


def stored_facts() -> dict[str, Counter]:
    """Every stored fact row by its values, leaving out when it was written and the note days'
    own ids, so what is stored compares with what a rebuild writes."""
    rows = {}
    for model in (EpisodeFacts, NoteFacts, NoteDays, AlertFacts, FollowUpFacts):
        names = [
            f.attname for f in model._meta.concrete_fields if f.name not in ("id", "refreshed_at")
        ]
        rows[model.__name__] = Counter(model.objects.values_list(*names))
    return rows
