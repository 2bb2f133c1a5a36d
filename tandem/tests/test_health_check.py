"""A reused PostgreSQL connection is checked on its socket, and by the server only when
the socket has something to say."""

import select

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's"),
]


@pytest.fixture
def other():
    """A second connection to the test database, as a worker thread holds its own."""
    wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _last_statement(backend_pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [backend_pid])
        return cursor.fetchone()[0]


def test_a_live_idle_connection_is_usable_without_a_statement(other):
    with other.cursor() as cursor:
        cursor.execute("SELECT 'the page before'")
    assert other.is_usable()
    assert _last_statement(other.connection.info.backend_pid) == "SELECT 'the page before'"


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced(other):
    pid = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    select.select([other.connection.fileno()], [], [], 10)  # the server's goodbye arrives
    assert not other.is_usable()
    other.health_check_done = False
    other.close_if_health_check_failed()
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_inside_a_transaction_is_asked_with_a_statement(other):
    with other.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT 'inside'")
    assert other.is_usable()
    assert _last_statement(other.connection.info.backend_pid) == "SELECT 1"
    with other.cursor() as cursor:
        cursor.execute("ROLLBACK")
