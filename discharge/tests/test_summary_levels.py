"""The summary's levels of care: each level the stay was at from the day its decision was
made, and the ones in effect at admission and at discharge, whatever order the decisions
were recorded in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import LevelOfCare
from discharge.models import Discharge
from discharge.tests.builders import discharge_world, summary_of
from placement import services
from placement.tests.builders import IOP_RATINGS, NOTES

CHICAGO = ZoneInfo("America/Chicago")
IOP = "Level 2.1 — Intensive outpatient"
RESIDENTIAL = "Level 3 — Residential"

pytestmark = pytest.mark.usefixtures("discharge_day")


def _decide(world, *, on, recorded, current=None, residential=False):
    return services.record_decision(
        world.episode,
        ratings={**IOP_RATINGS, "6": 4} if residential else IOP_RATINGS,
        notes=NOTES,
        chosen_level=LevelOfCare.RESIDENTIAL if residential else LevelOfCare.IOP,
        by=world.therapist,
        current_id=current.public_id if current else None,
        decided_on=on,
        now=datetime.combine(recorded, datetime.min.time(), tzinfo=CHICAGO).replace(hour=11),
        refer_to="Cedar House Residential" if residential else "",
    )


def test_a_decision_recorded_late_takes_its_place_in_the_summary_s_levels(world):
    """The admission day's decision, a review on 16 November that superseded it, and one made
    on 1 October but recorded on 18 November: the stay was at the IOP, then residential
    care was decided, then the IOP again, which is the level at discharge."""
    admission = _decide(world, on=date(2026, 9, 8), recorded=date(2026, 9, 8))
    review = _decide(world, on=date(2026, 11, 16), recorded=date(2026, 11, 16), current=admission)
    _decide(
        world, on=date(2026, 10, 1), recorded=date(2026, 11, 18), current=review, residential=True
    )
    discharge_world(world)

    stay = summary_of(Discharge.objects.get()).facts["stay"]
    assert stay[2:] == [
        f"Level of care: {IOP} from Tue 8 Sep 2026.",
        f"Level of care: {RESIDENTIAL} from Thu 1 Oct 2026.",
        f"Level of care: {IOP} from Mon 16 Nov 2026.",
        f"Level of care at admission: {IOP}, decided on Tue 8 Sep 2026.",
        f"Level of care at discharge: {IOP}, decided on Mon 16 Nov 2026.",
    ]
