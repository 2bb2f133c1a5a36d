"""Tandem's scheduling core: pure Python + OR-Tools, no Django.

Typical use (what the Django layer calls)::

    problem = parse_problem(json_data)          # or load_problem(path); raises ProblemError
    result = solve(problem, time_limit=30, workers=2, seed=0, progress=callback)
    assert check(problem, result) == []
    payload = to_json(result)

``solve_greedy(problem)`` gives the baseline schedule in the same shape.
"""

from .checker import check
from .greedy import solve_greedy
from .model import (
    DEFAULT_SEED,
    DEFAULT_TIME_LIMIT,
    DEFAULT_WORKERS,
    Progress,
    ProgressCallback,
    solve,
)
from .problem import Problem, ProblemError, load_problem, parse_problem, problem_to_json
from .result import Result, to_json

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "Problem",
    "ProblemError",
    "Progress",
    "ProgressCallback",
    "Result",
    "check",
    "load_problem",
    "parse_problem",
    "problem_to_json",
    "solve",
    "solve_greedy",
    "to_json",
]
