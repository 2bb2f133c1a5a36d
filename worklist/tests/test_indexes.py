"""On PostgreSQL the director's home counts its organizations' overdue and unreachable tasks
per owner from the index of their open tasks alone (`task_open_of_organization`), never a
visit of each task's row nor of the done tasks, four in five of all."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import plan_with_only
from worklist.selectors import overdue_board

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's"
)


def test_the_homes_overdue_tasks_are_counted_from_the_open_tasks_index_alone(world):
    with CaptureQueriesContext(connection) as queries:
        overdue_board(world.director, today=date(2026, 12, 1))
    (sql,) = [q["sql"] for q in queries if '"worklist_task"' in q["sql"]]
    plan = plan_with_only(sql, {"worklist_task": {"task_open_of_organization"}})
    assert "Index Only Scan using task_open_of_organization" in plan, plan
