"""The one percentile every benchmark prints, so their p95 columns mean the same thing."""

import math
from collections.abc import Sequence


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile: the smallest value that at least 95 % of the samples do
    not exceed (of 20 samples the 19th, so one cold first request is not reported as p95)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
