"""The full-dose-first construction on a crowded program: valid, and far above the greedy."""

import sys
from pathlib import Path

import pytest

from scheduling.solver import check, parse_problem, solve
from scheduling.solver.analysis import Analysis
from scheduling.solver.construct import CONSTRUCTIONS, constructed_schedule
from scheduling.solver.greedy import greedy_schedule
from scheduling.solver.result import build_result
from scheduling.solver.schedule import level_values

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from crowded_instances import generate

OPTIMUM = 85
"""Full dose proven optimal for the crowded 120-participant program with seed 1."""


@pytest.fixture(scope="module")
def crowded():
    return parse_problem(generate(120, seed=1))


@pytest.mark.parametrize("order", CONSTRUCTIONS)
def test_construction_is_valid_and_close_to_the_optimum(crowded, order):
    analysis = Analysis(crowded)
    schedule = constructed_schedule(analysis, order)
    result = build_result(
        crowded,
        analysis,
        schedule,
        status="feasible",
        levels=(),
        solve_seconds=0.0,
        first_feasible_seconds=None,
        method=order,
        settings={},
    )
    assert check(crowded, result) == []
    full = level_values(crowded, schedule)["full_dose"]
    greedy = level_values(crowded, greedy_schedule(analysis))["full_dose"]
    assert full >= 0.95 * OPTIMUM
    assert full >= 1.5 * greedy


def test_one_worker_proves_the_crowded_optimum(crowded):
    result = solve(crowded, time_limit=10, workers=1)
    assert check(crowded, result) == []
    assert result.full_dose == result.bound == OPTIMUM
    assert result.levels[0].optimal
    assert result.method == "cp-sat"
    assert result.start is not None and result.start[1] < OPTIMUM
