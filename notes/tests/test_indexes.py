"""On PostgreSQL the sessions still owing their note, which every director's and supervisor's
home counts over the program's last two weeks, are read from the index of the sessions
without their note alone (`session_owes_note`: its kind and id included), never a visit of
each session's row, and no note is read to weigh them."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import plan_with_only
from notes.selectors import board_counts

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's"
)


def test_the_sessions_owing_a_note_are_weighed_from_their_index_alone(world):
    with CaptureQueriesContext(connection) as queries:
        board_counts(world.supervisor, now=datetime(2026, 3, 4, 18, tzinfo=UTC))
    (sql,) = [q["sql"] for q in queries if '"scheduling_session"' in q["sql"]]
    plan = plan_with_only(sql, {"scheduling_session": {"session_owes_note"}})
    assert "Index Only Scan using session_owes_note" in plan, plan
    assert "notes_groupnote" not in plan, plan
