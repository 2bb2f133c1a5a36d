from datetime import date

import pytest

from worklist.services import create_task

DUE = date(2026, 11, 20)


@pytest.fixture
def task(world):
    """An open task about the world's participant, owned by its case manager."""
    return create_task(
        title="Call about the bus pass",
        due_on=DUE,
        participant=world.participant,
        owner=world.casemanager,
        by=world.therapist,
    )
