"""Benchmark the weekly scheduler against the greedy baseline on generated programs.

    .venv/bin/python bench/bench_schedule.py [--sizes 40,120,500,1000] [--workers 2] [--seed 0]

For each size it generates a realistic instance (bench/schedule_instances.py), solves it with
CP-SAT under the size's time limit and with the greedy baseline, validates both with the
checker, and prints: time to the first feasible schedule, final status and gap, participants
at full dose, and the upper bound (participants whose own availability allows full dose).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.schedule_instances import generate
from scheduling.solver import check, parse_problem, solve, solve_greedy
from scheduling.solver.analysis import Analysis

TIME_LIMITS = {40: 30, 120: 60, 500: 90, 1000: 120}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="40,120,500,1000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, help="one limit for every size")
    args = parser.parse_args()

    header = (
        f"{'size':>5} {'solver':<7} {'limit s':>7} {'first s':>8} {'total s':>8} "
        f"{'status':<10} {'gap':>6} {'full dose':>9} {'bound':>6} {'avail. UB':>9} {'violations':>10}"
    )
    print(header)
    for size in (int(s) for s in args.sizes.split(",")):
        problem = parse_problem(generate(size, seed=args.seed))
        analysis = Analysis(problem)
        upper = sum(
            analysis.availability_allows_full_dose(i) for i in range(len(problem.participants))
        )
        limit = args.time_limit or TIME_LIMITS.get(size, 120)

        started = time.perf_counter()
        greedy = solve_greedy(problem)
        greedy_seconds = time.perf_counter() - started
        started = time.perf_counter()
        cpsat = solve(problem, time_limit=limit, workers=args.workers, seed=args.seed)
        cpsat_seconds = time.perf_counter() - started

        for name, result, seconds, first in (
            ("greedy", greedy, greedy_seconds, greedy_seconds),
            ("cp-sat", cpsat, cpsat_seconds, cpsat.first_feasible_seconds),
        ):
            full = sum(1 for p in result.participants.values() if p.full_dose)
            gap = "" if result.gap is None else f"{result.gap:.3f}"
            bound = "" if result.bound is None else str(result.bound)
            first_s = "" if first is None else f"{first:.2f}"
            print(
                f"{size:>5} {name:<7} {limit if name == 'cp-sat' else '':>7} {first_s:>8} "
                f"{seconds:>8.2f} {result.status:<10} {gap:>6} {full:>9} {bound:>6} {upper:>9} "
                f"{len(check(problem, result)):>10}",
                flush=True,
            )


if __name__ == "__main__":
    main()
