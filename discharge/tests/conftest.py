import pytest

from discharge.tests.builders import discharge_world


@pytest.fixture
def discharged(world):
    return discharge_world(world)
