"""The demo's published week: everyone whose availability allows full dose gets it."""

import pytest
from django.core.management import call_command

from scheduling.models import Group, ScheduleRun

pytestmark = pytest.mark.usefixtures("demo_mode")


def test_demo_week_reaches_the_availability_bound_with_parallel_groups(db, capsys):
    call_command("seed_demo", "--participants", "120", "--quiet-logins")
    out = capsys.readouterr().out
    run = ScheduleRun.objects.get()
    result = run.result
    scheduled = len(result["participants"])
    assert scheduled > 30, "enough people in care to need more than one set of groups"
    assert Group.objects.filter(title__contains="– group B").exists()
    assert result["violations"] == []
    assert result["full_dose"] == result["availability_full_dose"]
    assert result["full_dose"] >= 0.8 * scheduled
    for row in result["participants"].values():
        if not row["full_dose"]:
            assert row["reasons"], "everyone below full dose is told why"
    assert f"availability allows {result['availability_full_dose']}" in run.message
    assert (
        f"{result['full_dose']} of {scheduled} participants at full dose, of "
        f"{result['availability_full_dose']} whose availability allows it"
    ) in out
