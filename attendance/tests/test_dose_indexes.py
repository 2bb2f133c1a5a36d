"""On PostgreSQL the under-dosed count reads the programs' participants in care from the
in-care episodes' index alone, never from the episode rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.dose import at_risk_counts, current_week
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
