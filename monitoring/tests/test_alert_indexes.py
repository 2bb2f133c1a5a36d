"""On PostgreSQL the open critical alerts (the director's home panel and the critical board)
are read in their order from an index of the open critical alerts alone, not found among
every alert ever raised."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import plan_with_only
from monitoring.selectors import open_critical_alerts

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the plan is PostgreSQL's"
)


def test_the_open_critical_alerts_are_read_from_their_index(world):
    with CaptureQueriesContext(connection) as queries:
        list(open_critical_alerts(world.director))
    alerts = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "monitoring_alert"'))
    plan = plan_with_only(alerts, {"monitoring_alert": {"alert_open_critical"}})

    scans = [line for line in plan.splitlines() if " on monitoring_alert" in line]
    assert len(scans) == 1, plan
    assert "Index Scan using alert_open_critical" in scans[0], plan
    assert "Sort" not in plan, plan  # already in the board's order
