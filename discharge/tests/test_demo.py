"""The demo's discharges read as the program's would."""

import pytest
from django.core.management import call_command

from discharge.models import Discharge
from medications.selectors import taken_on

pytestmark = pytest.mark.usefixtures("demo_mode")


def test_the_demo_s_aftercare_plans_carry_the_medications_taken_at_discharge(db):
    """A participant discharged through the workflow leaves with the medications on their
    list that day in the aftercare plan, as their discharge summary lists them."""
    call_command("seed_demo", "--participants", "30", "--quiet-logins")
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
