"""A statement run again with its value written in is the statement Django's driver writes."""

from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import DataError

from participants.models import Participant
from signin.models import Session
from tandem.statements import _params, _statement, _written

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="values are written in on PostgreSQL only"
)


def _by_key(value):
    return Session.objects.filter(session_key=value, expire_date__isnull=False)


def _by_address(value):
    return Participant.objects.filter(public_id=value, entered_in_error_at__isnull=True)


def _as_django_writes(statement, value) -> str:
    operations: Any = connection.ops  # PostgreSQL's
    return operations.compose_sql(statement.sql, _params(statement, value))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_any_text_is_written_in_as_django_writes_it(db, key):
    connection.ensure_connection()
    statement = _statement("test_session_by_key", _by_key, Session._meta.get_field("session_key"))
    assert statement.around_value is not None
    try:
        expected = _as_django_writes(statement, key)
    except DataError as refused:  # text PostgreSQL cannot hold (NUL) is refused as Django does
        with pytest.raises(type(refused)):
            _written(statement, key)
        return
    assert _written(statement, key) == expected


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.uuids())
def test_any_address_is_written_in_as_django_writes_it(db, address):
    connection.ensure_connection()
    field = Participant._meta.get_field("public_id")
    statement = _statement("test_participant_by_address", _by_address, field)
    assert statement.around_value is not None
    assert _written(statement, address) == _as_django_writes(statement, address)


def _people_of(value):
    return Participant.objects.filter(
        organization__participants__public_id=value, entered_in_error_at__isnull=True
    )


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.uuids())
def test_statements_of_one_round_trip_sharing_a_value_are_each_written_as_django_writes_it(
    db, address
):
    connection.ensure_connection()
    field = Participant._meta.get_field("public_id")
    first = _statement("test_participant_by_address", _by_address, field)
    second = _statement("test_people_of_an_address", _people_of, field)
    literals: dict[tuple, str] = {}
    assert _written(first, address, literals) == _as_django_writes(first, address)
    assert len(literals) == 1
    assert _written(second, address, literals) == _as_django_writes(second, address)
    assert len(literals) == 1
