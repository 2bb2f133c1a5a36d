"""Fixtures for the administration tests."""

import pytest

from assessments.services import record_administration
from assessments.tests.administration_helpers import answers


@pytest.fixture
def record(world):
    """Record an administration on the world's active participant as its therapist."""

    def _record(code: str = "phq-9", given: dict | None = None, **kwargs):
        kwargs.setdefault("mode", "staff-entered")
        kwargs.setdefault("by", world.therapist)
        return record_administration(
            kwargs.pop("participant", world.participant),
            code=code,
            answers=answers(code) if given is None else given,
            **kwargs,
        )

    return _record
