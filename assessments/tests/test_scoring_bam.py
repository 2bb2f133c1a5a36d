"""BAM: subscales, item 14 Yes = 4, flag thresholds, unscored items 7a-7g and 17."""

import pytest

from assessments.scoring import score, validate

SCORED = ["1", "2", "3", "4", "5", "6", "8", "9", "10", "11", "12", "13", "14", "15", "16"]
ZERO = dict.fromkeys(SCORED, 0)
USE = ["4", "5", "6"]
RISK = ["1", "2", "3", "8", "11", "15"]
PROTECTIVE = ["9", "10", "12", "13", "14", "16"]


def codes(result):
    return [flag.code for flag in result.flags]


def test_worked_example_exact():
    answers = ZERO | {"1": 3, "2": 2, "3": 4, "4": 1, "5": 0, "6": 2, "8": 3, "9": 1}
    answers |= {"10": 0, "11": 2, "12": 4, "13": 0, "14": 4, "15": 1, "16": 3}
    assert score("bam", answers).to_dict() == {
        "instrument": "bam",
        "complete": True,
        "total": None,
        "subscales": {"use": 3, "risk": 15, "protective": 12},
        "band": None,
        "positive": None,
        "flags": [
            {
                "code": "use",
                "item": None,
                "message": (
                    "Use subscale is 1 or more: alcohol or drug use reported in the past 30 days."
                ),
            },
            {"code": "risk-high", "item": None, "message": "Risk subscale is 12 or more."},
            {
                "code": "protective-low",
                "item": None,
                "message": "Protective subscale is 12 or less.",
            },
        ],
    }


def test_item_14_yes_is_four():
    without = score("bam", ZERO)
    with_income = score("bam", ZERO | {"14": 4})
    assert with_income.subscales["protective"] - without.subscales["protective"] == 4


@pytest.mark.parametrize("value", [1, 2, 3, True])
def test_item_14_takes_only_0_or_4(value):
    assert [e["item"] for e in validate("bam", ZERO | {"14": value})] == ["14"]


@pytest.mark.parametrize(("use", "flag"), [(0, False), (1, True)])
def test_use_flag_threshold(use, flag):
    assert ("use" in codes(score("bam", ZERO | {"6": use}))) is flag


@pytest.mark.parametrize(("points", "flag"), [(11, False), (12, True), (24, True)])
def test_risk_high_threshold(points, flag):
    answers = dict(ZERO)
    for item in RISK:
        answers[item] = min(4, points)
        points -= answers[item]
    result = score("bam", answers)
    assert ("risk-high" in codes(result)) is flag


@pytest.mark.parametrize(("points", "flag"), [(12, True), (13, False), (24, False)])
def test_protective_low_threshold(points, flag):
    answers = dict(ZERO)
    for item in PROTECTIVE:
        value = 4 if points >= 4 else points
        if item == "14":  # only 0 or 4
            value = 4 if points >= 4 else 0
        answers[item] = value
        points -= value
    result = score("bam", answers)
    assert ("protective-low" in codes(result)) is flag


def test_subscale_ranges_at_maximum():
    answers = dict.fromkeys(SCORED, 4)
    result = score("bam", answers)
    assert result.subscales == {"use": 12, "risk": 24, "protective": 24}


def test_items_7a_to_7g_and_17_are_recorded_not_scored():
    extra = {f"7{letter}": 4 for letter in "abcdefg"} | {"17": 4}
    assert score("bam", ZERO | extra) == score("bam", ZERO)


def test_scored_items_are_required():
    answers = dict(ZERO)
    del answers["13"]
    assert validate("bam", answers) == [
        {"item": "13", "message": "item 13 is required", "kind": "required"}
    ]


def test_partial_form_keeps_only_fully_answered_subscales():
    answers = {"4": 1, "5": 0, "6": 2, "1": 3}
    result = score("bam", answers, allow_incomplete=True)
    assert (result.complete, result.subscales, result.flags) == (False, {"use": 3}, ())
