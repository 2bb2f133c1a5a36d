"""Reading PostgreSQL's timestamps at the driver's speed.

Django reads every `timestamp with time zone` through a loader of its own written in
Python, about 7 µs a value here: a chart read reads some twenty, a list page of fifty rows
hundreds. The driver's loader, in C, takes 0.3 µs and gives the same value whenever the
connection's time zone is the one Django reads in, which Django makes UTC. Each connection
gets a loader that keeps what Django checks (its `timezone`) and reads with the driver's.
"""

import datetime
from typing import Any

from psycopg import postgres
from psycopg.pq import Format

_TIMESTAMPTZ = postgres.types["timestamptz"].oid
_DRIVER_LOADER = postgres.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)


class UtcTimestampLoader:
    """Django's loader for a UTC connection (it compares `timezone` with the connection's
    before every cursor), reading each value with the driver's own.

    Not a subclass of psycopg's `Loader`, whose `load` is abstract: the driver only looks
    up `format` on the class and `load` on the instance, once per result, and calls it for
    each value, so the driver's own C method kept here costs each value the C call alone."""

    format = Format.TEXT
    timezone = datetime.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        assert _DRIVER_LOADER is not None
        self.load = _DRIVER_LOADER(oid, context).load


def read_timestamps_with_driver(connection: Any) -> None:
    """A new PostgreSQL connection in UTC reads its timestamps with the driver's loader (in
    any other time zone it keeps Django's)."""
    if connection.timezone == datetime.UTC:
        connection.connection.adapters.register_loader(_TIMESTAMPTZ, UtcTimestampLoader)
