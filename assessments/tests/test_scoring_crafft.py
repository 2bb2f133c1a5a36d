"""CRAFFT: the no-use path with car-risk, the part B bands and the b2-b6 skip rule."""

import pytest

from assessments.scoring import ScoringError, score, validate

NO_USE = {"a1": 0, "a2": 0, "a3": 0}
PART_B = ["b1", "b2", "b3", "b4", "b5", "b6"]


def part_b(yes: int) -> dict[str, int]:
    return {item: int(index < yes) for index, item in enumerate(PART_B)}


def test_no_use_with_car_no():
    result = score("crafft", NO_USE | {"b1": 0})
    assert result.to_dict() == {
        "instrument": "crafft",
        "complete": True,
        "total": 0,
        "subscales": {},
        "band": "no-use",
        "positive": False,
        "flags": [],
    }


def test_no_use_with_car_yes_raises_car_risk():
    result = score("crafft", NO_USE | {"b1": 1})
    assert (result.band, result.total, result.positive) == ("no-use", 1, False)
    assert [flag.to_dict(extended=True) for flag in result.flags] == [
        {
            "code": "car-risk",
            "item": "b1",
            "message": "No use reported in part A, but b1 (Car) is yes.",
            "critical": False,
        }
    ]


@pytest.mark.parametrize("item", ["b2", "b3", "b4", "b5", "b6"])
@pytest.mark.parametrize("value", [0, 1])
def test_no_use_forbids_b2_to_b6(item, value):
    with pytest.raises(ScoringError) as info:
        score("crafft", NO_USE | {"b1": 0, item: value})
    assert [error["item"] for error in info.value.errors] == [item]
    assert "must be absent" in info.value.errors[0]["message"]


@pytest.mark.parametrize(
    ("yes", "band", "positive"),
    [
        (0, "low-risk", False),
        (1, "low-risk", False),
        (2, "high-risk", True),
        (6, "high-risk", True),
    ],
)
def test_part_b_bands(yes, band, positive):
    result = score("crafft", {"a1": 3, "a2": 0, "a3": 0} | part_b(yes))
    assert (result.total, result.band, result.positive) == (yes, band, positive)
    assert result.flags == ()  # car-risk belongs to the no-use path only


@pytest.mark.parametrize("used", ["a1", "a2", "a3"])
def test_any_use_requires_b2_to_b6(used):
    errors = validate("crafft", NO_USE | {used: 1, "b1": 0})
    assert [error["item"] for error in errors] == ["b2", "b3", "b4", "b5", "b6"]


@pytest.mark.parametrize("days", [-1, 366, 1.5, True, "3", None])
def test_days_are_integers_0_to_365(days):
    errors = validate("crafft", NO_USE | {"a2": days, "b1": 0})
    assert [error["item"] for error in errors] == ["a2"]
    assert "an integer from 0 to 365" in errors[0]["message"]


def test_days_365_accepted():
    result = score("crafft", {"a1": 365, "a2": 0, "a3": 0} | part_b(3))
    assert (result.total, result.band) == (3, "high-risk")


def test_b1_always_required():
    assert validate("crafft", NO_USE) == [
        {"item": "b1", "message": "item b1 is required", "kind": "required"}
    ]
