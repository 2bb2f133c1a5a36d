"""Placement fixtures: recording level-of-care decisions through the real service."""

import pytest

from placement.tests.builders import record


@pytest.fixture
def decide():
    """`decide(episode, by=user, level=..., ratings=..., reason=..., refer_to=...)`."""
    return record


@pytest.fixture
def referral_decided_for_iop(world):
    """The world's referral (not yet admitted) with a recorded decision for the IOP."""
    return record(world.referral_episode, by=world.intake)
