"""Benchmark the scheduling core on generated programs of several sizes.

For each size: time to the first feasible CP-SAT schedule, final status and gap, participants at
full dose, the upper bound (participants whose own availability allows full dose), the lower
levels (shortfall, individuals, changes, travel days), the same figures for the greedy baseline,
and checker violations (which must be 0). Sizes listed in ``--tight`` run again with group seats
equal to demand.

Run: ``.venv/bin/python bench/bench_schedule.py [--sizes 40,120,500,1000] [--time-limit S]
[--workers N] [--seed K] [--tight 120] [--out DIR]``.
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

from schedule_instances import SEAT_SUPPLY, generate

from scheduling.solver import Result, check, parse_problem, solve, solve_greedy, to_json

DEFAULT_LIMITS = {40: 30.0, 120: 60.0}
LARGE_LIMIT = 120.0
TIGHT_SUPPLY = 1.0
"""Seats equal to demand: the generated programs' default (1.3x) leaves the greedy baseline
little to lose; here who gets which seat decides how many reach full dose."""


def _level(result: Result, name: str) -> int:
    return next(level.value for level in result.levels if level.name == name)


def run(
    size: int, seed: int, time_limit: float, workers: int, out: Path | None, supply: float
) -> dict:
    data = generate(size, seed, supply)
    problem = parse_problem(data)
    greedy = solve_greedy(problem)
    greedy_violations = check(problem, greedy)
    started = time.perf_counter()
    result = solve(problem, time_limit=time_limit, workers=workers, seed=seed)
    wall = time.perf_counter() - started
    violations = check(problem, result)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"problem_{size}_{supply:g}.json").write_text(json.dumps(data, indent=1))
        (out / f"result_{size}_{supply:g}.json").write_text(json.dumps(to_json(result), indent=1))
    return {
        "size": size,
        "supply": supply,
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
        "changes": _level(result, "changes"),
        "travel": _level(result, "travel_days"),
        "greedy_full": greedy.full_dose,
        "greedy_shortfall": _level(greedy, "shortfall"),
        "greedy_individuals": _level(greedy, "individuals"),
        "greedy_changes": _level(greedy, "changes"),
        "greedy_travel": _level(greedy, "travel_days"),
        "greedy_seconds": greedy.solve_seconds,
        "greedy_violations": len(greedy_violations),
        "details": violations[:5] + greedy_violations[:5],
    }


def table(rows: list[dict]) -> str:
    header = (
        "| participants | seat supply | sessions | staff | limit s | first feasible s | status "
        "| gap | levels proven | at full dose | bound | availability upper bound | shortfall min "
        "| individuals | changes | travel days | total s | violations | greedy at full dose "
        "| greedy shortfall min | greedy individuals | greedy changes | greedy travel days "
        "| greedy s | greedy violations |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for r in rows:
        first = "-" if r["first"] is None else f"{r['first']:.1f}"
        gap = "-" if r["gap"] is None else f"{r['gap']:.1%}"
        lines.append(
            f"| {r['size']} | {r['supply']:g} | {r['sessions']} | {r['staff']} | {r['limit']:g} "
            f"| {first} | {r['status']} | {gap} | {r['proven']}/{r['levels']} | {r['full']} "
            f"| {r['bound']} | {r['upper']} | {r['shortfall']} | {r['individuals']} "
            f"| {r['changes']} | {r['travel']} | {r['seconds']:.1f} | {r['violations']} "
            f"| {r['greedy_full']} | {r['greedy_shortfall']} | {r['greedy_individuals']} "
            f"| {r['greedy_changes']} | {r['greedy_travel']} | {r['greedy_seconds']:.2f} "
            f"| {r['greedy_violations']} |"
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
    parser.add_argument(
        "--tight",
        default="120",
        help=f"sizes to run again with seats at {TIGHT_SUPPLY:g}x demand ('' for none)",
    )
    args = parser.parse_args()
    runs = [(int(s), SEAT_SUPPLY) for s in args.sizes.split(",")]
    runs += [(int(s), TIGHT_SUPPLY) for s in args.tight.split(",") if s]
    rows = []
    for size, supply in runs:
        limit = args.time_limit or DEFAULT_LIMITS.get(size, LARGE_LIMIT)
        rows.append(run(size, args.seed, limit, args.workers, args.out, supply))
        print(f"done {size} at seat supply {supply:g}", file=sys.stderr, flush=True)
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
