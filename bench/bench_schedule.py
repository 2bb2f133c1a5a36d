"""Benchmark the scheduling core on generated programs of several sizes.

For each size: time to the first feasible CP-SAT schedule, final status and gap, participants at
full dose, the upper bound (participants whose own availability allows full dose), the lower
levels (shortfall, individuals, changes, travel days), the same figures for the greedy baseline,
and checker violations (which must be 0). Sizes listed in ``--tight`` run again with group seats
equal to demand.

Run: ``.venv/bin/python bench/bench_schedule.py [--sizes 40,120,500,1000] [--time-limit S]
[--workers N] [--seed K] [--tight 120] [--out DIR]``.

``--crowded`` runs the crowded-program family instead (:mod:`crowded_instances`: short seats and
clinicians, several seeds) and prints, per instance and worker count, full dose for CP-SAT, the
greedy baseline and the constructive start, each as a ratio to the proven bound:
``.venv/bin/python bench/bench_schedule.py --crowded --sizes 120,400 --seeds 1,2,3
--worker-counts 1,2``. Default limits there are 10 s for 120, 20 s for 400 and 60 s for 1,000.
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

import crowded_instances
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


CROWDED_LIMITS = {120: 10.0, 400: 20.0, 1000: 60.0}


def run_crowded(size: int, seed: int, time_limit: float, workers: int) -> dict:
    problem = parse_problem(crowded_instances.generate(size, seed))
    greedy = solve_greedy(problem)
    started = time.perf_counter()
    result = solve(problem, time_limit=time_limit, workers=workers, seed=0)
    wall = time.perf_counter() - started
    return {
        "size": size,
        "seed": seed,
        "workers": workers,
        "limit": time_limit,
        "seconds": wall,
        "full": result.full_dose,
        "full_seconds": result.levels[0].seconds if result.levels else 0.0,
        "proven": bool(result.levels) and result.levels[0].optimal,
        "bound": result.bound,
        "upper": result.availability_full_dose,
        "method": result.method,
        "start": result.start,
        "greedy": greedy.full_dose,
        "violations": len(check(problem, result)) + len(check(problem, greedy)),
    }


def crowded_table(rows: list[dict]) -> str:
    def ratio(value: int, bound: int | None) -> str:
        return "-" if not bound else f"{value / bound:.1%}"

    header = (
        "| participants | seed | workers | limit s | total s | CP-SAT full dose | proven "
        "| bound | CP-SAT / bound | greedy | greedy / bound | start (method) | start / bound "
        "| availability bound | result from | violations |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for r in rows:
        start_method, start_full = r["start"] or ("-", 0)
        lines.append(
            f"| {r['size']} | {r['seed']} | {r['workers']} | {r['limit']:g} | {r['seconds']:.1f} "
            f"| {r['full']} | {'yes' if r['proven'] else 'no'} | {r['bound']} "
            f"| {ratio(r['full'], r['bound'])} | {r['greedy']} | {ratio(r['greedy'], r['bound'])} "
            f"| {start_full} ({start_method}) | {ratio(start_full, r['bound'])} | {r['upper']} "
            f"| {r['method']} | {r['violations']} |"
        )
    return "\n".join(lines)


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
    parser.add_argument("--crowded", action="store_true", help="run the crowded family")
    parser.add_argument("--seeds", default="1,2,3", help="crowded family: instance seeds")
    parser.add_argument("--worker-counts", default="1,2", help="crowded family: worker counts")
    args = parser.parse_args()
    if args.crowded:
        return crowded(args)
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


def crowded(args: argparse.Namespace) -> int:
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            for workers in (int(w) for w in args.worker_counts.split(",")):
                limit = args.time_limit or CROWDED_LIMITS.get(size, LARGE_LIMIT)
                rows.append(run_crowded(size, seed, limit, workers))
                print(f"done {size} seed {seed} workers {workers}", file=sys.stderr, flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"crowded family, cpus={os.cpu_count()} load average at end={load:.2f}")
    print(crowded_table(rows))
    return 1 if any(r["violations"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
