"""The file interface: `manage.py solve_schedule --input … --output …`."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PROBLEM = {
    "sessions": [
        {
            "id": "am-mon",
            "day": 0,
            "start": "09:00",
            "minutes": 180,
            "capacity": 12,
            "min_size": 1,
            "mode": "in_person",
            "staff": ["s1"],
        },
        {
            "id": "am-wed",
            "day": 2,
            "start": "09:00",
            "minutes": 180,
            "capacity": 12,
            "min_size": 1,
            "mode": "in_person",
            "staff": ["s1"],
        },
        {
            "id": "pm-tue",
            "day": 1,
            "start": "18:00",
            "minutes": 180,
            "capacity": 12,
            "min_size": 1,
            "mode": "virtual",
            "staff": ["s1"],
        },
    ],
    "staff": [
        {
            "id": "s1",
            "availability": [{"day": d, "start": "08:00", "end": "21:00"} for d in range(5)],
        }
    ],
    "participants": [
        {
            "id": "p1",
            "required_minutes": 540,
            "mode": "either",
            "max_days": 5,
            "availability": [{"day": d, "start": "08:00", "end": "21:00"} for d in range(5)],
            "individual": {"staff": "s1", "minutes": 50},
            "pinned": ["am-mon"],
            "excluded": [],
        },
        {
            "id": "p2",
            "required_minutes": 540,
            "mode": "in_person",
            "max_days": 5,
            "availability": [{"day": 0, "start": "08:00", "end": "13:00"}],
            "individual": None,
            "pinned": [],
            "excluded": [],
        },
    ],
    "current": {"p1": ["am-mon"]},
}


def test_solves_a_problem_file_and_writes_the_result(tmp_path):
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(json.dumps(PROBLEM))
    call_command(
        "solve_schedule",
        "--input",
        str(source),
        "--output",
        str(target),
        "--time-limit",
        "10",
        "--workers",
        "1",
    )
    result = json.loads(target.read_text())
    assert result["status"] == "optimal"
    p1, p2 = result["participants"]["p1"], result["participants"]["p2"]
    assert sorted(p1["sessions"]) == ["am-mon", "am-wed", "pm-tue"]
    assert (p1["scheduled_minutes"], p1["full_dose"]) == (590, True)
    assert p1["individual"]["staff"] == "s1"
    assert int(p1["individual"]["start"][3:]) % 15 == 0
    assert (p2["scheduled_minutes"], p2["full_dose"]) == (180, False)
    assert p2["reasons"] and "540" in " ".join(p2["reasons"])


def test_invalid_input_names_the_entry_and_writes_nothing(tmp_path):
    bad = json.loads(json.dumps(PROBLEM))
    bad["participants"][1]["availability"] = [{"day": 0, "start": "13:00", "end": "08:00"}]
    bad["participants"][0]["pinned"] = ["no-such-session"]
    source, target = tmp_path / "problem.json", tmp_path / "result.json"
    source.write_text(json.dumps(bad))
    errors = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "solve_schedule", "--input", str(source), "--output", str(target), stderr=errors
        )
    assert error.value.returncode == 2
    assert not target.exists()
    text = errors.getvalue()
    assert "p2" in text and "08:00" in text  # the window that ends before it starts
    assert "no-such-session" in text
