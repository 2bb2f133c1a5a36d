"""MDQ: the three-part positive rule (each part failing alone) and the item 2 skip rule."""

import pytest

from assessments.scoring import score, validate

PART_1 = [f"1{letter}" for letter in "abcdefghijklm"]


def part1(yes: int) -> dict[str, int]:
    return {item: int(index < yes) for index, item in enumerate(PART_1)}


def test_positive_when_all_three_parts_hold():
    result = score("mdq", part1(7) | {"2": 1, "3": 2})
    assert result.to_dict() == {
        "instrument": "mdq",
        "complete": True,
        "total": 7,
        "subscales": {},
        "band": "positive",
        "positive": True,
        "flags": [],
    }


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(part1(6) | {"2": 1, "3": 3}, id="part-1-six-yes"),
        pytest.param(part1(13) | {"2": 0, "3": 3}, id="not-same-period"),
        pytest.param(part1(13) | {"2": 1, "3": 1}, id="minor-problem"),
        pytest.param(part1(13) | {"2": 1, "3": 0}, id="no-problem"),
    ],
)
def test_each_part_failing_alone_is_negative(answers):
    result = score("mdq", answers)
    assert (result.band, result.positive) == ("negative", False)


def test_serious_problem_and_all_yes():
    result = score("mdq", part1(13) | {"2": 1, "3": 3})
    assert (result.total, result.positive) == (13, True)


@pytest.mark.parametrize("yes", [0, 1])
def test_item_2_may_be_absent_with_at_most_one_yes(yes):
    result = score("mdq", part1(yes) | {"3": 0})
    assert (result.complete, result.total, result.positive) == (True, yes, False)


def test_item_2_required_with_two_yes():
    assert validate("mdq", part1(2) | {"3": 0}) == [
        {"item": "2", "message": "item 2 is required", "kind": "required"}
    ]


def test_item_3_always_required():
    assert validate("mdq", part1(0)) == [
        {"item": "3", "message": "item 3 is required", "kind": "required"}
    ]


def test_items_4_and_5_accepted_not_scored():
    answers = part1(8) | {"2": 1, "3": 2}
    assert score("mdq", answers | {"4": 1, "5": 1}) == score("mdq", answers)


@pytest.mark.parametrize("value", [4, -1, True, 2.5])
def test_item_3_takes_0_to_3(value):
    errors = validate("mdq", part1(0) | {"3": value})
    assert [error["item"] for error in errors] == ["3"]
