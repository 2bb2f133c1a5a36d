"""Attendance fixtures: a small group of active participants and today's session.

The session's facilitator is `world.outsider`, a therapist on nobody's care team, so every
roll call test also exercises the facilitator rule.
"""

from dataclasses import dataclass

import pytest

from attendance.tests.builders import active_participant, enrol, session_now
from participants.models import Episode
from scheduling.models import Session


@dataclass
class Group:
    session: Session
    episodes: list[Episode]

    @property
    def participants(self):
        return [e.participant for e in self.episodes]


@pytest.fixture
def roster(world) -> list[Episode]:
    """The world's participant and three more, all active in the world's program."""
    world.participant.email = "robin@example.invalid"
    world.participant.save(update_fields=["email"])
    return [
        world.episode,
        active_participant(world, "T-000010", "Alex", "Abbott", email="alex@example.invalid"),
        active_participant(world, "T-000011", "Blair", "Booker", email="blair@example.invalid"),
        active_participant(world, "T-000012", "Casey", "Cho"),
    ]


@pytest.fixture
def group_today(world, roster) -> Group:
    """A 90-minute group that began half an hour ago, facilitated by `outsider`."""
    session = session_now(world.program, staff=[world.outsider], title="Coping skills")
    for episode in roster:
        enrol(session, episode)
    return Group(session, roster)
