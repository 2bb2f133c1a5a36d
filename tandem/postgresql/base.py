"""Django's PostgreSQL backend, whose health check of a reused connection asks the
connection's socket before it asks the server.

With `CONN_HEALTH_CHECKS` Django sends `SELECT 1` before the first query of every request
that reuses a connection: a round trip on every page, which a chart read paid on top of
its own. A server that has ended a connection (a restart, `pg_terminate_backend`, an idle
timeout) says so on its socket, which then has something to read while no query is
running; a connection whose socket has nothing to read and that is idle outside a
transaction is used as it is. Whenever the socket does have something to read, or the
connection is anything but idle, Django's own `SELECT 1` decides, as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Usable without asking the server when nothing has come from it since the last
        answer; otherwise Django's `SELECT 1`."""
        raw = self.connection
        if raw is None or raw.closed:
            return False
        if raw.info.transaction_status == pq.TransactionStatus.IDLE:
            waiting = select.poll()
            waiting.register(raw.fileno(), select.POLLIN)
            if not waiting.poll(0):
                return True
        return super().is_usable()
