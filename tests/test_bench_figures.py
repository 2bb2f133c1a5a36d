"""The benchmarks' p95 is the nearest-rank percentile, not the slowest sample."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "figures", Path(__file__).resolve().parent.parent / "bench" / "figures.py"
)
assert _spec is not None and _spec.loader is not None
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)


def test_of_twenty_samples_the_p95_is_the_nineteenth_so_one_cold_request_is_not_it():
    samples = [float(x) for x in range(1, 20)] + [900.0]
    assert figures.p95(samples) == 19.0


def test_of_a_hundred_samples_the_p95_is_the_ninety_fifth_in_any_order():
    samples = [float(x) for x in range(100, 0, -1)]
    assert figures.p95(samples) == 95.0


def test_with_fewer_than_twenty_the_slowest_is_the_p95_and_none_gives_zero():
    assert figures.p95([3.0, 1.0, 2.0]) == 3.0
    assert figures.p95([]) == 0.0
