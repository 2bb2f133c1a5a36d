"""The demo's discharges read as the program's would."""

import pytest

from conftest import demo_seeded_once
from discharge.models import Discharge
from medications import catalog
from medications.selectors import taken_on


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded once: these tests only read its discharges."""
    with demo_seeded_once(django_db_blocker, 30):
        yield


def test_the_demo_s_aftercare_plans_carry_the_medications_taken_at_discharge(seeded, db):
    """A participant discharged through the workflow leaves with the medications on their
    list that day in the aftercare plan, as their discharge summary lists them."""
    discharges = Discharge.objects.filter(reason__startswith="Synthetic demo: left").select_related(
        "participant", "aftercare"
    )
    assert discharges.exists()
    with_medications = 0
    for record in discharges:
        taken = taken_on(record.participant, record.discharged_on)
        plan = record.aftercare.medications
        assert sorted(plan.splitlines()) == sorted(f"{m.name} {m.dose}" for m in taken)
        with_medications += bool(taken)
    assert with_medications


def test_the_demo_s_aftercare_plans_say_moud_only_for_those_taking_it(seeded, db):
    """The plan's "on medication for opioid use disorder" follows the participant's own list
    on the day of discharge (buprenorphine, methadone or naltrexone), so the medication-gap
    flag and the follow-up question are about someone who takes it."""
    discharges = Discharge.objects.filter(reason__startswith="Synthetic demo: left").select_related(
        "participant", "aftercare"
    )
    seen = set()
    for record in discharges:
        taken = taken_on(record.participant, record.discharged_on)
        on_moud = any(m.group == catalog.OUD for m in taken)
        assert record.aftercare.on_moud == on_moud, [m.name for m in taken]
        seen.add(on_moud)
    assert seen == {True, False}
