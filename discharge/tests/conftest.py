import pytest
import time_machine

from discharge.tests.builders import DISCHARGE_AFTERNOON, discharge_world


@pytest.fixture
def discharged(world):
    return discharge_world(world)


@pytest.fixture
def discharge_day():
    """The clock on the discharge day's afternoon (ticking), so a discharge dated that day and
    the records before it are never in the future, whatever day the tests run. Request it
    before `world` so every row is written at that time."""
    with time_machine.travel(DISCHARGE_AFTERNOON, tick=True):
        yield DISCHARGE_AFTERNOON
