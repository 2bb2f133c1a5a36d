"""Benchmark the scheduling core on generated programs of several sizes.

For each size: time to the first feasible CP-SAT schedule, final status and gap, participants at
full dose, the upper bound (participants whose own availability allows full dose), the same
figures for the greedy baseline, and checker violations (which must be 0).

Run: ``.venv/bin/python bench/bench_schedule.py [--sizes 40,120,500,1000] [--time-limit S]
[--workers N] [--seed K] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from schedule_instances import generate

from scheduling.solver import Result, check, parse_problem, solve, solve_greedy, to_json

DEFAULT_LIMITS = {40: 30.0, 120: 60.0}
LARGE_LIMIT = 120.0


def _level(result: Result, name: str) -> int:
    return next(level.value for level in result.levels if level.name == name)


def run(size: int, seed: int, time_limit: float, workers: int, out: Path | None) -> dict:
    data = generate(size, seed)
    problem = parse_problem(data)
    greedy = solve_greedy(problem)
    greedy_violations = check(problem, greedy)
    started = time.perf_counter()
    result = solve(problem, time_limit=time_limit, workers=workers, seed=seed)
    wall = time.perf_counter() - started
    violations = check(problem, result)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"problem_{size}.json").write_text(json.dumps(data, indent=1))
        (out / f"result_{size}.json").write_text(json.dumps(to_json(result), indent=1))
    return {
        "size": size,
        "sessions": len(problem.sessions),
        "staff": len(problem.staff),
        "limit": time_limit,
        "first": result.first_feasible_seconds,
        "status": result.status,
        "gap": result.gap,
        "proven": sum(level.optimal for level in result.levels),
        "levels": len(result.levels),
        "full": result.full_dose,
        "bound": result.bound,
        "upper": result.availability_full_dose,
        "seconds": wall,
        "violations": len(violations),
        "shortfall": _level(result, "shortfall"),
        "individuals": _level(result, "individuals"),
        "greedy_full": greedy.full_dose,
        "greedy_shortfall": _level(greedy, "shortfall"),
        "greedy_individuals": _level(greedy, "individuals"),
        "greedy_seconds": greedy.solve_seconds,
        "greedy_violations": len(greedy_violations),
        "details": violations[:5] + greedy_violations[:5],
    }


def table(rows: list[dict]) -> str:
    header = (
        "| participants | sessions | staff | limit s | first feasible s | status | gap "
        "| levels proven | at full dose | bound | availability upper bound | shortfall min "
        "| individuals | total s | violations | greedy at full dose | greedy shortfall min "
        "| greedy individuals | greedy s | greedy violations |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for r in rows:
        first = "-" if r["first"] is None else f"{r['first']:.1f}"
        gap = "-" if r["gap"] is None else f"{r['gap']:.1%}"
        lines.append(
            f"| {r['size']} | {r['sessions']} | {r['staff']} | {r['limit']:g} | {first} "
            f"| {r['status']} | {gap} | {r['proven']}/{r['levels']} | {r['full']} | {r['bound']} "
            f"| {r['upper']} | {r['shortfall']} | {r['individuals']} | {r['seconds']:.1f} "
            f"| {r['violations']} | {r['greedy_full']} | {r['greedy_shortfall']} "
            f"| {r['greedy_individuals']} | {r['greedy_seconds']:.2f} | {r['greedy_violations']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="40,120,500,1000", help="participant counts")
    parser.add_argument(
        "--time-limit",
        type=float,
        help=f"seconds per solve (default 30 for 40, 60 for 120, {LARGE_LIMIT:g} above)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="instance and solver seed")
    parser.add_argument("--out", type=Path, help="also write each problem and result here")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        limit = args.time_limit or DEFAULT_LIMITS.get(size, LARGE_LIMIT)
        rows.append(run(size, args.seed, limit, args.workers, args.out))
        print(f"done {size}", file=sys.stderr, flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"workers={args.workers} seed={args.seed} cpus={os.cpu_count()} "
        f"load average at end={load:.2f}"
    )
    print(table(rows))
    for r in rows:
        for detail in r["details"]:
            print(f"violation at {r['size']}: {detail}")
    return 1 if any(r["violations"] or r["greedy_violations"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
