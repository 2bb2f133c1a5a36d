"""The one percentile every benchmark prints, so their p95 columns mean the same thing, and
the one way they ready a freshly written PostgreSQL database before timing it."""

import math
from collections.abc import Sequence
from typing import Any


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile: the smallest value that at least 95 % of the samples do
    not exceed (of 20 samples the 19th, so one cold first request is not reported as p95)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def settle(connection: Any) -> None:
    """Vacuum and analyse a PostgreSQL database just written, as autovacuum does on a live
    server soon after a bulk load, which this database may not run (the test server has it
    off): without it the visibility map stays empty, the planner reads the heap behind every
    covering index, and pages are timed against tables no installation serves from."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
