"""Hand-made instances whose right answer and reasons are known exactly."""

import json

import pytest

from scheduling.solver import check, parse_problem, solve, solve_greedy, to_json
from scheduling.solver.model import Progress
from scheduling.solver.problem import Problem

TIME_LIMIT = 10


def w(day: int, start: str, end: str) -> dict:
    return {"day": day, "start": start, "end": end}


def session(sid: str, day: int, start: str, minutes: int = 180, **extra) -> dict:
    return {
        "id": sid,
        "day": day,
        "start": start,
        "minutes": minutes,
        "capacity": extra.pop("capacity", 10),
        "min_size": extra.pop("min_size", 1),
        "mode": extra.pop("mode", "in_person"),
        "staff": extra.pop("staff", ["s1"]),
        **extra,
    }


def person(pid: str, windows: list[dict], required: int = 540, **extra) -> dict:
    return {"id": pid, "required_minutes": required, "availability": windows, **extra}


WEEKDAYS = [w(d, "08:00", "22:00") for d in range(6)]


def build(sessions, participants, staff=None, current=None) -> Problem:
    return parse_problem(
        {
            "sessions": sessions,
            "staff": staff or [{"id": "s1", "availability": WEEKDAYS}],
            "participants": participants,
            "current": current or {},
        }
    )


def solved(problem: Problem, **options) -> dict:
    result = solve(problem, time_limit=TIME_LIMIT, workers=1, **options)
    assert check(problem, result) == []
    return to_json(result)


def test_capacity_limits_rosters_and_the_one_left_out_hears_why():
    problem = build(
        [session("only", 0, "09:00", capacity=2)],
        [person(p, [w(0, "08:00", "13:00")], required=180) for p in ("a", "b", "c")],
    )
    out = solved(problem)
    assert out["status"] == "optimal"
    assert out["sessions"]["only"]["size"] == 2
    left = [p for p, row in out["participants"].items() if not row["sessions"]]
    assert len(left) == 1
    assert out["participants"][left[0]]["reasons"] == [
        "their availability allows 180 of the 180 required minutes, but with everyone else's "
        "places as scheduled the open seats offer them at most 0",
        'full: "only"',
        "no schedule gives more participants a full dose",
    ]


def test_an_unproven_week_says_the_search_stopped_in_plain_words():
    problem = build(
        [session("only", 0, "09:00", capacity=2)],
        [person(p, [w(0, "08:00", "13:00")], required=180) for p in ("a", "b", "c")],
    )
    out = to_json(solve_greedy(problem))
    left = next(row for row in out["participants"].values() if not row["sessions"])
    assert left["reasons"][-1] == (
        "the search stopped before it could show that no schedule gives more participants "
        "a full dose"
    )


def test_groups_below_min_size_do_not_run():
    problem = build(
        [
            session("a", 0, "09:00", min_size=3),
            session("b", 0, "09:00", min_size=3, staff=["s2"]),
        ],
        [person(f"p{k}", [w(0, "08:00", "13:00")], required=180) for k in range(4)],
        staff=[{"id": "s1", "availability": WEEKDAYS}, {"id": "s2", "availability": WEEKDAYS}],
    )
    out = solved(problem)
    sizes = sorted(row["size"] for row in out["sessions"].values())
    assert sizes == [0, 4], "4 people cannot make two groups of at least 3"
    assert out["full_dose"] == 4


def test_a_group_nobody_can_fill_is_explained():
    problem = build(
        [session("tiny", 0, "09:00", min_size=3)],
        [person(p, [w(0, "08:00", "13:00")], required=180) for p in ("a", "b")],
    )
    out = solved(problem)
    assert out["participants"]["a"]["reasons"] == [
        "their availability allows 180 of the 180 required minutes, but with everyone else's "
        "places as scheduled the open seats offer them at most 0",
        "cannot run because too few participants could ever attend to reach the minimum group "
        'size: "tiny"',
        "no schedule gives more participants a full dose",
    ]


def test_a_pinned_group_is_filled_to_its_minimum_size():
    # Only "a" and "b" can bring the pinned online group to its minimum of 3; the morning group
    # pulls everyone else away, and "b" would reach full dose there too.
    problem = build(
        [
            session("online", 1, "18:00", min_size=3, mode="virtual"),
            session("morning", 0, "09:00", min_size=1),
        ],
        [
            person("p", [w(1, "17:00", "22:00")], required=180, pinned=["online"]),
            person("a", [w(1, "17:00", "22:00")], required=180),
            person("b", [w(0, "08:00", "13:00"), w(1, "17:00", "22:00")], required=180),
            person("c", [w(0, "08:00", "13:00")], required=180),
        ],
    )
    for result in (solve(problem, time_limit=TIME_LIMIT, workers=1), solve_greedy(problem)):
        assert check(problem, result) == []
        out = to_json(result)
        assert out["sessions"]["online"]["participants"] == ["p", "a", "b"]
        assert out["sessions"]["online"]["min_size_waived"] is False
        assert out["full_dose"] == 4


def test_a_pinned_group_that_cannot_reach_its_minimum_is_reported():
    problem = build(
        [session("online", 1, "18:00", min_size=3, mode="virtual")],
        [
            person("p", [w(1, "17:00", "22:00")], required=180, pinned=["online"]),
            person("a", [w(1, "17:00", "22:00")], required=180),
            person("far", [w(0, "08:00", "13:00")], required=180),
        ],
    )
    result = solve(problem, time_limit=TIME_LIMIT, workers=1)
    assert result.status == "infeasible"
    assert list(result.infeasible_reasons) == [
        'session "online" (Tue 18:00–21:00) holds pins, so it must run with at least 3 '
        "participants, but only 2 can attend it"
    ]
    assert check(problem, result) == []


def test_pinned_groups_that_compete_for_the_same_people_are_reported():
    # Two pinned groups at the same hour each need one more member; only "a" could join either.
    problem = build(
        [
            session("left", 1, "18:00", min_size=2, mode="virtual", staff=[]),
            session("right", 1, "18:00", min_size=2, mode="virtual", staff=[]),
        ],
        [
            person("p", [w(1, "17:00", "22:00")], required=180, pinned=["left"]),
            person("q", [w(1, "17:00", "22:00")], required=180, pinned=["right"]),
            person("a", [w(1, "17:00", "22:00")], required=180),
        ],
    )
    result = solve(problem, time_limit=TIME_LIMIT, workers=1)
    assert result.status == "infeasible"
    assert list(result.infeasible_reasons) == [
        'the pinned sessions "left", "right" cannot all reach their minimum group size: too '
        "few of the participants who could join them are free at those times and within their "
        "day limits"
    ]
    assert check(problem, result) == []


def test_impossible_pins_make_the_problem_infeasible_with_reasons():
    problem = build(
        [session("eve", 1, "18:00"), session("virt", 0, "09:00", mode="virtual")],
        [
            person("p", [w(0, "08:00", "13:00")], pinned=["eve"]),
            person("q", [w(0, "08:00", "13:00")], mode="in_person", pinned=["virt"]),
        ],
    )
    result = solve(problem, time_limit=TIME_LIMIT, workers=1)
    assert result.status == "infeasible"
    assert list(result.infeasible_reasons) == [
        'participant "p" is pinned to session "eve" (Tue 18:00–21:00), which lies outside '
        "their availability",
        'participant "q" is pinned to session "virt" (Mon 09:00–12:00), which is virtual but '
        "they attend in person only",
    ]
    assert check(problem, result) == []


def test_staff_who_are_away_stop_a_session_and_the_reason_says_so():
    problem = build(
        [session("mon", 0, "09:00"), session("wed", 2, "09:00"), session("fri", 4, "09:00")],
        [person("p", [w(d, "08:00", "13:00") for d in (0, 2, 4)])],
        staff=[{"id": "s1", "availability": [w(0, "08:00", "17:00"), w(2, "08:00", "17:00")]}],
    )
    out = solved(problem)
    assert out["participants"]["p"]["sessions"] == ["mon", "wed"]
    assert out["participants"]["p"]["reasons"] == [
        'sessions "fri" fit their availability but cannot run because staff "s1" are not '
        "available then; otherwise they could reach 540 minutes"
    ]


def test_one_staff_member_cannot_run_two_overlapping_groups():
    problem = build(
        [session("a", 0, "09:00"), session("b", 0, "10:00")],
        [
            person("p", [w(0, "08:00", "13:00")], required=180, excluded=["b"]),
            person("q", [w(0, "08:00", "13:00")], required=180, excluded=["a"]),
        ],
    )
    out = solved(problem)
    assert [row["runs"] for row in out["sessions"].values()].count(True) == 1
    assert out["full_dose"] == 1


def test_individuals_respect_both_calendars_the_grid_and_each_other():
    problem = build(
        [],
        [
            person(
                p, [w(0, "08:00", "12:00")], required=50, individual={"staff": "s1", "minutes": 50}
            )
            for p in ("a", "b", "c")
        ],
        staff=[{"id": "s1", "availability": [w(0, "09:10", "11:00")]}],
    )
    out = solved(problem)
    starts = sorted(
        row["individual"]["start"] for row in out["participants"].values() if row["individual"]
    )
    assert starts == ["09:15"], "09:15–10:05 is the only grid slot; 10:15 would end at 11:05"
    unplaced = next(row for row in out["participants"].values() if not row["individual"])
    assert unplaced["reasons"][-1] == (
        'their 50-minute individual session with "s1" is not placed: every slot they share with '
        '"s1" is taken by "s1"\'s other sessions, their own group sessions or their day limit'
    )


def test_individual_avoids_the_staff_members_running_group():
    problem = build(
        [session("grp", 0, "09:00", minutes=120)],
        [
            person("g", [w(0, "08:00", "12:00")], required=120),
            person(
                "i",
                [w(0, "09:00", "12:00")],
                required=50,
                individual={"staff": "s1", "minutes": 50},
            ),
        ],
    )
    out = solved(problem)
    assert out["participants"]["g"]["sessions"] == ["grp"]
    assert out["participants"]["i"]["individual"]["start"] == "11:00"


def test_mode_mismatch_is_respected_and_explained():
    problem = build(
        [session("v1", 0, "18:00", mode="virtual"), session("v2", 2, "18:00", mode="virtual")],
        [
            person(
                "p",
                [w(0, "17:00", "22:00"), w(2, "17:00", "22:00")],
                required=360,
                mode="in_person",
            )
        ],
    )
    out = solved(problem)
    assert out["participants"]["p"]["sessions"] == []
    assert out["participants"]["p"]["reasons"] == [
        "attends in person only; virtual sessions would let them reach 360 minutes"
    ]


def test_max_days_binds_and_is_explained():
    problem = build(
        [session("mon", 0, "09:00"), session("wed", 2, "09:00"), session("fri", 4, "09:00")],
        [person("p", [w(d, "08:00", "13:00") for d in (0, 2, 4)], max_days=2)],
    )
    out = solved(problem)
    assert len(out["participants"]["p"]["sessions"]) == 2
    assert out["participants"]["p"]["reasons"] == [
        "may attend at most 2 days a week, which caps them at 360 minutes; without that limit "
        "they could reach 540"
    ]


def test_limited_availability_reason_reads_like_the_issue():
    problem = build(
        [session(f"ev-{d}", d, "18:00") for d in (1, 3)] + [session("am-0", 0, "09:00")],
        [person("p4", [w(1, "17:30", "21:30"), w(3, "17:30", "21:30")])],
    )
    out = solved(problem)
    row = out["participants"]["p4"]
    assert (row["scheduled_minutes"], row["full_dose"]) == (360, False)
    assert row["reasons"] == [
        "available only Tue and Thu evenings, which offer 360 of the 540 required minutes"
    ]
    assert row["availability_minutes"] == 360
    assert out["availability_full_dose"] == 0


def test_exclusions_are_never_assigned():
    problem = build(
        [session("a", 0, "09:00"), session("b", 2, "09:00")],
        [
            person(
                "p", [w(0, "08:00", "13:00"), w(2, "08:00", "13:00")], required=360, excluded=["b"]
            )
        ],
    )
    out = solved(problem)
    assert out["participants"]["p"]["sessions"] == ["a"]
    assert out["participants"]["p"]["reasons"] == [
        'is excluded from "b"; without the exclusions they could reach 360 minutes'
    ]


def test_full_dose_count_outranks_total_shortfall():
    # Giving "s" to a (who needs 100) makes one full dose; giving it to b saves 80 more
    # minutes of shortfall but leaves nobody at full dose.
    problem = build(
        [session("s", 0, "09:00", capacity=1), session("t", 2, "09:00")],
        [
            person("a", [w(0, "08:00", "13:00")], required=100),
            person("b", [w(0, "08:00", "13:00"), w(2, "08:00", "13:00")], required=1000),
        ],
    )
    out = solved(problem)
    assert out["participants"]["a"]["sessions"] == ["s"]
    assert out["objective"]["full_dose"]["value"] == 1
    assert out["objective"]["shortfall"]["value"] == 820


def test_staying_put_outranks_balance():
    sessions = [session("r1", 0, "09:00"), session("r2", 0, "09:00", staff=["s2"])]
    staff = [{"id": "s1", "availability": WEEKDAYS}, {"id": "s2", "availability": WEEKDAYS}]
    people = [person(p, [w(0, "08:00", "13:00")], required=180) for p in ("a", "b")]
    stay = solved(build(sessions, people, staff, current={"a": ["r1"], "b": ["r1"]}))
    assert stay["sessions"]["r1"]["size"] == 2
    assert stay["objective"]["changes"]["value"] == 0
    spread = solved(build(sessions, people, staff))
    assert sorted(row["size"] for row in spread["sessions"].values()) == [1, 1]


def test_travel_days_are_minimised_last():
    problem = build(
        [
            session("mon-am", 0, "09:00"),
            session("mon-pm", 0, "13:00"),
            session("wed-am", 2, "09:00"),
        ],
        [person("p", [w(0, "08:00", "17:00"), w(2, "08:00", "13:00")], required=360)],
    )
    out = solved(problem)
    assert out["participants"]["p"]["sessions"] == ["mon-am", "mon-pm"]
    assert out["objective"]["travel_days"]["value"] == 1


def test_changes_count_additions_and_removals_against_current():
    problem = build(
        [session("a", 0, "09:00"), session("b", 2, "09:00"), session("gone", 4, "09:00")],
        [person("p", [w(0, "08:00", "13:00"), w(2, "08:00", "13:00")], required=360)],
        current={"p": ["a", "gone"]},
    )
    out = solved(problem)
    assert out["participants"]["p"]["sessions"] == ["a", "b"]
    assert out["objective"]["changes"]["value"] == 2


def random_problem(seed: int, participants: int = 14, sessions: int = 10) -> Problem:
    """A seeded mid-sized instance, for determinism and time-limit checks."""
    import random

    rng = random.Random(seed)
    slots = [(d, h) for d in range(6) for h in ("09:00", "13:00", "18:00")]
    chosen = rng.sample(slots, sessions)
    staff = [
        {
            "id": f"s{k}",
            "availability": [w(d, "08:00", "21:30") for d in range(6) if rng.random() < 0.85],
        }
        for k in range(3)
    ]
    return parse_problem(
        {
            "sessions": [
                session(
                    f"g{k}",
                    d,
                    h,
                    capacity=rng.randint(3, 6),
                    min_size=rng.randint(1, 3),
                    mode=rng.choice(["in_person", "virtual"]),
                    staff=[f"s{rng.randrange(3)}"],
                )
                for k, (d, h) in enumerate(chosen)
            ],
            "staff": staff,
            "participants": [
                person(
                    f"p{k}",
                    [w(d, "08:00", "22:00") for d in range(6) if rng.random() < 0.6],
                    required=rng.choice([360, 540]),
                    mode=rng.choice(["either", "in_person", "virtual"]),
                    max_days=rng.randint(2, 5),
                    individual={"staff": f"s{rng.randrange(3)}", "minutes": 50},
                )
                for k in range(participants)
            ],
            "current": {
                f"p{k}": [f"g{rng.randrange(sessions)}"] for k in range(0, participants, 2)
            },
        }
    )


def without_timings(payload: dict) -> str:
    payload = json.loads(json.dumps(payload))
    for key in ("solve_seconds", "first_feasible_seconds"):
        payload.pop(key)
    for level in payload["objective"].values():
        level.pop("seconds")
    return json.dumps(payload, sort_keys=True)


def test_same_input_seed_and_one_worker_give_identical_results():
    problem = random_problem(7)
    first = solve(problem, time_limit=30, workers=1, seed=3)
    second = solve(problem, time_limit=30, workers=1, seed=3)
    assert first.status == "optimal", "determinism is only promised when no level hits its limit"
    assert without_timings(to_json(first)) == without_timings(to_json(second))


def test_progress_reports_phases_in_order_and_ends_done():
    seen: list[Progress] = []
    result = solve(random_problem(2), time_limit=TIME_LIMIT, workers=1, progress=seen.append)
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)
    assert seen[0].phase == "analysis"
    assert (seen[-1].phase, seen[-1].fraction) == ("done", 1.0)
    assert {"full_dose", "shortfall"} <= {p.phase for p in seen}
    assert result.status in ("optimal", "feasible")


@pytest.mark.parametrize("seed", [1, 4])
def test_a_tiny_time_limit_still_returns_a_valid_schedule(seed):
    problem = random_problem(seed, participants=20, sessions=14)
    result = solve(problem, time_limit=0.05, workers=1)
    assert result.status in ("optimal", "feasible")
    assert check(problem, result) == []
    assert set(result.participants) == {p.id for p in problem.participants}


@pytest.mark.parametrize("seed", range(5))
def test_greedy_is_valid_and_never_beats_the_solver(seed):
    problem = random_problem(seed)
    greedy = solve_greedy(problem)
    assert check(problem, greedy) == []
    best = solve(problem, time_limit=TIME_LIMIT, workers=1)
    assert best.levels[0].optimal and best.bound is not None
    assert greedy.full_dose <= best.full_dose <= best.bound


def test_every_group_that_does_not_run_says_why():
    problem = build(
        [
            session("away", 1, "09:00", staff=["s2"]),
            session("tiny", 2, "09:00", min_size=3),
            session("a", 0, "09:00", min_size=3),
            session("b", 0, "09:00", min_size=3, staff=["s3"]),
            session("clash", 3, "09:00", staff=["s1"]),
            session("held", 3, "09:00", staff=["s1"]),
        ],
        [
            *[person(f"p{k}", [w(0, "08:00", "13:00")], required=180) for k in range(4)],
            *[
                person(f"q{k}", [w(d, "08:00", "13:00") for d in (1, 2)], required=180)
                for k in range(2)
            ],
            person("r", [w(3, "08:00", "13:00")], required=180, pinned=["held"]),
        ],
        staff=[
            {"id": "s1", "availability": WEEKDAYS},
            {"id": "s2", "availability": [w(0, "08:00", "17:00")]},
            {"id": "s3", "availability": WEEKDAYS},
        ],
    )
    out = solved(problem)
    why = {sid: row["not_running"] for sid, row in out["sessions"].items() if not row["runs"]}
    idle = next(sid for sid in ("a", "b") if sid in why)
    assert why == {
        "away": 'no facilitator free: "s2" not available then',
        "tiny": "only 2 participants could ever attend it, fewer than its minimum of 3",
        idle: "fewer than its minimum of 3 were placed in it; 4 participants could attend it",
        "clash": 'no facilitator free: "s1" runs session "held" at the same time',
    }
    assert all(row["not_running"] == "" for row in out["sessions"].values() if row["runs"])
