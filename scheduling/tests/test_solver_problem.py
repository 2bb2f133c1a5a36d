"""Parsing and validation of the JSON problem: every error names the offending entry."""

import copy
import json
from typing import Any

import pytest

from scheduling.solver import ProblemError, load_problem, parse_problem, problem_to_json
from scheduling.solver.problem import Window

# The decoded JSON of the documented example problem.
VALID: dict[str, Any] = {
    "sessions": [
        {
            "id": "am-mon",
            "day": 0,
            "start": "09:00",
            "minutes": 180,
            "capacity": 12,
            "min_size": 3,
            "mode": "in_person",
            "staff": ["s1"],
        }
    ],
    "staff": [{"id": "s1", "availability": [{"day": 0, "start": "08:00", "end": "17:00"}]}],
    "participants": [
        {
            "id": "p1",
            "required_minutes": 540,
            "mode": "either",
            "max_days": 5,
            "availability": [{"day": 0, "start": "08:00", "end": "13:00"}],
            "individual": {"staff": "s1", "minutes": 50},
            "pinned": ["am-mon"],
            "excluded": [],
        }
    ],
    "current": {"p1": ["am-mon"]},
}


def errors_for(mutate) -> list[str]:
    data = copy.deepcopy(VALID)
    mutate(data)
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    return caught.value.messages


def test_valid_problem_parses_with_minutes_and_round_trips():
    problem = parse_problem(VALID)
    session = problem.sessions[0]
    assert (session.week_start, session.week_end) == (9 * 60, 12 * 60)
    assert problem.participants[0].availability == (Window(0, 8 * 60, 13 * 60),)
    individual = problem.participants[0].individual
    assert individual is not None and individual.minutes == 50
    assert parse_problem(problem_to_json(problem)) == problem


def test_defaults_fill_optional_fields():
    problem = parse_problem(
        {
            "sessions": [{"id": "a", "day": 1, "start": "10:00", "minutes": 60, "capacity": 4}],
            "staff": [],
            "participants": [{"id": "p"}],
        }
    )
    session, participant = problem.sessions[0], problem.participants[0]
    assert (session.min_size, session.mode, session.staff) == (0, "in_person", ())
    assert participant.required_minutes == 540
    assert (participant.mode, participant.max_days, participant.individual) == ("either", 7, None)
    assert problem.current == {}


def test_touching_windows_merge_into_one():
    data = copy.deepcopy(VALID)
    data["participants"][0]["availability"] = [
        {"day": 0, "start": "12:00", "end": "13:00"},
        {"day": 0, "start": "08:00", "end": "12:00"},
    ]
    assert parse_problem(data).participants[0].availability == (Window(0, 480, 780),)


def test_window_ending_before_it_starts_is_named_like_the_spec():
    def mutate(d):
        d["participants"].extend(
            {"id": f"p{k}", "availability": [{"day": 1, "start": "08:00", "end": "10:00"}]}
            for k in (2, 3)
        )
        d["participants"].append(
            {
                "id": "p4",
                "availability": [
                    {"day": 0, "start": "07:00", "end": "08:00"},
                    {"day": 1, "start": "07:00", "end": "08:00"},
                    {"day": 2, "start": "09:00", "end": "08:00"},
                ],
            }
        )

    assert errors_for(mutate) == [
        'participants[3] (id "p4"): availability window 2 ends (08:00) before it starts (09:00)'
    ]


def test_overlapping_windows_of_one_person():
    def mutate(d):
        d["staff"][0]["availability"].append({"day": 0, "start": "16:00", "end": "18:00"})

    assert errors_for(mutate) == [
        'staff[0] (id "s1"): availability windows 0 and 1 overlap '
        "(Mon 08:00–17:00 and Mon 16:00–18:00)"
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["sessions"][0]["staff"].append("ghost"),
            'sessions[0] (id "am-mon"): unknown staff id "ghost"',
        ),
        (
            lambda d: d["participants"][0]["pinned"].append("nope"),
            'participants[0] (id "p1"): "pinned" names unknown session id "nope"',
        ),
        (
            lambda d: d["participants"][0]["excluded"].append("nope"),
            'participants[0] (id "p1"): "excluded" names unknown session id "nope"',
        ),
        (
            lambda d: d["participants"][0]["excluded"].append("am-mon"),
            'participants[0] (id "p1"): session "am-mon" is both pinned and excluded',
        ),
        (
            lambda d: d["participants"][0]["individual"].update(staff="ghost"),
            'participants[0] (id "p1"): individual session names unknown staff id "ghost"',
        ),
        (
            lambda d: d["current"].update(p9=["am-mon"]),
            'current["p9"]: unknown participant id "p9"',
        ),
        (
            lambda d: d["current"]["p1"].append("zz"),
            'current["p1"][1]: unknown session id "zz"',
        ),
        (
            lambda d: d["sessions"].append(dict(d["sessions"][0])),
            'sessions[1] (id "am-mon"): duplicate session id "am-mon" '
            '(already used by sessions[0] (id "am-mon"))',
        ),
        (
            lambda d: d["sessions"][0].update(day=7),
            'sessions[0] (id "am-mon"): "day" must be a whole number 0-6 (Monday = 0), not 7',
        ),
        (
            lambda d: d["sessions"][0].update(start="9am"),
            'sessions[0] (id "am-mon"): "start" must be a time "HH:MM" from 00:00 to 23:59, '
            'not "9am"',
        ),
        (
            lambda d: d["sessions"][0].update(capacity=-2),
            'sessions[0] (id "am-mon"): "capacity" must not be negative (-2)',
        ),
        (
            lambda d: d["participants"][0].update(required_minutes=-30),
            'participants[0] (id "p1"): "required_minutes" must not be negative (-30)',
        ),
        (
            lambda d: d["participants"][0].update(mode="hybrid"),
            'participants[0] (id "p1"): "mode" must be one of "in_person", "virtual", '
            '"either", not "hybrid"',
        ),
        (
            lambda d: d["sessions"][0].update(min_size=13),
            'sessions[0] (id "am-mon"): "min_size" (13) is larger than "capacity" (12)',
        ),
        (
            lambda d: d["sessions"][0].update(start="23:00"),
            'sessions[0] (id "am-mon"): runs past midnight (23:00 + 180 minutes)',
        ),
        (
            lambda d: d["staff"][0]["availability"][0].update(end="25:00"),
            'staff[0] (id "s1"): availability window 0: "end" must be a time "HH:MM" '
            'from 00:00 to 24:00, not "25:00"',
        ),
    ],
)
def test_each_kind_of_error_names_the_entry(mutate, expected):
    assert errors_for(mutate) == [expected]


def test_all_errors_are_reported_together():
    def mutate(d):
        d["sessions"][0]["staff"] = ["ghost"]
        d["participants"][0]["max_days"] = -1

    assert errors_for(mutate) == [
        'sessions[0] (id "am-mon"): unknown staff id "ghost"',
        'participants[0] (id "p1"): "max_days" must not be negative (-1)',
    ]


def test_non_object_input_is_rejected():
    with pytest.raises(ProblemError, match="must be a JSON object"):
        parse_problem([1, 2])


def test_load_problem_reports_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ProblemError, match="cannot read the file"):
        load_problem(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ProblemError, match="not valid JSON"):
        load_problem(broken)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(VALID))
    assert load_problem(good) == parse_problem(VALID)
