"""On PostgreSQL the sessions still owing their note, which every director's and supervisor's
home counts over the program's last two weeks, are weighed from two indexes alone: each
session's kind from the held-sessions index, and its group note in force and when it was
signed from the group notes' index, never a visit of each session's or note's row."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import plan_with_only
from notes.selectors import board_counts

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's"
)


def test_the_sessions_owing_a_note_are_weighed_from_their_indexes_alone(world):
    with CaptureQueriesContext(connection) as queries:
        board_counts(world.supervisor, now=datetime(2026, 3, 4, 18, tzinfo=UTC))
    (sql,) = [q["sql"] for q in queries if '"scheduling_session"' in q["sql"]]
    plan = plan_with_only(
        sql,
        {
            "scheduling_session": {"session_held_recently"},
            "notes_groupnote": {"group_note_signed_of_session"},
        },
    )
    assert "Index Only Scan using session_held_recently" in plan, plan
    assert "Index Only Scan using group_note_signed_of_session" in plan, plan
