"""The file interface: ``python -m scheduling.solver`` and ``manage.py solve_schedule``.

Both run in a subprocess, as an operator would run them; neither touches a database.
"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

from scheduling.solver import check, parse_problem
from scheduling.tests.test_solver_problem import VALID

ROOT = Path(__file__).resolve().parents[2]

# The documented example problem, with a requirement that one Monday group covers.
PROBLEM = copy.deepcopy(VALID)
PROBLEM["sessions"][0]["min_size"] = 1
PROBLEM["participants"][0]["required_minutes"] = 230


def run(args: list[str], via_django: bool = False) -> subprocess.CompletedProcess:
    """Run the CLI; the Django route uses the project's settings but needs no database."""
    if via_django:
        command = [sys.executable, "manage.py", "solve_schedule"]
    else:
        command = [sys.executable, "-m", "scheduling.solver"]
    env = {**os.environ, "TANDEM_TESTING": "1"}
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [*command, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_module_cli_writes_a_checked_result(tmp_path):
    source = write(tmp_path / "problem.json", PROBLEM)
    target = tmp_path / "result.json"
    done = run(
        [
            "--input",
            str(source),
            "--output",
            str(target),
            "--time-limit",
            "5",
            "--workers",
            "1",
            "--seed",
            "4",
        ]
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(target.read_text())
    assert result["status"] == "optimal"
    assert result["settings"] == {"time_limit": 5.0, "workers": 1, "seed": 4}
    assert result["participants"]["p1"]["sessions"] == ["am-mon"]
    assert result["participants"]["p1"]["scheduled_minutes"] == 230
    assert check(parse_problem(PROBLEM), result) == []
    assert "optimal: 1 of 1 participants at full dose" in done.stdout


def test_invalid_input_names_the_entry_exits_nonzero_and_writes_nothing(tmp_path):
    broken = json.loads(json.dumps(PROBLEM))
    broken["participants"][0]["availability"].append({"day": 1, "start": "09:00", "end": "08:00"})
    broken["participants"][0]["pinned"] = ["nope"]
    source = write(tmp_path / "problem.json", broken)
    target = tmp_path / "result.json"
    done = run(["--input", str(source), "--output", str(target)])
    assert done.returncode == 2
    assert not target.exists()
    assert (
        'participants[0] (id "p1"): availability window 1 ends (08:00) before it starts (09:00)'
        in done.stderr
    )
    assert 'participants[0] (id "p1"): "pinned" names unknown session id "nope"' in done.stderr


def test_missing_input_file_is_reported(tmp_path):
    done = run(["--input", str(tmp_path / "none.json"), "--output", str(tmp_path / "out.json")])
    assert done.returncode == 2
    assert "cannot read the file" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_django_command_solves_and_rejects_like_the_module(tmp_path):
    source = write(tmp_path / "problem.json", PROBLEM)
    target = tmp_path / "result.json"
    done = run(
        ["--input", str(source), "--output", str(target), "--time-limit", "5", "--workers", "1"],
        via_django=True,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(target.read_text())["status"] == "optimal"

    broken = json.loads(json.dumps(PROBLEM))
    broken["sessions"][0]["staff"] = ["ghost"]
    bad_target = tmp_path / "bad.json"
    done = run(
        ["--input", str(write(tmp_path / "bad_problem.json", broken)), "--output", str(bad_target)],
        via_django=True,
    )
    assert done.returncode == 2
    assert 'sessions[0] (id "am-mon"): unknown staff id "ghost"' in done.stderr
    assert not bad_target.exists()


def test_infeasible_pins_are_written_with_reasons(tmp_path):
    pinned_outside = json.loads(json.dumps(PROBLEM))
    pinned_outside["participants"][0]["availability"] = [
        {"day": 2, "start": "08:00", "end": "13:00"}
    ]
    target = tmp_path / "result.json"
    done = run(
        ["--input", str(write(tmp_path / "p.json", pinned_outside)), "--output", str(target)]
    )
    assert done.returncode == 0
    result = json.loads(target.read_text())
    assert result["status"] == "infeasible"
    assert result["infeasible_reasons"] == [
        'participant "p1" is pinned to session "am-mon" (Mon 09:00–12:00), which lies outside '
        "their availability"
    ]
