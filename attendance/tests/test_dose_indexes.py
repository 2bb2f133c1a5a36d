"""On PostgreSQL the under-dosed count reads the programs' participants in care from the
in-care episodes' index alone, never from the episode rows, and the week's stored doses of
the programs' organization alone from theirs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.dose import at_risk_counts, current_week
from attendance.models import WeeklyDose
from conftest import plan_with_only

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's"
)


def test_the_under_dosed_count_reads_the_episodes_in_care_from_their_index(world):
    with CaptureQueriesContext(connection) as queries:
        at_risk_counts([(world.program, current_week(world.program))])

    plan = plan_with_only(queries[-1]["sql"], {"participants_episode": {"episode_in_care"}})
    scans = [
        line for line in plan.splitlines() if "Scan" in line and " participants_episode" in line
    ]
    assert len(scans) == 2, plan  # the episodes, and the later ones that exclude them
    assert all("Index Only Scan using episode_in_care" in line for line in scans), plan


def test_the_under_dosed_count_reads_the_organizations_doses_from_their_index(world):
    """Years of another organization's doses on the table, so the planner weighs a scan of
    the week against the organization's own part of it."""
    week = current_week(world.program)
    other = world.other_org_participant
    WeeklyDose.objects.bulk_create(
        WeeklyDose(
            participant=other,
            organization_id=other.organization_id,
            week=week - timedelta(days=7 * n),
            scheduled=180,
            attended=180,
            open_minutes=0,
        )
        for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE attendance_weeklydose")
    with CaptureQueriesContext(connection) as queries:
        at_risk_counts([(world.program, week)])

    plan = plan_with_only(
        queries[-1]["sql"], {"attendance_weeklydose": {"weekly_dose_by_organization"}}
    )
    scans = [
        line for line in plan.splitlines() if "Scan" in line and " attendance_weeklydose" in line
    ]
    assert len(scans) == 1, plan
    assert "Index Only Scan using weekly_dose_by_organization" in scans[0], plan
    condition = plan.splitlines()[plan.splitlines().index(scans[0]) + 1]
    assert "organization_id" in condition and "week" in condition, plan
