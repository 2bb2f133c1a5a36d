"""The file interface shared by ``manage.py solve_schedule`` and ``python -m scheduling.solver``.

Invalid input is reported entry by entry and nothing is written, so a stale result file can never
be mistaken for a fresh one. The result is written atomically (temporary file, then rename).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .checker import check
from .model import DEFAULT_SEED, DEFAULT_TIME_LIMIT, DEFAULT_WORKERS, Progress, solve
from .problem import ProblemError, load_problem
from .result import to_json

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

EXIT_INVALID_INPUT = 2
EXIT_INTERNAL_ERROR = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="problem JSON file")
    parser.add_argument("--output", required=True, help="where to write the result JSON")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help=f"seconds for the whole solve (default {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"CP-SAT search workers (default {DEFAULT_WORKERS})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default 0)")


def write_json(path: str | Path, data: Mapping[str, Any]) -> None:
    """Write JSON atomically so readers never see a half-written file."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(
    options: Mapping[str, Any],
    out: SupportsWrite[str],
    err: SupportsWrite[str],
    verbose: bool = False,
) -> int:
    """Solve ``options["input"]`` into ``options["output"]``; returns the process exit code."""
    if options["time_limit"] <= 0 or options["workers"] < 1:
        err.write("--time-limit must be positive and --workers at least 1; no output written\n")
        return EXIT_INVALID_INPUT
    try:
        problem = load_problem(options["input"])
    except ProblemError as exc:
        err.write("invalid problem, no output written:\n")
        for message in exc.messages:
            err.write(f"  {message}\n")
        return EXIT_INVALID_INPUT

    def show(progress: Progress) -> None:
        err.write(f"[{progress.fraction:4.0%}] {progress.message}\n")

    result = solve(
        problem,
        time_limit=options["time_limit"],
        workers=options["workers"],
        seed=options["seed"],
        progress=show if verbose else None,
    )
    violations = check(problem, result)
    if violations:
        err.write("internal error: the schedule breaks rules, no output written:\n")
        for message in violations:
            err.write(f"  {message}\n")
        return EXIT_INTERNAL_ERROR
    try:
        write_json(options["output"], to_json(result))
    except OSError as exc:
        err.write(f"cannot write {options['output']}: {exc.strerror}\n")
        return EXIT_INVALID_INPUT
    if result.status == "infeasible":
        out.write(f"infeasible; reasons written to {options['output']}:\n")
        for reason in result.infeasible_reasons:
            out.write(f"  {reason}\n")
    else:
        out.write(
            f"{result.status}: {result.full_dose} of {len(problem.participants)} participants "
            f"at full dose (bound {result.bound}, gap {result.gap:.1%}) "
            f"in {result.solve_seconds:.1f}s; written to {options['output']}\n"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m scheduling.solver", description="Solve a Tandem scheduling problem."
    )
    add_arguments(parser)
    parser.add_argument("--verbose", action="store_true", help="print progress to stderr")
    args = parser.parse_args(argv)
    return run(vars(args), sys.stdout, sys.stderr, verbose=args.verbose)
