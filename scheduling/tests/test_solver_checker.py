"""The checker catches every kind of violation: tamper with a valid result, one rule at a time."""

import copy

import pytest

from scheduling.solver import check, parse_problem, solve, to_json

ALL_WEEK = [{"day": d, "start": "08:00", "end": "20:00"} for d in range(5)]

PROBLEM = parse_problem(
    {
        "sessions": [
            {
                "id": "mon",
                "day": 0,
                "start": "09:00",
                "minutes": 180,
                "capacity": 2,
                "min_size": 2,
                "staff": ["s1"],
            },
            {
                "id": "mon-b",
                "day": 0,
                "start": "10:00",
                "minutes": 120,
                "capacity": 3,
                "min_size": 1,
                "staff": ["s2"],
            },
            {
                "id": "tue",
                "day": 1,
                "start": "09:00",
                "minutes": 180,
                "capacity": 3,
                "min_size": 1,
                "staff": ["s1"],
            },
            {
                "id": "wed",
                "day": 2,
                "start": "09:00",
                "minutes": 180,
                "capacity": 3,
                "min_size": 1,
                "staff": ["s1"],
            },
            {
                "id": "virt",
                "day": 3,
                "start": "18:00",
                "minutes": 120,
                "capacity": 3,
                "min_size": 1,
                "mode": "virtual",
                "staff": ["s2"],
            },
            {
                "id": "away",
                "day": 4,
                "start": "09:00",
                "minutes": 60,
                "capacity": 3,
                "min_size": 1,
                "staff": ["s3"],
            },
        ],
        "staff": [
            {"id": "s1", "availability": ALL_WEEK},
            {
                "id": "s2",
                "availability": [{"day": d, "start": "08:00", "end": "21:00"} for d in range(5)],
            },
            {"id": "s3", "availability": [{"day": 0, "start": "08:00", "end": "12:00"}]},
        ],
        "participants": [
            {
                "id": "a",
                "required_minutes": 540,
                "mode": "in_person",
                "max_days": 3,
                "availability": ALL_WEEK,
                "individual": {"staff": "s1", "minutes": 50},
                "pinned": ["mon"],
                "excluded": ["wed"],
            },
            {
                "id": "b",
                "required_minutes": 360,
                "mode": "either",
                "max_days": 2,
                "availability": ALL_WEEK,
                "individual": {"staff": "s1", "minutes": 50},
            },
            {
                "id": "c",
                "required_minutes": 120,
                "mode": "virtual",
                "availability": [{"day": 3, "start": "17:00", "end": "21:00"}],
            },
        ],
    }
)


@pytest.fixture(scope="module")
def valid() -> dict:
    result = to_json(solve(PROBLEM, time_limit=10, workers=1))
    assert check(PROBLEM, result) == []
    return result


def tampered(valid: dict, change) -> list[str]:
    result = copy.deepcopy(valid)
    change(result)
    return check(PROBLEM, result)


def rows(result: dict) -> dict:
    return result["participants"]


def set_sessions(result: dict, pid: str, sessions: list[str]) -> None:
    """Change one participant's sessions and keep the derived fields consistent."""
    minutes = {s.id: s.minutes for s in PROBLEM.sessions}
    row = rows(result)[pid]
    row["sessions"] = sessions
    ind = row["individual"]["minutes"] if row["individual"] else 0
    row["scheduled_minutes"] = sum(minutes.get(s, 0) for s in sessions) + ind
    row["full_dose"] = row["scheduled_minutes"] >= row["required_minutes"]
    result.pop("sessions", None)


def test_the_fixture_result_is_the_expected_shape(valid):
    assert valid["status"] == "optimal"
    assert "mon" in rows(valid)["a"]["sessions"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda r: set_sessions(r, "c", ["virt", "tue"]),
            'participant "c" (virtual) is assigned in_person session "tue"',
        ),
        (
            lambda r: set_sessions(r, "a", ["mon", "virt"]),
            'participant "a" (in_person) is assigned virtual session "virt"',
        ),
        (
            lambda r: set_sessions(r, "a", ["mon", "wed"]),
            'participant "a" is assigned excluded session "wed"',
        ),
        (
            lambda r: set_sessions(r, "a", ["tue"]),
            'participant "a" is not assigned pinned session "mon"',
        ),
        (
            lambda r: set_sessions(r, "c", ["virt", "mon-b"]),
            'participant "c" is assigned session "mon-b" (Mon 10:00–12:00) outside their availability',
        ),
        (
            lambda r: set_sessions(r, "b", ["mon", "mon-b"]),
            'participant "b" is double-booked: session "mon" and session "mon-b" overlap',
        ),
        (
            lambda r: set_sessions(r, "b", ["mon-b", "tue", "wed"]),
            "but max_days is 2",
        ),
        (
            lambda r: set_sessions(r, "b", ["away"]),
            'session "away" runs but staff "s3" is not available Fri 09:00–10:00',
        ),
        (
            lambda r: rows(r)["b"].update(scheduled_minutes=rows(r)["b"]["scheduled_minutes"] + 1),
            "has scheduled_minutes",
        ),
        (
            lambda r: rows(r)["c"].update(full_dose=not rows(r)["c"]["full_dose"]),
            'participant "c" has full_dose',
        ),
        (
            lambda r: r["sessions"]["tue"].update(size=99),
            'session "tue" is reported with size 99',
        ),
        (
            lambda r: rows(r).pop("c"),
            'participant "c" is missing from the result',
        ),
        (
            lambda r: set_sessions(r, "c", ["virt", "nope"]),
            'participant "c" is assigned unknown session "nope"',
        ),
        (
            lambda r: r.update(status="great"),
            "status 'great' is not one of optimal, feasible, infeasible",
        ),
    ],
)
def test_each_tampering_is_caught(valid, change, expected):
    assert any(expected in v for v in tampered(valid, change))


def test_capacity_is_checked(valid):
    def everyone_in_mon(result):
        for pid in ("a", "b", "c"):
            set_sessions(result, pid, ["mon"])

    assert 'session "mon" has 3 participants but capacity 2' in tampered(valid, everyone_in_mon)


def test_min_size_holds_for_pinned_sessions_too(valid):
    def mon_with_its_pin_alone(result):
        for pid in ("a", "b", "c"):
            with_individual(result, pid, None)
        set_sessions(result, "a", ["mon"])
        set_sessions(result, "b", ["tue"])
        set_sessions(result, "c", [])

    assert tampered(valid, mon_with_its_pin_alone) == [
        'session "mon" runs with 1 participants, below min_size 2'
    ]


def individual(day: int, start: str, minutes: int = 50, staff: str = "s1") -> dict:
    return {"day": day, "start": start, "minutes": minutes, "staff": staff}


def with_individual(result: dict, pid: str, slot: dict | None) -> None:
    row = rows(result)[pid]
    old = row["individual"]["minutes"] if row["individual"] else 0
    row["individual"] = slot
    row["scheduled_minutes"] += (slot["minutes"] if slot else 0) - old
    row["full_dose"] = row["scheduled_minutes"] >= row["required_minutes"]


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        (individual(3, "08:10"), "off the 15-minute grid"),
        (individual(3, "19:30"), "outside their availability"),
        (individual(3, "08:00", staff="s2"), 'with "s2" instead of "s1"'),
        (individual(3, "08:00", minutes=30), "a 30-minute individual instead of 50"),
        (individual(9, "08:00"), "bad day or start"),
    ],
)
def test_individual_rules_are_checked(valid, slot, expected):
    assert any(expected in v for v in tampered(valid, lambda r: with_individual(r, "b", slot)))


def test_individual_must_not_clash_with_own_sessions_or_the_staff_member(valid):
    def clash_with_own_group(result):
        set_sessions(result, "b", ["tue"])
        with_individual(result, "b", individual(1, "10:00"))

    assert any("double-booked" in v for v in tampered(valid, clash_with_own_group))

    def two_individuals_at_once(result):
        with_individual(result, "a", individual(3, "08:00"))
        with_individual(result, "b", individual(3, "08:30"))

    assert (
        'staff "s1" is double-booked: the individual of "a" and the individual of "b" overlap'
        in (tampered(valid, two_individuals_at_once))
    )

    def individual_during_staff_group(result):
        set_sessions(result, "b", ["tue"])
        with_individual(result, "a", individual(1, "10:00"))

    assert any(
        'staff "s1" is double-booked: session "tue" and the individual of "a" overlap' in v
        for v in tampered(valid, individual_during_staff_group)
    )


def test_individual_for_someone_without_one_is_flagged(valid):
    def give_c_an_individual(result):
        rows(result)["c"]["individual"] = individual(3, "17:00")

    assert any(
        "has no individual session in the problem" in v
        for v in tampered(valid, give_c_an_individual)
    )


def test_infeasible_claims_are_verified(valid):
    result = {"status": "infeasible", "infeasible_reasons": ["made up"], "participants": {}}
    assert check(PROBLEM, result) == ["status is infeasible but every pin can be honoured"]
