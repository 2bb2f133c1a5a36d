"""PostgreSQL's timestamps are read by the driver's loader and keep their instant in UTC."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from psycopg import postgres
from psycopg.pq import Format

from accounts.models import User
from tandem.database import UtcTimestampLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the driver is PostgreSQL's"),
]


def test_a_connection_reads_timestamps_with_the_driver_loader():
    connection.ensure_connection()
    timestamptz = postgres.types["timestamptz"].oid
    assert connection.connection.adapters.get_loader(timestamptz, Format.TEXT) is UtcTimestampLoader


def test_timestamps_keep_their_instant_and_come_back_in_utc():
    written = datetime(2026, 3, 8, 2, 30, 0, 500001, tzinfo=timezone(timedelta(hours=-5)))
    user = User.objects.create(username="stamped", last_login=written)
    read = User.objects.values_list("last_login", flat=True).get(pk=user.pk)
    assert read == written
    assert read.tzinfo is UTC
    assert read.isoformat() == "2026-03-08T07:30:00.500001+00:00"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '0001-01-01 00:00+00'::timestamptz, '9999-12-31 23:59:59.999999+00'"
            "::timestamptz, NULL::timestamptz"
        )
        assert cursor.fetchone() == (
            datetime(1, 1, 1, tzinfo=UTC),
            datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            None,
        )
