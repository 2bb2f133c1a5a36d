"""Intake fixtures: an intake on the world's active episode, one ready to sign, one signed."""

import pytest

from intake import services
from intake.models import Intake
from intake.tests.builders import fill_required


@pytest.fixture
def intake(world) -> Intake:
    return services.start_intake(world.episode, by=world.therapist)


@pytest.fixture
def ready_intake(world, intake) -> Intake:
    return fill_required(intake, world.therapist)


@pytest.fixture
def signed_intake(world, ready_intake) -> Intake:
    return services.sign_intake(
        ready_intake, by=world.therapist, expected_version=ready_intake.version
    )
