"""Two writers at the same moment, on PostgreSQL, for the tests that show a lock keeps one
of them from writing what the other already wrote: the first holds its transaction open until
the second is waiting on its lock (or has ended without one), then both go on."""

import threading
import time
from collections.abc import Callable

from django.db import connection, connections, transaction

from tandem.errors import TandemError

# What `at_the_same_moment` reports of a writer that ended without a refusal or an error.
DONE = "done"


def wait_until_blocked(finished: Callable[[], bool], tries: int = 300) -> None:
    """Until another connection to the test database waits on a lock, or `finished()`: the
    moment the second writer has reached the first one's lock (or never needed it)."""
    with connection.cursor() as cursor:
        for _ in range(tries):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] or finished():
                return
            time.sleep(0.05)


def at_the_same_moment(
    first: Callable[[], object], second: Callable[[], object]
) -> tuple[str, str]:
    """Run `first` in a transaction it holds open until `second`, run beside it, waits on
    its lock or ends; then let both finish. Each one's outcome: `DONE`, the message of a
    refusal (a `TandemError`), or the name of anything else it raised (what the page would
    answer as a server error)."""
    holding, release = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def run(name: str, call: Callable[[], object], hold: bool) -> None:
        try:
            with transaction.atomic():
                call()
                if hold:
                    holding.set()
                    release.wait(timeout=30)
            outcomes[name] = DONE
        except TandemError as exc:
            outcomes[name] = exc.message
        except Exception as exc:
            outcomes[name] = type(exc).__name__
        finally:
            holding.set()
            connections.close_all()

    ahead = threading.Thread(target=run, args=("first", first, True))
    ahead.start()
    holding.wait(timeout=30)
    behind = threading.Thread(target=run, args=("second", second, False))
    behind.start()
    wait_until_blocked(lambda: not behind.is_alive())
    release.set()
    ahead.join()
    behind.join()
    return outcomes["first"], outcomes["second"]
