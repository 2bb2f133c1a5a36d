"""On PostgreSQL a page of the service days reads its participants' roll calls of the week
from the index of roll calls with minutes attended by participant, never from the rows of
their years of roll calls."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import selectors
from billing.tests.builders import LAST_WEEK, attended
from conftest import plan_with_only

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's"
)


def test_a_pages_roll_calls_of_the_week_are_read_from_their_index_alone(world):
    attended(world.program, world.episode, date(2026, 11, 24), 180)
    with CaptureQueriesContext(connection) as queries:
        selectors.service_days([world.program], LAST_WEEK, [world.participant.pk])
    (sql,) = [q["sql"] for q in queries if 'FROM "attendance_attendance"' in q["sql"]]

    plan = plan_with_only(sql, {"attendance_attendance": {"attendance_minutes_by_person"}})
    scans = [
        line for line in plan.splitlines() if "Scan" in line and " attendance_attendance" in line
    ]
    assert len(scans) == 1, plan
    assert "Index Only Scan using attendance_minutes_by_person" in scans[0], plan
    condition = plan.splitlines()[plan.splitlines().index(scans[0]) + 1]
    assert "participant_id" in condition, plan
