from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from assessments.services import record_administration

T0 = datetime(2026, 9, 8, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # the world's admission day

PHQ9 = [str(i) for i in range(1, 10)]


def phq9_answers(total: int, item9: int = 0) -> dict[str, int]:
    """Answers adding up to `total` (item 9 as given)."""
    answers, left = {}, total - item9
    for item in PHQ9[:-1]:
        answers[item] = min(3, left)
        left -= answers[item]
    answers["9"] = item9
    return answers


@pytest.fixture
def give(world):
    def _give(code: str, answers: dict, at: datetime, participant=None):
        return record_administration(
            participant or world.participant,
            code=code,
            answers=answers,
            mode="staff-entered",
            by=world.director,
            completed_at=at,
        )

    return _give
